/** A tenant's log lines (oldest first) with a level filter. */
import Box from '@cloudscape-design/components/box';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import { useState } from 'react';
import { formatTime } from '../../shared/format';
import { LoadMoreFooter } from '../../shared/LoadMoreFooter';
import { ResourceTable } from '../../shared/ResourceTable';
import { usePagedLoad } from '../../shared/use-paged-load';
import type { TenantTelemetryProps } from '../client';
import type { LogLine } from '../types';

const LEVEL_OPTIONS: SelectProps.Option[] = [
  { value: '', label: 'Any level' },
  { value: 'ERROR', label: 'ERROR' },
  { value: 'WARN', label: 'WARN' },
  { value: 'INFO', label: 'INFO' },
  { value: 'DEBUG', label: 'DEBUG' },
];

type Row = LogLine & { readonly key: string };

/** A log group's name without CloudFormation's suffix, e.g. `tenantflow-pooled-ProductsFunctionLogGroup`. */
const shortGroup = (name: string) => name.replace(/-[A-Za-z0-9]{8,}$/, '');

export function LogLinesTable({ client, tenantId, window = {} }: TenantTelemetryProps) {
  const [level, setLevel] = useState('');
  const paged = usePagedLoad<LogLine>(
    (nextToken, signal) => client.tenantLogs(tenantId, { ...window, level: level || undefined, nextToken }, signal),
    [client, tenantId, window.from, window.to, level],
  );
  const rows = paged.loaded.data?.map((line, index): Row => ({ ...line, key: `${index}` }));
  return (
    <ResourceTable<Row>
      title="Log lines"
      noun="log lines"
      headingLevel="h2"
      loaded={{ ...paged.loaded, data: rows }}
      trackBy="key"
      refreshable
      wrapLines
      searchText={(l) => [l.message, l.service, l.correlationId, l.level]}
      hasMore={paged.hasMore}
      footer={<LoadMoreFooter paged={paged} />}
      filters={
        <Select
          selectedOption={LEVEL_OPTIONS.find((o) => o.value === level) ?? (LEVEL_OPTIONS[0] as SelectProps.Option)}
          options={LEVEL_OPTIONS}
          onChange={({ detail }) => setLevel(detail.selectedOption.value ?? '')}
          ariaLabel="Filter by level"
        />
      }
      empty={level ? `No ${level} lines of this tenant in the window.` : 'No log lines of this tenant in the window.'}
      columns={[
        { id: 'time', header: 'Time', cell: (l) => formatTime(l.timestamp), width: 190 },
        {
          id: 'level',
          header: 'Level',
          cell: (l) => (l.level === 'ERROR' ? <Box color="text-status-error">{l.level}</Box> : (l.level ?? '—')),
          width: 90,
        },
        { id: 'service', header: 'Service', cell: (l) => l.service ?? shortGroup(l.logGroup) },
        {
          id: 'message',
          header: 'Message',
          minWidth: 280,
          cell: (l) =>
            Object.keys(l.fields).length === 0 ? (
              l.message
            ) : (
              <ExpandableSection headerText={l.message} variant="footer">
                <pre className="tf-pre">{JSON.stringify({ correlationId: l.correlationId, ...l.fields }, null, 2)}</pre>
              </ExpandableSection>
            ),
        },
      ]}
    />
  );
}
