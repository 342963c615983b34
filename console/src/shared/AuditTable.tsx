/**
 * Entries of the audit log, newest first, with "Load more": the operator console's Audit log page
 * and tenant detail, and the commerce app's Activity page. A refused query (400) hands its field
 * errors to `onFieldErrors`, for the view to show them on its filters.
 */
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Link from '@cloudscape-design/components/link';
import type { TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import { ApiError, type FieldError } from './api';
import { type AuditEntry, type AuditQuery, type AuditSource, auditSearchText, OUTCOME_LOOKS } from './audit';
import { formatTime } from './format';
import { LoadMoreFooter } from './LoadMoreFooter';
import { ResourceTable } from './ResourceTable';
import { follow } from './router';
import { usePagedLoad } from './use-paged-load';

export interface AuditTableProps {
  readonly source: AuditSource;
  readonly query: AuditQuery;
  readonly title: string;
  readonly headingLevel?: 'h1' | 'h2';
  /** Adds a tenant column, each tenant linked to this page (operators); without it, no tenant column. */
  readonly tenantHref?: (tenantId: string) => string;
  /** Told the field errors of each answer (none when it succeeded). */
  readonly onFieldErrors?: (errors: readonly FieldError[]) => void;
  readonly filters?: ReactNode;
  readonly actions?: ReactNode;
  readonly empty: ReactNode;
}

export function AuditTable({ source, query, tenantHref, onFieldErrors, ...props }: AuditTableProps) {
  const paged = usePagedLoad<AuditEntry>(
    async (nextToken, signal) => {
      try {
        const page = await source.audit(query, nextToken, signal);
        onFieldErrors?.([]);
        return page;
      } catch (error) {
        if (error instanceof ApiError) onFieldErrors?.(error.fieldErrors);
        throw error;
      }
    },
    [source, query.tenantId, query.from, query.to],
  );
  const columns: TableProps.ColumnDefinition<AuditEntry>[] = [
    { id: 'at', header: 'Time', cell: (e) => formatTime(e.at), width: 190 },
    { id: 'actor', header: 'Actor', cell: (e) => e.actor.username },
    { id: 'role', header: 'Role', cell: (e) => e.actor.role },
    { id: 'action', header: 'Action', cell: (e) => e.action },
    ...(tenantHref
      ? [
          {
            id: 'tenant',
            header: 'Tenant',
            cell: (e: AuditEntry) =>
              e.tenantId ? (
                <Link href={tenantHref(e.tenantId)} onFollow={follow}>
                  {e.tenantId}
                </Link>
              ) : (
                '—'
              ),
          },
        ]
      : []),
    { id: 'target', header: 'Target', cell: (e) => e.target ?? '—' },
    {
      id: 'outcome',
      header: 'Outcome',
      cell: (e) => {
        const look = OUTCOME_LOOKS[e.outcome] ?? { text: e.outcome, color: 'grey' as const };
        return <Badge color={look.color}>{look.text}</Badge>;
      },
    },
    { id: 'status', header: 'Status code', cell: (e) => e.statusCode },
    { id: 'request', header: 'Request id', cell: (e) => <Box variant="code">{e.requestId}</Box> },
  ];
  return (
    <ResourceTable<AuditEntry>
      {...props}
      noun="audit entries"
      loaded={paged.loaded}
      trackBy="auditId"
      refreshable
      searchText={auditSearchText}
      hasMore={paged.hasMore}
      footer={<LoadMoreFooter paged={paged} />}
      columns={columns}
    />
  );
}
