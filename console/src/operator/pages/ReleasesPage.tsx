/** Releases: every fan-out of the silo template to the silo tenants, newest first; refreshes while one runs. */
import Link from '@cloudscape-design/components/link';
import { formatDuration, formatTime } from '../../shared/format';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { useLoad, useRefreshWhile } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { countsText, shortVersion } from '../release-words';
import { ExecutionStatus } from '../status';
import type { Release } from '../types';

export function ReleasesPage({ client }: { client: OperatorClient }) {
  const releases = useLoad(async (signal) => (await client.releases(signal)).items, [client]);
  useRefreshWhile(releases, releases.data?.some((r) => r.status === 'RUNNING') ?? false);

  return (
    <ResourceTable<Release>
      title="Releases"
      noun="releases"
      loaded={releases}
      trackBy="releaseId"
      refreshable
      wrapLines
      searchText={(r) => [r.version, r.releaseId, r.tenantId, r.status, r.error]}
      empty="No releases yet. Start one with npm run release (locally) or the tenant pipeline (AWS)."
      columns={[
        {
          id: 'version',
          header: 'Version',
          cell: (r) => (
            <Link href={`/releases/${encodeURIComponent(r.releaseId)}`} onFollow={follow}>
              {shortVersion(r.version || r.releaseId)}
            </Link>
          ),
        },
        { id: 'status', header: 'Status', cell: (r) => <ExecutionStatus status={r.status} />, minWidth: 130 },
        {
          id: 'target',
          header: 'Tenants',
          cell: (r) => (r.tenantId ? 'One tenant' : `All silo (${r.counts.tenants})`),
        },
        { id: 'outcome', header: 'Outcome', cell: (r) => r.error ?? countsText(r.counts), minWidth: 200 },
        { id: 'started', header: 'Started', cell: (r) => formatTime(r.startedAt) },
        { id: 'duration', header: 'Duration', cell: (r) => formatDuration(r.startedAt, r.stoppedAt) },
      ]}
    />
  );
}
