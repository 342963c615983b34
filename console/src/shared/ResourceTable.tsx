/**
 * The table every list page shows: a header with a counter and actions, optional search over
 * the loaded rows, optional single selection, and loading, empty and error states in words.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { type ReactNode, useState } from 'react';
import type { Loaded } from './use-load';

export interface ResourceTableProps<T> {
  /** The page title, and the table's heading. */
  readonly title: string;
  /** What the rows are, plural and lower-case ("products"): loading, error and search texts. */
  readonly noun: string;
  readonly loaded: Loaded<readonly T[]>;
  readonly columns: TableProps.ColumnDefinition<T>[];
  readonly trackBy: keyof T & string;
  /** Orders the rows (the loaded order otherwise). */
  readonly sort?: (a: T, b: T) => number;
  /** What the empty table says (no error, no search), e.g. a sentence and a create button. */
  readonly empty: ReactNode;
  readonly actions?: ReactNode;
  /** Adds a refresh button to the header. */
  readonly refreshable?: boolean;
  /** The texts a search matches (search over the loaded rows; none without it). */
  readonly searchText?: (item: T) => readonly (string | undefined)[];
  /** Single selection, e.g. for header actions on the selected row. */
  readonly selection?: {
    readonly selected: readonly T[];
    readonly onChange: (selected: T[]) => void;
    readonly labelOf: (item: T) => string;
  };
  /** `h1` (a page of its own, the default) or `h2` (a section of a page). */
  readonly headingLevel?: 'h1' | 'h2';
  /** Rows wrap instead of being cut (long errors). */
  readonly wrapLines?: boolean;
  /** More filters next to the search (e.g. a server-side status filter). */
  readonly filters?: ReactNode;
  /** Below the rows (e.g. "Load more"); `hasMore` adds a '+' to the counter. */
  readonly footer?: ReactNode;
  readonly hasMore?: boolean;
}

export function ResourceTable<T>(props: ResourceTableProps<T>) {
  const { title, noun, loaded, columns, trackBy, sort, empty, actions, refreshable, searchText, selection } = props;
  const [search, setSearch] = useState('');
  const page = (props.headingLevel ?? 'h1') === 'h1';
  const needle = search.trim().toLowerCase();
  const all = [...(loaded.data ?? [])];
  if (sort) all.sort(sort);
  const items =
    searchText && needle
      ? all.filter((item) => searchText(item).some((text) => text?.toLowerCase().includes(needle)))
      : all;
  // Selections keep the row as it was when selected; show it as it is now.
  const selectedItems = selection
    ? selection.selected.map((s) => all.find((item) => item[trackBy] === s[trackBy]) ?? s)
    : undefined;

  return (
    <Table<T>
      variant={page ? 'full-page' : 'container'}
      trackBy={trackBy}
      items={items}
      columnDefinitions={columns}
      wrapLines={props.wrapLines}
      loading={loaded.loading}
      loadingText={`Loading ${noun}`}
      {...(selection
        ? {
            selectionType: 'single' as const,
            selectedItems,
            onSelectionChange: ({ detail }) => selection.onChange(detail.selectedItems),
            ariaLabels: {
              selectionGroupLabel: `${title} selection`,
              itemSelectionLabel: (_state, item) => `Select ${selection.labelOf(item)}`,
              allItemsSelectionLabel: () => 'Select all',
            },
          }
        : {})}
      header={
        <Header
          variant={page ? 'awsui-h1-sticky' : 'h2'}
          counter={loaded.data ? `(${loaded.data.length}${props.hasMore ? '+' : ''})` : undefined}
          actions={
            refreshable || actions ? (
              <SpaceBetween direction="horizontal" size="xs">
                {refreshable && (
                  <Button
                    iconName="refresh"
                    ariaLabel={`Refresh ${noun}`}
                    loading={loaded.loading}
                    onClick={() => loaded.reload()}
                  />
                )}
                {actions}
              </SpaceBetween>
            ) : undefined
          }
        >
          {title}
        </Header>
      }
      footer={props.footer}
      filter={
        searchText || props.filters ? (
          <SpaceBetween direction="horizontal" size="xs">
            {searchText && (
              <TextFilter
                filteringText={search}
                onChange={({ detail }) => setSearch(detail.filteringText)}
                filteringPlaceholder={`Search ${noun}`}
                filteringAriaLabel={`Search ${noun}`}
                countText={needle ? `${items.length} matches` : undefined}
              />
            )}
            {props.filters}
          </SpaceBetween>
        ) : undefined
      }
      empty={
        <Box textAlign="center" color="inherit" padding="m">
          {loaded.error ? (
            <span role="alert">
              Could not load the {noun}: {loaded.error}
            </span>
          ) : needle ? (
            `No ${noun} match the search.`
          ) : (
            empty
          )}
        </Box>
      }
    />
  );
}
