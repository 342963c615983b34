/** Dashboard: pending approvals, tenants by tier and status, executions by status, the latest release, recent failures. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { TIER_NAMES } from '../../../../contracts/tiers';
import { formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { countsText, shortVersion } from '../release-words';
import { ExecutionStatus } from '../status';
import type { Execution } from '../types';

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function Counter({ label, value, href }: { label: string; value: number; href?: string }) {
  return (
    <div>
      <Box variant="awsui-key-label">{label}</Box>
      <Box variant="awsui-value-large">
        {href ? (
          <Link href={href} onFollow={follow} variant="awsui-value-large" ariaLabel={`${label}: ${value}`}>
            {value}
          </Link>
        ) : (
          value
        )}
      </Box>
    </div>
  );
}

export function Dashboard({ client }: { client: OperatorClient }) {
  const tenants = useLoad((signal) => client.allTenants(signal), [client]);
  const executions = useLoad((signal) => client.executions({}, signal), [client]);
  const releases = useLoad((signal) => client.releases(signal), [client]);
  const pending = useLoad((signal) => client.pendingRegistrations(signal), [client]);
  const latest = releases.data?.items[0];

  const byTier = countBy(tenants.data ?? [], (t) => t.tier);
  const byStatus = countBy(tenants.data ?? [], (t) => t.status);
  const execByStatus = countBy(executions.data?.items ?? [], (e) => e.status);
  const failures = (executions.data?.items ?? []).filter((e) => e.status === 'FAILED').slice(0, 5);

  return (
    <ContentLayout header={<Header variant="h1">Dashboard</Header>}>
      <SpaceBetween size="l">
        <Container
          header={
            <Header
              variant="h2"
              description="Sign-ups whose tier needs an operator's approval before anything paid is created"
            >
              Approvals
            </Header>
          }
        >
          {pending.loading ? (
            <StatusIndicator type="loading">Loading pending approvals</StatusIndicator>
          ) : pending.error ? (
            <Alert type="error">Could not load the pending approvals: {pending.error}</Alert>
          ) : (
            <Counter label="Pending approvals" value={pending.data?.length ?? 0} href="/approvals" />
          )}
        </Container>
        <Container
          header={
            <Header variant="h2" counter={tenants.data ? `(${tenants.data.length})` : undefined}>
              Tenants
            </Header>
          }
        >
          {tenants.loading ? (
            <StatusIndicator type="loading">Loading tenants</StatusIndicator>
          ) : tenants.error ? (
            <Alert type="error">Could not load the tenants: {tenants.error}</Alert>
          ) : (
            <SpaceBetween size="l">
              <ColumnLayout columns={4} variant="text-grid" minColumnWidth={120}>
                {TIER_NAMES.map((tier) => (
                  <Counter key={tier} label={tier} value={byTier.get(tier) ?? 0} />
                ))}
              </ColumnLayout>
              <ColumnLayout columns={4} variant="text-grid" minColumnWidth={120}>
                {['ACTIVE', 'ONBOARDING', 'INACTIVE', 'FAILED'].map((status) => (
                  <Counter
                    key={status}
                    label={status.charAt(0) + status.slice(1).toLowerCase()}
                    value={byStatus.get(status) ?? 0}
                  />
                ))}
              </ColumnLayout>
            </SpaceBetween>
          )}
        </Container>
        <Container header={<Header variant="h2">Executions</Header>}>
          {executions.loading ? (
            <StatusIndicator type="loading">Loading executions</StatusIndicator>
          ) : executions.error ? (
            <Alert type="error">Could not load the executions: {executions.error}</Alert>
          ) : (
            <ColumnLayout columns={4} variant="text-grid" minColumnWidth={120}>
              {['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED'].map((status) => (
                <Counter
                  key={status}
                  label={status.charAt(0) + status.slice(1).toLowerCase()}
                  value={execByStatus.get(status) ?? 0}
                  href={`/executions?status=${status}`}
                />
              ))}
            </ColumnLayout>
          )}
        </Container>
        <Container
          header={
            <Header
              variant="h2"
              description="The fan-out of the silo template to every silo tenant's stack"
              actions={
                <Link href="/releases" onFollow={follow}>
                  All releases
                </Link>
              }
            >
              Latest release
            </Header>
          }
        >
          {releases.loading ? (
            <StatusIndicator type="loading">Loading releases</StatusIndicator>
          ) : releases.error ? (
            <Alert type="error">Could not load the releases: {releases.error}</Alert>
          ) : latest ? (
            <ColumnLayout columns={4} variant="text-grid" minColumnWidth={120}>
              <div>
                <Box variant="awsui-key-label">Version</Box>
                <Link href={`/releases/${encodeURIComponent(latest.releaseId)}`} onFollow={follow}>
                  {shortVersion(latest.version || latest.releaseId)}
                </Link>
              </div>
              <div>
                <Box variant="awsui-key-label">Status</Box>
                <ExecutionStatus status={latest.status} />
              </div>
              <div>
                <Box variant="awsui-key-label">Outcome</Box>
                {latest.error ?? countsText(latest.counts)}
              </div>
              <div>
                <Box variant="awsui-key-label">Started</Box>
                {formatTime(latest.startedAt)}
              </div>
            </ColumnLayout>
          ) : (
            <Box color="text-body-secondary">No releases yet.</Box>
          )}
        </Container>
        <Table<Execution>
          header={
            <Header variant="h2" description="The latest failed executions">
              Recent failures
            </Header>
          }
          items={failures}
          loading={executions.loading}
          loadingText="Loading executions"
          trackBy="executionId"
          variant="container"
          empty={
            <Box textAlign="center" color="inherit">
              {executions.error ? 'Executions could not be loaded.' : 'No failed executions. All good.'}
            </Box>
          }
          columnDefinitions={[
            {
              id: 'tenant',
              header: 'Tenant',
              cell: (e) => (
                <Link href={`/executions/${encodeURIComponent(e.executionId)}`} onFollow={follow}>
                  {e.tenantName ?? e.executionId}
                </Link>
              ),
            },
            { id: 'status', header: 'Status', cell: (e) => <ExecutionStatus status={e.status} /> },
            { id: 'step', header: 'Failed step', cell: (e) => e.failedStep ?? '—' },
            { id: 'error', header: 'Error', cell: (e) => e.error ?? '—' },
            { id: 'started', header: 'Started', cell: (e) => formatTime(e.startedAt) },
          ]}
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
