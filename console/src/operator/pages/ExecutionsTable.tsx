/** The executions table: status filter (server-side), search (in the loaded rows), load more. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useEffect, useState } from 'react';
import { formatTime } from '../../shared/format';
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

export function matchesSearch(execution: Execution, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [
    execution.tenantName,
    execution.tenantId,
    execution.executionId,
    execution.failedStep,
    execution.error,
    execution.kind,
  ].some((v) => v?.toLowerCase().includes(needle));
}

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
  const [search, setSearch] = useState('');
  const [extra, setExtra] = useState<{ items: Execution[]; nextToken?: string }>({ items: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const page = useLoad((signal) => client.executions({ status: status || undefined }, signal), [client, status]);

  useEffect(() => setExtra({ items: [], nextToken: page.data?.nextToken }), [page.data]);

  const all = [...(page.data?.items ?? []), ...extra.items].filter((e) => !tenantId || e.tenantId === tenantId);
  const items = all.filter((e) => matchesSearch(e, search));
  const selectedOption = STATUS_OPTIONS.find((o) => o.value === status) ?? (STATUS_OPTIONS[0] as SelectProps.Option);

  const loadMore = async () => {
    if (!extra.nextToken) return;
    setLoadingMore(true);
    try {
      const next = await client.executions({ status: status || undefined, nextToken: extra.nextToken });
      setExtra((e) => ({ items: [...e.items, ...next.items], nextToken: next.nextToken }));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <Table<Execution>
      variant={headingLevel === 'h1' ? 'full-page' : 'container'}
      header={
        <Header
          variant={headingLevel === 'h1' ? 'awsui-h1-sticky' : 'h2'}
          counter={page.data ? `(${all.length}${extra.nextToken ? '+' : ''})` : undefined}
          actions={
            <Button
              iconName="refresh"
              ariaLabel="Refresh executions"
              onClick={() => page.reload()}
              loading={page.loading}
            />
          }
        >
          {title}
        </Header>
      }
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            filteringText={search}
            onChange={({ detail }) => setSearch(detail.filteringText)}
            filteringPlaceholder="Search by tenant, step or error"
            filteringAriaLabel="Search executions"
            countText={`${items.length} matches`}
          />
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
        </SpaceBetween>
      }
      items={items}
      loading={page.loading}
      loadingText="Loading executions"
      trackBy="executionId"
      empty={
        <Box textAlign="center" color="inherit" padding="m">
          {page.error ? (
            <span role="alert">Could not load the executions: {page.error}</span>
          ) : search || status ? (
            'No executions match the filter.'
          ) : (
            'No executions yet. They appear when tenants sign up.'
          )}
        </Box>
      }
      footer={
        extra.nextToken ? (
          <Box textAlign="center">
            <Button onClick={loadMore} loading={loadingMore}>
              Load more
            </Button>
          </Box>
        ) : undefined
      }
      columnDefinitions={[
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
