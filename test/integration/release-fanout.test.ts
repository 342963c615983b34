/**
 * The release fan-out across many silo tenants: one tenant's stack deployment fails, the
 * others are updated and their versions recorded; a release with nothing new is a no-op.
 *
 * A release goes to every silo tenant of the cloud, those other test files onboarded included,
 * and the waves are cut in tenant id order. So the failing tenant is chosen when the test
 * starts, from the tenants the release will plan, as one of this file's tenants in a full wave:
 * one failure in a wave of 10 is 10 %, what the deployed fan-out tolerates, however many silo
 * tenants the other files left. Outcomes are asserted exactly for this file's tenants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary, StackMappingRow } from '../../functions/pipeline/fanout';
import { signUp, uniqueName } from '../support/client';
import { cloud, injectFault } from '../support/integration/cloud';
import { executionEnd, plannedSiloTenants, stackMappingRows, startRelease } from '../support/integration/release';

const TENANTS = 20;
/** Tenants per wave; the local cloud deploys the fan-out with the default tolerance of 10 %. */
const WAVE_SIZE = 10;

let tenantIds: string[] = [];
/** This file's tenant whose first deployment fails (chosen by the first test). */
let broken: string;
const mine = (ids: readonly string[]) => ids.filter((id) => tenantIds.includes(id)).sort();
const others = () => tenantIds.filter((id) => id !== broken).sort();

async function release(version: string): Promise<ReleaseSummary> {
  const { executionArn } = await startRelease(version, { waveSize: WAVE_SIZE });
  const done = await executionEnd(executionArn);
  expect(done.status, done.cause).toBe('SUCCEEDED');
  return JSON.parse(done.output as string) as ReleaseSummary;
}

const rowsById = async () => new Map<string, StackMappingRow>((await stackMappingRows()).map((r) => [r.tenantId, r]));

beforeAll(async () => {
  const registrations = await Promise.all(
    Array.from({ length: TENANTS }, () => signUp(cloud(), uniqueName('fan'), 'PLATINUM')),
  );
  expect(registrations.map((r) => r.status)).toEqual(registrations.map(() => 'SUCCEEDED'));
  tenantIds = registrations.map((r) => r.tenantId);
}, 300_000);

describe(`a release to ${TENANTS} silo tenants (and every other silo tenant of the cloud)`, () => {
  it('updates every stack but the one whose deployment fails, reports that one with its reason, and records versions', async () => {
    const planned = await plannedSiloTenants();
    // The last wave may be partial; it holds at most WAVE_SIZE - 1 tenants, so some of ours are in full waves.
    const inFullWaves = planned.slice(0, planned.length - (planned.length % WAVE_SIZE));
    broken = inFullWaves.find((id) => tenantIds.includes(id)) as string;
    expect(mine(planned)).toEqual([...tenantIds].sort());
    expect(broken).toEqual(expect.any(String));
    const previousVersion = (await rowsById()).get(broken)?.deployedVersion;
    await injectFault(`cloudformation:tenantflow-silo-${broken}`, 1);

    const summary = await release('v2');

    expect(summary).toMatchObject({ tenantCount: planned.length, notStarted: [], unconfirmed: [] });
    expect(summary.stopped).toBeUndefined();
    expect(mine(summary.succeeded)).toEqual(others());
    expect(mine(summary.unchanged)).toEqual([]);
    expect(summary.failed.filter((f) => tenantIds.includes(f.tenantId))).toEqual([
      { tenantId: broken, reason: expect.stringMatching(/ROLLBACK/) },
    ]);
    const rows = await rowsById();
    expect(others().map((id) => rows.get(id)?.deployedVersion)).toEqual(others().map(() => 'v2'));
    // The failed tenant keeps its previous release (rolled back) and the error is on record.
    expect(previousVersion).toEqual(expect.any(String));
    expect(rows.get(broken)).toMatchObject({ deployedVersion: previousVersion, lastDeployError: expect.any(String) });
  }, 180_000);

  it('with nothing new, changes nothing (the failed tenant catches up once, then every stack is unchanged)', async () => {
    const catchUp = await release('v2');
    const again = await release('v2');

    expect(mine(catchUp.succeeded)).toEqual([broken]);
    expect(mine(catchUp.unchanged)).toEqual(others());
    expect(mine(again.succeeded)).toEqual([]);
    expect(mine(again.unchanged)).toEqual([...tenantIds].sort());
    expect([...catchUp.failed, ...again.failed].filter((f) => tenantIds.includes(f.tenantId))).toEqual([]);
    expect((await rowsById()).get(broken)?.deployedVersion).toBe('v2');
  }, 180_000);
});
