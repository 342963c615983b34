/**
 * Item 5: the release fan-out to N silo tenants, N = 10, 100, 1,000.
 *
 * The real fan-out state machine and its functions run on the local cloud (PlanRelease scans
 * TenantStackMapping, waves of `concurrency` tenants, DescribeStacks / CreateStack / UpdateStack
 * through the SDK integrations, the Wait/Poll loop, RecordDeployment per tenant, AssessWave,
 * SummarizeRelease). Only CloudFormation's own deploy time is simulated: the local CloudFormation
 * is switched to fixed-latency deploys (`simulateDeploys`, a bench-only option), because deploying
 * 1,000 real stacks is beyond one machine. The tenants are TenantStackMapping rows the bench
 * writes (what onboarding writes for a silo tenant), so no user pool or sign-up is needed.
 *
 * Ideal time = ceil(N / concurrency) × t_deploy (waves run one after the other, a wave's stacks in
 * parallel); the ratio measured/ideal is what the fan-out adds (planning, polling granularity,
 * recording, state transitions). Memory: the process's peak RSS and main-thread heap during each
 * release, above what they were just before it.
 */
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { siloStackName } from '../../contracts/onboarding-states';
import type { ReleaseSummary } from '../../functions/pipeline/fanout';
import type { LocalCloud } from '../../local/cloud';
import { releaseStarter, tableNamed } from '../../test/support/client';
import type { CloudProbe } from '../lib/probe';
import { stateTransitions } from './onboarding';

export interface FanOutOptions {
  /** Tenant counts, ascending; each release deploys every seeded tenant. */
  readonly sizes: readonly number[];
  /** Stacks deployed at once (the fan-out's wave size = its inner Map's MaxConcurrency). */
  readonly concurrency: number;
  /** Simulated CloudFormation time per create/update, ms. */
  readonly deployMs: number;
  /** The fan-out's wait between stack status polls, s (a whole number, as the state machine takes). */
  readonly pollSeconds: number;
}

export interface FanOutRun {
  readonly tenants: number;
  readonly waves: number;
  readonly totalMs: number;
  readonly idealMs: number;
  readonly ratio: number;
  readonly status: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  /** Peak during the release minus the value just before it, MB. */
  readonly peakRssGrowthMb: number;
  readonly peakHeapGrowthMb: number;
  readonly rssBeforeMb: number;
}

export interface FanOutResult {
  readonly concurrency: number;
  readonly deployMs: number;
  readonly pollSeconds: number;
  readonly runs: FanOutRun[];
}

const BENCH_TENANT_PREFIX = 'benchfan-';
const MB = 1024 * 1024;

/** Writes silo mapping rows `benchfan-<i>` for i in [from, to) (what onboarding writes for a silo tenant). */
async function seedTenants(cloud: LocalCloud, table: string, from: number, to: number): Promise<void> {
  const dynamodb = cloud.services.dynamodb;
  const rows = [];
  for (let i = from; i < to; i++) {
    const tenantId = `${BENCH_TENANT_PREFIX}${String(i).padStart(5, '0')}`;
    rows.push({
      PutRequest: {
        Item: {
          tenantId: { S: tenantId },
          stackName: { S: siloStackName(tenantId) },
          deploymentModel: { S: 'silo' },
          stackParameters: {
            M: {
              TenantId: { S: tenantId },
              UserPoolId: { S: 'us-east-1_benchfan' },
              AppClientId: { S: 'benchfanclient' },
            },
          },
        },
      },
    });
  }
  for (let i = 0; i < rows.length; i += 25)
    await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: rows.slice(i, i + 25) } }));
}

/** Samples the process's memory until stopped; returns the peaks. */
function sampleMemory(everyMs: number): () => { rss: number; heap: number } {
  let rss = process.memoryUsage.rss();
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return { rss, heap };
  };
}

export async function benchFanOut(cloud: LocalCloud, probe: CloudProbe, opts: FanOutOptions): Promise<FanOutResult> {
  const table = await tableNamed(cloud.services.dynamodb, 'TenantStackMapping');
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: cloud.services.stepFunctions.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const startRelease = await releaseStarter(sfn);

  const runs: FanOutRun[] = [];
  let seeded = 0;
  try {
    // An unmeasured release to one tenant first: the fan-out's functions start cold otherwise.
    const passes = [{ tenants: 1, measured: false }, ...opts.sizes.map((tenants) => ({ tenants, measured: true }))];
    for (const { tenants, measured } of passes) {
      await seedTenants(cloud, table, seeded, tenants);
      seeded = tenants;
      // The warm-up needs no realistic deploy time.
      cloud.cloudFormation.simulateDeploys({ deployMs: measured ? opts.deployMs : Math.min(opts.deployMs, 1000) });
      await cloud.idle();
      const name = `bench-release-${tenants}-${Date.now().toString(36)}`;
      const invocationsFrom = probe.invocations.length;
      const rssBefore = process.memoryUsage.rss();
      const heapBefore = process.memoryUsage().heapUsed;
      const peaks = sampleMemory(100);
      const started = performance.now();
      await startRelease(name, { name, waveSize: opts.concurrency, pollSeconds: opts.pollSeconds });
      const end = await probe.executionEnd(name, 600_000);
      const totalMs = end.atMs - started;
      const peak = peaks();
      await cloud.idle();
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: end.executionArn }));
      const summary = JSON.parse(described.output ?? 'null') as ReleaseSummary | null;
      if (!measured) continue;
      const waves = Math.ceil(tenants / opts.concurrency);
      const idealMs = waves * opts.deployMs;
      runs.push({
        tenants,
        waves,
        totalMs,
        idealMs,
        ratio: totalMs / idealMs,
        status: end.status,
        succeeded: summary?.succeeded.length ?? 0,
        failed: summary?.failed.length ?? 0,
        stateTransitions: await stateTransitions(cloud, end.executionArn),
        lambdaInvocations: probe.invocations.length - invocationsFrom,
        peakRssGrowthMb: (peak.rss - rssBefore) / MB,
        peakHeapGrowthMb: (peak.heap - heapBefore) / MB,
        rssBeforeMb: rssBefore / MB,
      });
    }
  } finally {
    cloud.cloudFormation.simulateDeploys(undefined);
    sfn.destroy();
  }
  return { concurrency: opts.concurrency, deployMs: opts.deployMs, pollSeconds: opts.pollSeconds, runs };
}
