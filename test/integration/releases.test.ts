/**
 * Operators' releases API (`GET /releases`, `GET /releases/{releaseId}`): a release to a few
 * silo tenants, read back from Step Functions with per-tenant progress, waves and errors.
 * A release to every silo tenant also deploys those other test files onboarded: its wave size is
 * chosen from the tenants it will plan, so it always has two waves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { http, operatorToken, signUp, uniqueName, waitFor } from '../support/client';
import { cloud, controlPlane, injectFault } from '../support/integration/cloud';
import { plannedSiloTenants, startRelease } from '../support/integration/release';

let token: string;
let tenants: { tenantId: string; tenantName: string }[] = [];
const get = (path: string, as = token) => http('GET', controlPlane(path), { token: as });

beforeAll(async () => {
  const registrations = await Promise.all([1, 2, 3].map(() => signUp(cloud(), uniqueName('rel'), 'PLATINUM')));
  expect(registrations.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  tenants = registrations.map((r) => ({ tenantId: r.tenantId, tenantName: r.tenantName }));
  token = await operatorToken(cloud());
}, 120_000);

const finished = (releaseId: string) =>
  waitFor(
    async () => {
      const release = await get(`/releases/${releaseId}`);
      return release.body.status === 'RUNNING' ? undefined : release;
    },
    `release ${releaseId}`,
    120_000,
  );
const mine = (rows: { tenantId: string }[]) => rows.filter((t) => tenants.some((x) => x.tenantId === t.tenantId));

describe('releases API', () => {
  it('shows a release to silo tenants wave by wave, with each tenant’s outcome, name and version', {
    timeout: 150_000,
  }, async () => {
    const planned = await plannedSiloTenants();
    const waveSize = Math.ceil(planned.length / 2);
    const { releaseId } = await startRelease('r-api-1', { waveSize });

    const done = await finished(releaseId);

    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ releaseId, version: 'r-api-1', status: 'SUCCEEDED', waveSize });
    // Waves are planned in tenant id order.
    expect(mine(done.body.tenants)).toEqual(
      [...tenants]
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId))
        .map((t) =>
          expect.objectContaining({
            tenantId: t.tenantId,
            tenantName: t.tenantName,
            stackName: `tenantflow-silo-${t.tenantId}`,
            status: 'UPDATED',
            version: 'r-api-1',
            wave: expect.any(Number),
            startedAt: expect.any(String),
            endedAt: expect.any(String),
          }),
        ),
    );
    expect(done.body.waves).toEqual([
      expect.objectContaining({ wave: 1, status: 'DONE', tenants: waveSize }),
      expect.objectContaining({ wave: 2, status: 'DONE', tenants: planned.length - waveSize }),
    ]);
    expect(done.body.tenants.map((t: { tenantId: string }) => t.tenantId).sort()).toEqual([...planned].sort());
    expect(done.body.counts).toMatchObject({ tenants: planned.length, failed: 0, pending: 0 });
  });

  it('explains a release that failures stopped, and keeps the failed tenant on its previous version', async () => {
    const broken = tenants[1] as (typeof tenants)[0];
    await injectFault(`cloudformation:tenantflow-silo-${broken.tenantId}`, 1);

    const { releaseId } = await startRelease('r-api-stop', { tenantId: broken.tenantId });
    const done = await finished(releaseId);

    expect(done.body).toMatchObject({
      releaseId,
      tenantId: broken.tenantId,
      status: 'FAILED',
      error: expect.stringMatching(/^Stopped in wave 1: 1 of 1 tenants failed/),
      counts: { tenants: 1, failed: 1 },
    });
    expect(done.body.tenants).toEqual([
      expect.objectContaining({
        tenantId: broken.tenantId,
        status: 'FAILED',
        version: 'r-api-1',
        error: expect.stringMatching(/ROLLBACK/),
      }),
    ]);
  });

  it('lists releases newest first with their counts, filters by status and pages', { timeout: 150_000 }, async () => {
    // Again the version the stopped release had rolled its tenant back to: nothing to change.
    const rolledBack = tenants[1] as (typeof tenants)[0];
    const { releaseId } = await startRelease('r-api-1', { tenantId: rolledBack.tenantId });
    await finished(releaseId);

    const list = await get('/releases?limit=1');
    const succeeded = await get('/releases?status=SUCCEEDED&limit=100');
    const next = await get(`/releases?limit=1&nextToken=${encodeURIComponent(list.body.nextToken)}`);

    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        releaseId,
        version: 'r-api-1',
        status: 'SUCCEEDED',
        startedAt: expect.any(String),
        stoppedAt: expect.any(String),
        tenantId: rolledBack.tenantId,
        counts: { tenants: 1, updated: 0, unchanged: 1, failed: 0, skipped: 0, pending: 0, notDeployed: 0 },
      }),
    ]);
    expect(succeeded.body.items.map((r: { releaseId: string }) => r.releaseId)).toContain(releaseId);
    expect(next.body.items[0].releaseId).not.toBe(releaseId);
  });

  it('answers 404 for an unknown release, 400 for a bad filter, and refuses tenant users (403) and anonymous callers (401)', async () => {
    expect((await get('/releases/no-such-release')).status).toBe(404);
    expect((await get('/releases/not%20an%20id')).status).toBe(404);
    const bad = await get('/releases?status=DONE');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'status' })]);
    expect((await get('/releases?limit=0')).status).toBe(400);
    expect((await http('GET', controlPlane('/releases'))).status).toBe(401);
  });
});
