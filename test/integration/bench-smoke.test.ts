/**
 * A tiny run of every benchmark (`npm run bench --smoke` sizes), so the benchmarks do not rot:
 * it starts its own local cloud next to the shared one and writes its results to a temporary
 * directory (bench/results.* stay those of the last real run). Figures are not checked against
 * the targets here (a busy machine would make that flaky); the shape of the results and the
 * correctness facts the benchmarks rely on are.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBenchmarks } from '../../bench/run';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-bench-smoke-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('benchmarks (smoke run)', () => {
  it('run every benchmark and write the table and the JSON', async () => {
    const { results, files } = await runBenchmarks({ smoke: true, outDir, log: () => undefined });

    const md = fs.readFileSync(files.md, 'utf8');
    for (const item of ['1', '2', '3', '4', '5', '6', '7']) expect(md).toMatch(new RegExp(`^\\| ${item} \\|`, 'm'));
    expect(md).not.toContain('not measurable yet');
    expect(JSON.parse(fs.readFileSync(files.json, 'utf8')).smoke).toBe(true);

    expect(results.onboarding.failures).toBe(0);
    expect(results.onboarding.cost.stateTransitions).toBeGreaterThan(0);
    expect(results.onboarding.cost.dynamoDbWrites).toBeGreaterThan(0);
    expect(results.onboarding.floor.floorMs.median).toBeGreaterThan(0);
    expect(results.onboarding.concurrent).toMatchObject({ lost: 0, duplicated: 0 });
    // Silo: the onboarding and the tenant pipeline's fan-out run are both counted.
    expect(results.silo.failures).toBe(0);
    expect(results.silo.cost.stateTransitions).toBeGreaterThan(results.onboarding.cost.stateTransitions);
    expect(results.silo.cost.lambdaInvocationsByFunction).toHaveProperty('RecordDeployment');
    // The fan-out ran the real state machine over the seeded tenants, every stack deployed.
    expect(results.fanOut.runs).toEqual([
      expect.objectContaining({ tenants: 2, status: 'SUCCEEDED', succeeded: 2, failed: 0 }),
    ]);
    expect(results.fanOut.runs[0]?.ratio).toBeGreaterThanOrEqual(1);
    // The smoke size runs one round of requests; none answered other than 200.
    expect(results.requests.rounds.map((round) => round.non200)).toEqual([{}]);
    // One per authorizer environment at most: each caches its own credentials, as on Lambda.
    expect(results.authorizer.sts.assumeRoleCalls).toBeGreaterThanOrEqual(1);
    expect(results.authorizer.sts.assumeRoleCalls).toBeLessThanOrEqual(results.authorizer.sts.environments);
    expect(results.coldStart.bundles.length).toBeGreaterThan(0);
    expect(results.coldStart.biggest.contributors.length).toBeGreaterThan(0);
    expect(results.start.runs).toHaveLength(1);
  }, 180_000);
});
