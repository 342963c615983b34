import { type DependencyList, useEffect, useState } from 'react';
import { errorText, type Page } from './api';
import { type Loaded, useLoad } from './use-load';

/** A paged list: the first page loaded with the view, further pages on demand ("Load more"). */
export interface PagedLoad<T> {
  /** Every row loaded so far (the first page's loading and error states). */
  readonly loaded: Loaded<readonly T[]>;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  /** Why the last "Load more" failed, in words. */
  readonly moreError?: string;
  readonly loadMore: () => Promise<void>;
}

/** Loads `fetchPage()` with the view and `fetchPage(nextToken)` on `loadMore`; a change of `deps` starts over. */
export function usePagedLoad<T>(
  fetchPage: (nextToken: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
): PagedLoad<T> {
  const first = useLoad((signal) => fetchPage(undefined, signal), deps);
  const [extra, setExtra] = useState<{ items: T[]; nextToken?: string }>({ items: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string>();

  useEffect(() => setExtra({ items: [], nextToken: first.data?.nextToken }), [first.data]);

  const loadMore = async () => {
    if (!extra.nextToken) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await fetchPage(extra.nextToken);
      setExtra((e) => ({ items: [...e.items, ...next.items], nextToken: next.nextToken }));
    } catch (error) {
      setMoreError(`Could not load more: ${errorText(error)}`);
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    loaded: { ...first, data: first.data ? [...first.data.items, ...extra.items] : undefined },
    hasMore: !!extra.nextToken,
    loadingMore,
    moreError,
    loadMore,
  };
}
