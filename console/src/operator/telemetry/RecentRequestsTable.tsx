/** A tenant's recent requests: its X-Ray traces, newest first, each linking to its waterfall. */
import Badge from '@cloudscape-design/components/badge';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { formatTime } from '../../shared/format';
import { LoadMoreFooter } from '../../shared/LoadMoreFooter';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { usePagedLoad } from '../../shared/use-paged-load';
import type { TenantTelemetryProps } from '../client';
import type { TraceSummary } from '../types';
import { formatMs } from './waterfall';

/** The fault (5xx), error (4xx) and throttle (429) badges of a trace or segment. */
export function OutcomeBadges({ item }: { item: Pick<TraceSummary, 'fault' | 'error' | 'throttle'> }) {
  if (!item.fault && !item.error && !item.throttle) return <>—</>;
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {item.fault && <Badge color="red">fault</Badge>}
      {item.error && <Badge color="severity-medium">error</Badge>}
      {item.throttle && <Badge color="blue">throttle</Badge>}
    </SpaceBetween>
  );
}

export function RecentRequestsTable({ client, tenantId, window = {} }: TenantTelemetryProps) {
  const paged = usePagedLoad<TraceSummary>(
    (nextToken, signal) => client.tenantTraces(tenantId, { ...window, nextToken }, signal),
    [client, tenantId, window.from, window.to],
  );
  return (
    <ResourceTable<TraceSummary>
      title="Recent requests"
      noun="requests"
      headingLevel="h2"
      loaded={paged.loaded}
      trackBy="traceId"
      refreshable
      searchText={(t) => [t.method, t.path, String(t.status ?? ''), t.traceId]}
      hasMore={paged.hasMore}
      footer={<LoadMoreFooter paged={paged} />}
      empty="No traced requests of this tenant in the last hour."
      columns={[
        {
          id: 'time',
          header: 'Time',
          cell: (t) => (
            <Link href={`/traces/${encodeURIComponent(t.traceId)}`} onFollow={follow}>
              {formatTime(t.at)}
            </Link>
          ),
        },
        {
          id: 'request',
          header: 'Request',
          cell: (t) => (t.method || t.path ? `${t.method ?? ''} ${t.path ?? ''}` : '—'),
        },
        { id: 'status', header: 'Status', cell: (t) => t.status ?? '—' },
        { id: 'duration', header: 'Duration', cell: (t) => formatMs(t.durationMs) },
        { id: 'outcome', header: 'Outcome', cell: (t) => <OutcomeBadges item={t} /> },
      ]}
    />
  );
}
