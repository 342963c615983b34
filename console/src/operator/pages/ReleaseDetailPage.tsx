/**
 * One release: its status and counts, progress by wave, and every tenant's deployment (status,
 * the version its stack runs, the error in words). Refreshes itself while the release runs.
 */
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import ProgressBar from '@cloudscape-design/components/progress-bar';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { DetailPage } from '../../shared/DetailPage';
import { formatDuration, formatTime } from '../../shared/format';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { useLoad, useRefreshWhile } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { countsText, doneShare, shortVersion } from '../release-words';
import { DeploymentStatus, ExecutionStatus } from '../status';
import type { ReleaseTenant } from '../types';

export function ReleaseDetailPage({ client, releaseId }: { client: OperatorClient; releaseId: string }) {
  const release = useLoad((signal) => client.release(releaseId, signal), [client, releaseId]);
  const running = release.data?.status === 'RUNNING';
  useRefreshWhile(release, running);

  return (
    <DetailPage
      loaded={release}
      what="the release"
      breadcrumbs={[
        { text: 'Releases', href: '/releases' },
        {
          text: release.data ? shortVersion(release.data.version) : releaseId,
          href: `/releases/${encodeURIComponent(releaseId)}`,
        },
      ]}
      title={release.data ? `Release ${shortVersion(release.data.version)}` : 'Release'}
      description={`Release ${releaseId}`}
      actions={<Button iconName="refresh" ariaLabel="Refresh the release" onClick={() => release.reload(true)} />}
    >
      {(data) => (
        <>
          {data.error && (
            <Alert type="error" header="The release did not finish">
              {data.error}
            </Alert>
          )}
          <Container header={<Header variant="h2">Summary</Header>}>
            <SpaceBetween size="l">
              <KeyValuePairs
                columns={4}
                items={[
                  {
                    label: 'Status',
                    value: (
                      <span data-testid="release-status">
                        <ExecutionStatus status={data.status} />
                      </span>
                    ),
                  },
                  {
                    label: 'Tenants',
                    value: data.tenantId ? (
                      <Link href={`/tenants/${encodeURIComponent(data.tenantId)}`} onFollow={follow}>
                        One tenant
                      </Link>
                    ) : (
                      `All silo tenants (${data.counts.tenants})`
                    ),
                  },
                  { label: 'Version', value: <span className="tf-break">{data.version}</span> },
                  { label: 'Started', value: formatTime(data.startedAt) },
                  { label: 'Duration', value: formatDuration(data.startedAt, data.stoppedAt) },
                  { label: 'Outcome', value: countsText(data.counts) },
                  {
                    label: 'Waves',
                    value: `${data.waves.length} (up to ${data.waveSize} tenant${data.waveSize === 1 ? '' : 's'} each)`,
                  },
                  { label: 'Ended', value: formatTime(data.stoppedAt) },
                ]}
              />
              <ProgressBar
                label="Tenants deployed"
                value={doneShare(data.counts)}
                additionalInfo={`${data.counts.tenants - data.counts.pending} of ${data.counts.tenants} done`}
                status={running ? 'in-progress' : data.counts.failed > 0 || data.error ? 'error' : 'success'}
                resultText={data.error ? 'Stopped' : data.counts.failed > 0 ? `${data.counts.failed} failed` : 'Done'}
              />
            </SpaceBetween>
          </Container>
          {data.waves.length > 0 && (
            <Container header={<Header variant="h2">Waves</Header>}>
              <ColumnLayout columns={Math.min(4, data.waves.length)} variant="text-grid" minColumnWidth={160}>
                {data.waves.map((wave) => (
                  <div key={wave.wave}>
                    <Header variant="h3">Wave {wave.wave}</Header>
                    <DeploymentStatus status={wave.status} />
                    <div>
                      {wave.tenants} tenant{wave.tenants === 1 ? '' : 's'}
                      {wave.startedAt ? ` · ${formatDuration(wave.startedAt, wave.endedAt)}` : ''}
                    </div>
                  </div>
                ))}
              </ColumnLayout>
            </Container>
          )}
          <ResourceTable<ReleaseTenant>
            title="Tenants"
            noun="tenants"
            headingLevel="h2"
            loaded={{ ...release, data: data.tenants }}
            trackBy="tenantId"
            wrapLines
            searchText={(t) => [t.tenantName, t.tenantId, t.status, t.error, t.version]}
            empty={running ? 'Planning the waves…' : 'This release had no silo tenant to deploy.'}
            columns={[
              {
                id: 'tenant',
                header: 'Tenant',
                cell: (t) => (
                  <Link href={`/tenants/${encodeURIComponent(t.tenantId)}`} onFollow={follow}>
                    {t.tenantName ?? t.tenantId}
                  </Link>
                ),
              },
              { id: 'wave', header: 'Wave', cell: (t) => t.wave ?? '—', width: 80 },
              { id: 'status', header: 'Status', cell: (t) => <DeploymentStatus status={t.status} /> },
              { id: 'version', header: 'Runs version', cell: (t) => (t.version ? shortVersion(t.version) : '—') },
              { id: 'error', header: 'Error', cell: (t) => t.error ?? '—', minWidth: 240 },
              {
                id: 'took',
                header: 'Took',
                cell: (t) => (t.startedAt && t.endedAt ? formatDuration(t.startedAt, t.endedAt) : '—'),
              },
            ]}
          />
        </>
      )}
    </DetailPage>
  );
}
