/** The executions table: status filter (server-side), search (in the loaded rows), load more. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import { useEffect, useState } from 'react';
import { errorText } from '../../shared/api';
import { formatTime } from '../../shared/format';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { ExecutionStatus } from '../status';
import type { Execution } from '../types';

const STATUS_OPTIONS: SelectProps.Option[] = [
  { value: '', label: 'Any status' },
  { value: 'RUNNING', label: 'Running' },
  { value: 'SUCCEEDED', label: 'Succeeded' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'ABORTED', label: 'Stopped' },
];

/** The texts the search matches: tenant, ids, the failed step and its error. */
export const searchTextOf = (e: Execution) => [e.tenantName, e.tenantId, e.executionId, e.failedStep, e.error, e.kind];

export interface ExecutionsTableProps {
  readonly client: OperatorClient;
  readonly initialStatus?: string;
  /** Only this tenant's executions (tenant detail page). */
  readonly tenantId?: string;
  readonly title?: string;
  readonly onStatusChange?: (status: string) => void;
  readonly headingLevel?: 'h1' | 'h2';
}

export function ExecutionsTable({
  client,
  initialStatus = '',
  tenantId,
  title = 'Executions',
  onStatusChange,
  headingLevel = 'h1',
}: ExecutionsTableProps) {
  const [status, setStatus] = useState(initialStatus);
  const [extra, setExtra] = useState<{ items: Execution[]; nextToken?: string }>({ items: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string>();
  const page = useLoad((signal) => client.executions({ status: status || undefined }, signal), [client, status]);

  useEffect(() => setExtra({ items: [], nextToken: page.data?.nextToken }), [page.data]);

  const all = page.data
    ? [...page.data.items, ...extra.items].filter((e) => !tenantId || e.tenantId === tenantId)
    : undefined;
  const selectedOption = STATUS_OPTIONS.find((o) => o.value === status) ?? (STATUS_OPTIONS[0] as SelectProps.Option);

  const loadMore = async () => {
    if (!extra.nextToken) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await client.executions({ status: status || undefined, nextToken: extra.nextToken });
      setExtra((e) => ({ items: [...e.items, ...next.items], nextToken: next.nextToken }));
    } catch (error) {
      setMoreError(`Could not load more: ${errorText(error)}`);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <ResourceTable<Execution>
      title={title}
      noun="executions"
      headingLevel={headingLevel}
      loaded={{ ...page, data: all }}
      trackBy="executionId"
      refreshable
      searchText={searchTextOf}
      hasMore={!!extra.nextToken}
      filters={
        <Select
          selectedOption={selectedOption}
          options={STATUS_OPTIONS}
          onChange={({ detail }) => {
            const value = detail.selectedOption.value ?? '';
            setStatus(value);
            onStatusChange?.(value);
          }}
          ariaLabel="Filter by status"
        />
      }
      empty={status ? 'No executions match the filter.' : 'No executions yet. They appear when tenants sign up.'}
      footer={
        extra.nextToken ? (
          <Box textAlign="center">
            <Button onClick={loadMore} loading={loadingMore}>
              Load more
            </Button>
            {moreError && (
              <Box color="text-status-error" margin={{ top: 'xs' }}>
                <span role="alert">{moreError}</span>
              </Box>
            )}
          </Box>
        ) : undefined
      }
      columns={[
        {
          id: 'tenant',
          header: 'Tenant',
          cell: (e) => (
            <Link href={`/executions/${encodeURIComponent(e.executionId)}`} onFollow={follow}>
              {e.tenantName ?? e.tenantId ?? e.executionId}
            </Link>
          ),
        },
        { id: 'kind', header: 'Kind', cell: (e) => e.kind },
        { id: 'status', header: 'Status', cell: (e) => <ExecutionStatus status={e.status} /> },
        { id: 'failedStep', header: 'Failed step', cell: (e) => e.failedStep ?? '—' },
        { id: 'started', header: 'Started', cell: (e) => formatTime(e.startedAt) },
        { id: 'stopped', header: 'Ended', cell: (e) => formatTime(e.stoppedAt) },
      ]}
    />
  );
}
