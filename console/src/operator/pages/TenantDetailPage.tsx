import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { TenantStatus } from '../status';
import { ExecutionsTable } from './ExecutionsTable';

export function TenantDetailPage({ client, tenantId }: { client: OperatorClient; tenantId: string }) {
  const tenant = useLoad(() => client.tenant(tenantId), [client, tenantId]);
  const t = tenant.data;
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={follow}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Tenants', href: '/tenants' },
            { text: t?.tenantName ?? tenantId, href: `/tenants/${encodeURIComponent(tenantId)}` },
          ]}
        />
      }
      header={<Header variant="h1">{t?.tenantName ?? 'Tenant'}</Header>}
    >
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">Details</Header>}>
          {tenant.loading ? (
            <StatusIndicator type="loading">Loading the tenant</StatusIndicator>
          ) : tenant.error || !t ? (
            <Alert type="error">Could not load the tenant: {tenant.error}</Alert>
          ) : (
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
          )}
        </Container>
        <ExecutionsTable client={client} tenantId={tenantId} title="Executions of this tenant" headingLevel="h2" />
      </SpaceBetween>
    </ContentLayout>
  );
}
