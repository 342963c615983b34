import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './api';

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: string;
  readonly loading: boolean;
  /** Loads again; `quiet` keeps the current data on screen (live refresh). */
  readonly reload: (quiet?: boolean) => void;
}

/** Loads data for a view, with loading and error states in words; stale answers are dropped. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const run = useCallback((quiet = false) => {
    const mine = ++generation.current;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    if (!quiet) setState((s) => ({ ...s, loading: true, error: undefined }));
    load(abort.signal).then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error) => {
        if (mine !== generation.current || (error as Error).name === 'AbortError') return;
        setState((s) => ({ data: quiet ? s.data : undefined, error: errorText(error), loading: false }));
      },
    );
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists the loader's inputs.
  }, deps);
  useEffect(() => {
    run();
    return () => controller.current?.abort();
  }, [run]);
  return { ...state, reload: run };
}

/** Live refresh: while `active` (e.g. an execution runs), loads again quietly every `everyMs`. */
export function useRefreshWhile(loaded: Loaded<unknown>, active: boolean, everyMs = 1500): void {
  const { reload, data, error } = loaded;
  // Re-armed by each answer (new data), not by unrelated re-renders; an error (shown on the page)
  // stops the refresh instead of hammering a failing API.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `data` re-arms the timer on each answer.
  useEffect(() => {
    if (!active || error) return;
    const timer = setTimeout(() => reload(true), everyMs);
    return () => clearTimeout(timer);
  }, [active, reload, data, error, everyMs]);
}
