/**
 * A tenant's log lines on a page of their own, for a window given in the query (`?from&to`): the
 * execution detail page links here for the lines of its tenant while it ran. (Not by correlation
 * id: the onboarding steps' lines do not carry the execution name yet.)
 */

import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { follow } from '../../shared/router';
import type { OperatorClient } from '../client';
import { LogLinesTable } from './LogLinesTable';

/** The link to a tenant's lines while an execution ran: from its start to a minute after its end (or an hour on), at most a day. */
export function executionLogsHref(tenantId: string, execution: { startedAt: string; stoppedAt?: string }): string {
  const from = new Date(new Date(execution.startedAt).getTime() - 1000);
  const end = execution.stoppedAt ? new Date(execution.stoppedAt).getTime() + 60_000 : from.getTime() + 3_600_000;
  const to = new Date(Math.min(end, from.getTime() + 24 * 3_600_000, Date.now()));
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  return `/tenants/${encodeURIComponent(tenantId)}/logs?${query}`;
}

export function TenantLogsPage({
  client,
  tenantId,
  search,
}: {
  client: OperatorClient;
  tenantId: string;
  search: string;
}) {
  const query = new URLSearchParams(search);
  const window = { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
  return (
    <ContentLayout
      header={
        <SpaceBetween size="xs">
          <BreadcrumbGroup
            onFollow={follow}
            items={[
              { text: 'Tenants', href: '/tenants' },
              { text: tenantId, href: `/tenants/${encodeURIComponent(tenantId)}` },
              { text: 'Log lines', href: `/tenants/${encodeURIComponent(tenantId)}/logs${search}` },
            ]}
          />
          <Header
            variant="h1"
            description={window.from ? `From ${window.from} to ${window.to ?? 'now'}` : 'The last hour'}
          >
            Log lines of the tenant
          </Header>
        </SpaceBetween>
      }
    >
      <LogLinesTable client={client} tenantId={tenantId} window={window} />
    </ContentLayout>
  );
}
