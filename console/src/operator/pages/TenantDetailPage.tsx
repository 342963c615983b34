import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import { AuditTable } from '../../shared/AuditTable';
import { DetailPage } from '../../shared/DetailPage';
import { formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { TenantStatus } from '../status';
import { LogLinesTable } from '../telemetry/LogLinesTable';
import { RecentRequestsTable } from '../telemetry/RecentRequestsTable';
import { ExecutionsTable } from './ExecutionsTable';

export function TenantDetailPage({ client, tenantId }: { client: OperatorClient; tenantId: string }) {
  const tenant = useLoad((signal) => client.tenant(tenantId, signal), [client, tenantId]);
  return (
    <DetailPage
      loaded={tenant}
      what="the tenant"
      breadcrumbs={[
        { text: 'Tenants', href: '/tenants' },
        { text: tenant.data?.tenantName ?? tenantId, href: `/tenants/${encodeURIComponent(tenantId)}` },
      ]}
      title={tenant.data?.tenantName ?? 'Tenant'}
    >
      {(t) => (
        <>
          <Container header={<Header variant="h2">Details</Header>}>
            <KeyValuePairs
              columns={3}
              items={[
                { label: 'Status', value: <TenantStatus status={t.status} /> },
                { label: 'Tier', value: t.tier },
                { label: 'Deployment model', value: t.deploymentModel },
                { label: 'Administrator email', value: t.email ?? '—' },
                { label: 'Company', value: t.companyName ?? '—' },
                { label: 'Tenant id', value: t.tenantId },
                { label: 'Created', value: formatTime(t.createdAt) },
                { label: 'Updated', value: formatTime(t.updatedAt) },
                {
                  label: 'Failed step',
                  value: t.failedStep ? `${t.failedStep}${t.failureCause ? `: ${t.failureCause}` : ''}` : '—',
                },
              ]}
            />
          </Container>
          <ExecutionsTable client={client} tenantId={tenantId} title="Executions of this tenant" headingLevel="h2" />
          <AuditTable
            source={client}
            query={{ tenantId }}
            title="Audit log of this tenant"
            headingLevel="h2"
            empty="Nothing done to this tenant in the last 30 days."
            actions={
              <Link href={`/audit?tenantId=${encodeURIComponent(tenantId)}`} onFollow={follow}>
                Search the audit log
              </Link>
            }
          />
          <RecentRequestsTable client={client} tenantId={tenantId} />
          <LogLinesTable client={client} tenantId={tenantId} />
        </>
      )}
    </DetailPage>
  );
}
