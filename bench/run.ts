/**
 * `npm run bench`: every benchmark of issue 7 against a local cloud started in this process
 * (fresh data directory, free port, 127.0.0.1 only), then `bench/results.md` and
 * `bench/results.json`. `--smoke` runs each benchmark with tiny sizes (what `npm test` does).
 *
 * Machine-dependent figures come with a ratio to a baseline measured in the same run (a trivial
 * loopback HTTP server, a fixed CPU workload, a bare `node -e 0`), so runs on different or busy
 * machines can be compared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LocalCloud, startLocalCloud } from '../local/cloud';
import { adminSession } from '../test/support/client';
import { CloudProbe, pinFunctionCode } from './lib/probe';
import { markdown, type Row, writeResults } from './lib/report';
import { fmt } from './lib/stats';
import { type Baselines, cpuBaselineMs, machineInfo, measureBaselines } from './suites/baselines';
import { benchColdStart, type ColdStartResult } from './suites/cold-start';
import { benchFanOut, type FanOutResult } from './suites/fanout';
import { benchInstrumentation, type InstrumentationResult } from './suites/instrumentation';
import { benchOnboarding, type CostCounts, type OnboardingResult } from './suites/onboarding';
import {
  type AuthorizerResult,
  benchAuthorizer,
  benchRequestOverhead,
  type RequestOverheadResult,
} from './suites/requests';
import { benchStart, type StartResult } from './suites/start';

/** Public list prices used (us-east-1, on-demand, no free tier). */
export const PRICES = {
  stepFunctionsStandardPerTransition: 0.000025,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaArm64PerGbSecond: 0.0000133334,
  dynamoDbPerWriteUnit: 0.625 / 1_000_000,
  dynamoDbPerReadUnit: 0.125 / 1_000_000,
} as const;

export interface BenchOptions {
  readonly smoke?: boolean;
  /** Where results.md/json go. @default bench/ */
  readonly outDir?: string;
  readonly log?: (message: string) => void;
  /**
   * Only the instrumentation benchmark (issue 12), merged into the results.json already in
   * `outDir` (the other figures stay those of that run). @default false
   */
  readonly onlyInstrumentation?: boolean;
}

const SIZES = {
  full: {
    baseline: { httpRequests: 2000, concurrency: 16, throughputMs: 3000 },
    start: { runs: 3, warmup: true },
    onboarding: { tier: 'PREMIUM', sequentialRuns: 30, proxiedRuns: 10, concurrentSignUps: 100 },
    silo: { tier: 'PLATINUM', sequentialRuns: 30, proxiedRuns: 3, concurrentSignUps: 0 },
    // 100 stacks at once (the fan-out's largest wave). A 19.5 s deploy keeps 1,000 tenants to ~3.5 min
    // while the fixed per-wave costs (recording a wave: ~3 s for 100 here) stay a small share of it;
    // a 5 s poll (the default is 10 s) catches a stack 0.5 s after it settles and keeps the history
    // of a 1,000-tenant release to ~20,000 transitions (a 1 s poll: ~65,000).
    fanOut: { sizes: [10, 100, 1000], concurrency: 100, deployMs: 19_500, pollSeconds: 5 },
    sessions: 10,
    authorizer: { missRequests: 1000, users: 50, stsInvocations: 10_000, httpRoundsPerUser: 4, concurrency: 8 },
    requests: { rounds: 3, latencyRequests: 1000, concurrency: 16, throughputMs: 3000, productsPerTenant: 5 },
    coldStart: { repeats: 5, maxBundles: Number.POSITIVE_INFINITY },
    instrumentation: { repeats: 11, maxBundles: Number.POSITIVE_INFINITY, requests: 1000, block: 50 },
  },
  smoke: {
    baseline: { httpRequests: 50, concurrency: 4, throughputMs: 200 },
    start: { runs: 1, warmup: false },
    onboarding: { tier: 'PREMIUM', sequentialRuns: 2, proxiedRuns: 1, concurrentSignUps: 2, warmup: false },
    silo: { tier: 'PLATINUM', sequentialRuns: 1, proxiedRuns: 1, concurrentSignUps: 0, warmup: false },
    fanOut: { sizes: [2], concurrency: 2, deployMs: 1000, pollSeconds: 1 },
    sessions: 2,
    authorizer: { missRequests: 20, users: 3, stsInvocations: 60, httpRoundsPerUser: 1, concurrency: 4 },
    requests: { rounds: 1, latencyRequests: 30, concurrency: 4, throughputMs: 200, productsPerTenant: 1 },
    coldStart: { repeats: 1, maxBundles: 2 },
    instrumentation: { repeats: 1, maxBundles: 2, requests: 10, block: 5 },
  },
};

export interface BenchResults {
  readonly smoke: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: ReturnType<typeof machineInfo> & { readonly loadAverageAtEnd: readonly number[] };
  readonly baselines: { readonly start: Baselines; readonly cpuMsAtEnd: number };
  readonly prices: typeof PRICES;
  readonly start: StartResult;
  readonly onboarding: OnboardingResult;
  readonly silo: OnboardingResult;
  readonly fanOut: FanOutResult;
  readonly authorizer: AuthorizerResult;
  readonly requests: RequestOverheadResult;
  readonly coldStart: ColdStartResult;
  readonly instrumentation: InstrumentationResult;
}

const x = (value: number) => `${fmt(value)}×`;
const ms = (value: number) => `${fmt(value)} ms`;

export function tableRows(r: BenchResults): Row[] {
  const b = r.baselines.start;
  const req = r.requests;
  const lastRound = req.rounds[Math.floor(req.rounds.length / 2)] ?? req.rounds[0];
  const rows: Row[] = [];
  const rangeOf = (s: { min: number; max: number; rounds: readonly number[] }, unit = ' ms') =>
    `range ${fmt(s.min)}–${fmt(s.max)}${unit} over ${s.rounds.length} round(s)`;
  rows.push({
    item: '1',
    metric: 'added latency p50, gateway (authorizer cache hit) − direct invoke, GET /products',
    value: ms(req.addedP50Ms.median),
    detail: rangeOf(req.addedP50Ms),
    target: '≤ 1 ms',
    met: req.addedP50Ms.median <= 1,
    ratio: `${x(req.addedP50Ms.median / b.http.median)} loopback HTTP p50 (${ms(b.http.median)})`,
  });
  rows.push({
    item: '1',
    metric: 'added latency p99',
    value: ms(req.addedP99Ms.median),
    detail: rangeOf(req.addedP99Ms),
    target: '≤ 3 ms',
    met: req.addedP99Ms.median <= 3,
    ratio: `${x(req.addedP99Ms.median / b.http.p99)} loopback HTTP p99 (${ms(b.http.p99)})`,
  });
  if (lastRound) {
    rows.push({
      item: '1',
      metric: `gateway GET /products, sequential (${req.tenants} tenants round-robin)`,
      value: `p50 ${ms(lastRound.gateway.median)}`,
      detail: `p95 ${ms(lastRound.gateway.p95)}, p99 ${ms(lastRound.gateway.p99)} (n=${lastRound.gateway.n})`,
      ratio: `${x(lastRound.gateway.median / b.http.median)} loopback HTTP p50`,
    });
    rows.push({
      item: '1',
      metric: 'direct invoke of the products function (same event, same data)',
      value: `p50 ${ms(lastRound.direct.median)}`,
      detail: `p95 ${ms(lastRound.direct.p95)}, p99 ${ms(lastRound.direct.p99)} (n=${lastRound.direct.n})`,
    });
    rows.push({
      item: '1',
      metric: 'throughput gateway / direct (16 connections vs 16 in flight)',
      value: `${fmt(req.throughputRatio.median * 100)} %`,
      detail: `${fmt(lastRound.gatewayPerSecond)} vs ${fmt(lastRound.directPerSecond)} req/s; ${rangeOf({ ...req.throughputRatio, min: req.throughputRatio.min * 100, max: req.throughputRatio.max * 100 }, ' %')}; non-200: ${JSON.stringify(lastRound.non200)}`,
      target: '≥ 50 %',
      met: req.throughputRatio.median >= 0.5,
      ratio: `gateway ${x(lastRound.gatewayPerSecond / b.httpPerSecond)} trivial HTTP server (${fmt(b.httpPerSecond)} req/s)`,
    });
  }
  const a = r.authorizer;
  rows.push({
    item: '2',
    metric: 'authorizer cache hit: gateway time outside the function, p50 (upper bound of the hit)',
    value: ms(req.gatewayOverheadP50Ms.median),
    detail: `${rangeOf(req.gatewayOverheadP50Ms)}; authorizer invocations during the runs: ${req.rounds.map((round) => round.authorizerInvocations).join(', ')}`,
    target: '≤ 1 ms',
    met: req.gatewayOverheadP50Ms.median <= 1,
    ratio: `${x(req.gatewayOverheadP50Ms.median / b.http.median)} loopback HTTP p50`,
  });
  rows.push({
    item: '2',
    metric: 'authorizer miss, known tenant (JWT verify + user↔tenant check + cached credentials), via the runtime',
    value: `p50 ${ms(a.miss.median)}`,
    detail: `p95 ${ms(a.miss.p95)}, p99 ${ms(a.miss.p99)} (n=${a.miss.n})`,
    ratio: `${x(a.miss.median / b.http.median)} loopback HTTP p50`,
  });
  rows.push({
    item: '2',
    metric: "authorizer miss, a tenant's first request (+ registry read + AssumeRole)",
    value: `p50 ${ms(a.coldTenantMiss.median)}`,
    detail: `max ${ms(a.coldTenantMiss.max)} (n=${a.coldTenantMiss.n} tenants)`,
    ratio: `${x(a.coldTenantMiss.median / b.http.median)} loopback HTTP p50`,
  });
  rows.push({
    item: '2',
    // Each environment caches its own credentials, as on Lambda: the bound is one call per environment.
    metric: `STS AssumeRole calls per authorizer environment, ${a.sts.users} users of one tenant`,
    value:
      a.sts.assumeRoleCalls === undefined
        ? 'pending (local STS exposes no counter)'
        : fmt(a.sts.assumeRoleCalls / Math.max(1, a.sts.environments)),
    detail:
      a.sts.assumeRoleCalls === undefined
        ? ''
        : `${a.sts.assumeRoleCalls} for ${a.sts.invocations.toLocaleString('en-US')} authorizer invocations (every request a gateway-cache miss) in ${a.sts.environments} environments, ${fmt(a.sts.per10k ?? 0)} per 10,000; ${a.sts.assumeRoleCallsHttp} for ${a.sts.httpRequests} HTTP requests`,
    target: '≤ 1',
    met: a.sts.assumeRoleCalls === undefined ? undefined : a.sts.assumeRoleCalls <= Math.max(1, a.sts.environments),
  });
  const o = r.onboarding;
  rows.push({
    item: '3',
    metric: `pool sign-up → SUCCEEDED, ${o.sequential.n} sequential runs (${o.tier})`,
    value: `p50 ${ms(o.sequential.median)}`,
    detail: `p95 ${ms(o.sequential.p95)}, p99 ${ms(o.sequential.p99)}, max ${ms(o.sequential.max)}; failures ${o.failures}`,
    target: '≤ 2 s (p50)',
    met: o.sequential.median <= 2000 && o.failures === 0,
    ratio: `${x(o.sequential.median / b.cpuMs)} CPU baseline (${ms(b.cpuMs)})`,
  });
  const si = r.silo;
  rows.push({
    item: '3',
    metric: `silo sign-up → SUCCEEDED, ${si.sequential.n} sequential runs (${si.tier}: own user pool, own stack through the tenant pipeline)`,
    value: `p50 ${ms(si.sequential.median)}`,
    detail: `p95 ${ms(si.sequential.p95)}, p99 ${ms(si.sequential.p99)}, max ${ms(si.sequential.max)}; failures ${si.failures}`,
    target: '≤ 2 s (p50)',
    met: si.sequential.median <= 2000 && si.failures === 0,
    ratio: `${x(si.sequential.median / b.cpuMs)} CPU baseline`,
  });
  const pct = (share: number) => `${fmt(share * 100)} %`;
  rows.push({
    item: '3',
    metric: 'orchestration overhead = total − time in emulator calls (floor), share of total (pool)',
    value: pct(o.floor.overheadShare.median),
    detail: `p95 ${pct(o.floor.overheadShare.p95)}; total p50 ${ms(o.floor.totalMs.median)}, floor p50 ${ms(o.floor.floorMs.median)} (n=${o.floor.totalMs.n}); of the total: ${pct(o.floor.inFunctionsShare.median)} inside the functions outside their emulator calls (handler + AWS SDK client work), ${pct(o.floor.outsideFunctionsShare.median)} outside every function and call (Step Functions engine, gateway, Lambda hand-off, event delivery)`,
    target: '≤ 25 %',
    met: o.floor.overheadShare.median <= 0.25,
  });
  rows.push({
    item: '3',
    metric: 'orchestrator proper: total − (functions ∪ emulator calls), share of total (pool)',
    value: pct(o.floor.outsideFunctionsShare.median),
    detail: `p95 ${pct(o.floor.outsideFunctionsShare.p95)}`,
  });
  if (o.concurrent) {
    const c = o.concurrent;
    rows.push({
      item: '3',
      metric: `${c.signUps} concurrent sign-ups`,
      value: `${fmt(c.tenantsPerMinute)} tenants/min`,
      detail: `all done in ${ms(c.wallMs)}; succeeded ${c.succeeded}, lost ${c.lost}, duplicated ${c.duplicated}; per sign-up p50 ${ms(c.latency.median)}, p95 ${ms(c.latency.p95)}`,
      target: 'none lost or duplicated',
      met: c.lost === 0 && c.duplicated === 0,
      ratio: `${fmt(c.tenantsPerMinute / (60_000 / b.cpuMs))} per CPU-baseline op/min`,
    });
  }
  rows.push(...costRows('pool', o.cost, 15));
  rows.push(...costRows('silo', si.cost));
  rows.push(...fanOutRows(r.fanOut));
  for (const bundle of r.coldStart.bundles) {
    rows.push({
      item: '6',
      metric: `bundle ${bundle.functions.length > 3 ? `${bundle.functions.slice(0, 2).join(', ')} + ${bundle.functions.length - 2} more` : bundle.functions.join(', ')}`,
      value: `${fmt(bundle.bundleBytes / 1024)} KB, import p50 ${ms(bundle.importMs.median)}`,
      detail: `with --enable-source-maps (as deployed) ${ms(bundle.importWithSourceMapsMs.median)}; max ${ms(bundle.importMs.max)} / ${ms(bundle.importWithSourceMapsMs.max)} (n=${bundle.importMs.n}); map ${fmt(bundle.sourceMapBytes / 1024)} KB${bundle.layerBytes ? `; layer ${fmt(bundle.layerBytes / 1024)} KB` : ''}`,
      target: '≤ 1 MB, ≤ 150 ms',
      // Size is the function's own bundle (the shared layer is listed apart); import as deployed (source maps on).
      met: bundle.bundleBytes <= 1024 * 1024 && bundle.importWithSourceMapsMs.median <= 150,
      ratio: `${x(bundle.importMs.median / b.nodeBootMs)} / ${x(bundle.importWithSourceMapsMs.median / b.nodeBootMs)} bare node start (${ms(b.nodeBootMs)})`,
    });
  }
  rows.push({
    item: '6',
    metric: 'largest contributors of the biggest bundle',
    value: r.coldStart.biggest.contributors
      .slice(0, 3)
      .map((c) => `${c.name} ${fmt(c.bytes / 1024)} KB`)
      .join('; '),
    detail: r.coldStart.biggest.contributors
      .slice(3, 8)
      .map((c) => `${c.name} ${fmt(c.bytes / 1024)} KB`)
      .join('; '),
  });
  rows.push(...instrumentationRows(r.instrumentation, b));
  rows.push({
    item: '7',
    metric: '`npm start` → ready, warm install',
    value: `p50 ${fmt(r.start.wallMs.median / 1000)} s`,
    detail: `reported "ready in" p50 ${fmt(r.start.reportedMs.median / 1000)} s; range ${fmt(r.start.wallMs.min / 1000)}–${fmt(r.start.wallMs.max / 1000)} s (n=${r.start.wallMs.n})`,
    target: '≤ 20 s',
    met: r.start.wallMs.median <= 20_000,
    ratio: `${x(r.start.wallMs.median / b.nodeBootMs)} bare node start`,
  });
  return rows;
}

/** Issue 12's bar: what the instrumentation adds per bundle (import, size) and per tenant API request. */
function instrumentationRows(i: InstrumentationResult | undefined, b: Baselines): Row[] {
  if (!i) return [];
  const rows: Row[] = [];
  const req = i.requests;
  rows.push({
    item: '12',
    metric: `instrumentation: added p50 per tenant API request, ${req.route} through the Lambda runtime (${req.tenants} tenants)`,
    value: ms(req.addedP50Ms),
    detail: `with p50 ${ms(req.with.latency.median)} / p95 ${ms(req.with.latency.p95)}, without p50 ${ms(req.without.latency.median)} / p95 ${ms(req.without.latency.p95)} (n=${req.with.latency.n} each); added p95 ${ms(req.addedP95Ms)}; noise floor (same no-op bundle twice) ${ms(req.noiseFloorP50Ms)}`,
    target: '≤ 0.5 ms',
    met: req.addedP50Ms <= 0.5,
    ratio: `${x(req.addedP50Ms / b.http.median)} loopback HTTP p50`,
  });
  if (req.unsampled)
    rows.push({
      item: '12',
      metric: `instrumentation: added p50 per tenant API request that X-Ray does not sample (${req.route}, \`Sampled=0\`)`,
      value: ms(req.unsampled.addedP50Ms),
      detail: `with p50 ${ms(req.unsampled.with.latency.median)} / p95 ${ms(req.unsampled.with.latency.p95)}, without p50 ${ms(req.unsampled.without.latency.median)} / p95 ${ms(req.unsampled.without.latency.p95)} (n=${req.unsampled.with.latency.n} each); added p95 ${ms(req.unsampled.addedP95Ms)}; X-Ray's default rule samples 1 request a second and 5 % of the rest (the local Lambda: every request)`,
      target: '≤ 0.5 ms',
      met: req.unsampled.addedP50Ms <= 0.5,
      ratio: `${x(req.unsampled.addedP50Ms / b.http.median)} loopback HTTP p50`,
    });
  for (const bundle of i.bundles) {
    const names =
      bundle.functions.length > 3
        ? `${bundle.functions.slice(0, 2).join(', ')} + ${bundle.functions.length - 2} more`
        : bundle.functions.join(', ');
    const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
    rows.push({
      item: '12',
      metric: `instrumentation: added import, ${names}${bundle.viaLayer ? ' (with the tenant-context layer)' : ''}`,
      value: `+${ms(bundle.addedImportWithSourceMapsMs)} as deployed`,
      detail: `plain +${ms(bundle.addedImportMs)}, CPU +${ms(bundle.addedImportCpuWithSourceMapsMs)}; import p50 with ${ms(bundle.with.importWithSourceMapsMs.median)} / without ${ms(bundle.without.importWithSourceMapsMs.median)} (n=${bundle.with.importMs.n}); size ${kb(bundle.with.bytes)} vs ${kb(bundle.without.bytes)} (deployed bundle ${kb(bundle.deployedBytes)}); ${bundle.entry}`,
      target: '≤ 20 ms, ≤ 1 MB',
      met: bundle.addedImportWithSourceMapsMs <= 20 && bundle.with.bytes <= 1024 * 1024,
      ratio: `${x(bundle.addedImportWithSourceMapsMs / b.nodeBootMs)} bare node start; import noise floor ${ms(i.importNoiseFloorMs)}`,
    });
  }
  return rows;
}

/** Item 4 for one deployment model: what an onboarding consumes and costs on AWS. */
function costRows(model: 'pool' | 'silo', k: CostCounts, maxTransitions?: number): Row[] {
  const dollars = {
    sfn: k.stateTransitions * PRICES.stepFunctionsStandardPerTransition,
    lambdaRequests: k.lambdaInvocations * PRICES.lambdaPerRequest,
    lambdaDuration: k.lambdaGbSeconds * PRICES.lambdaArm64PerGbSecond,
    lambdaDuration128: k.lambdaGbSecondsAt128Mb * PRICES.lambdaArm64PerGbSecond,
    dynamo: k.dynamoDbWriteUnits * PRICES.dynamoDbPerWriteUnit + k.dynamoDbReads * PRICES.dynamoDbPerReadUnit,
  };
  const total = dollars.sfn + dollars.lambdaRequests + dollars.lambdaDuration + dollars.dynamo;
  const total128 = dollars.sfn + dollars.lambdaRequests + dollars.lambdaDuration128 + dollars.dynamo;
  const extra =
    model === 'silo'
      ? ' (onboarding + its tenant-pipeline fan-out run; the stack itself: CloudFormation is free, the tenant stack’s idle resources are on-demand)'
      : '';
  return [
    {
      item: '4',
      metric: `Step Functions state transitions per ${model} onboarding${model === 'silo' ? ' (onboarding + fan-out)' : ''}`,
      value: fmt(k.stateTransitions),
      target: maxTransitions === undefined ? undefined : `≤ ${maxTransitions}`,
      met: maxTransitions === undefined ? undefined : k.stateTransitions <= maxTransitions,
      detail: `$${dollars.sfn.toFixed(6)}`,
    },
    {
      item: '4',
      metric: `Lambda invocations per ${model} onboarding`,
      value: fmt(k.lambdaInvocations),
      detail: `${Object.entries(k.lambdaInvocationsByFunction)
        .map(([n, c]) => `${n} ${c}`)
        .join(', ')}; ${fmt(k.lambdaGbSeconds)} GB-s at 256 MB (local durations)`,
    },
    {
      item: '4',
      metric: `DynamoDB writes per ${model} onboarding`,
      value: `${fmt(k.dynamoDbWrites)} writes = ${fmt(k.dynamoDbWriteUnits)} WRU`,
      detail: `+ ${fmt(k.dynamoDbReads)} reads (≤ 1 RRU each)`,
    },
    {
      item: '4',
      metric: `cost per ${model} onboarding on AWS (Step Functions + Lambda + DynamoDB)${extra}`,
      value: `$${total.toFixed(6)}`,
      detail: `$${total128.toFixed(6)}–$${total.toFixed(6)} at 128–256 MB; = $${fmt(total * 1000)} per 1,000 tenants; Step Functions ${fmt((dollars.sfn / total) * 100)} % of it`,
    },
  ];
}

/** Item 5: one row per tenant count, and the memory growth across them. */
function fanOutRows(f: FanOutResult): Row[] {
  const rows: Row[] = f.runs.map((run) => ({
    item: '5',
    metric: `release fan-out to ${run.tenants.toLocaleString('en-US')} tenants (${f.concurrency} stacks at once, t_deploy ${fmt(f.deployMs / 1000)} s simulated, poll ${f.pollSeconds} s)`,
    value: `${fmt(run.totalMs / 1000)} s`,
    detail: `ideal ceil(${run.tenants}/${f.concurrency}) × ${fmt(f.deployMs / 1000)} s = ${fmt(run.idealMs / 1000)} s; ${run.status}, succeeded ${run.succeeded}, failed ${run.failed}; ${run.stateTransitions.toLocaleString('en-US')} state transitions, ${run.lambdaInvocations.toLocaleString('en-US')} Lambda invocations; peak memory growth RSS ${fmt(run.peakRssGrowthMb)} MB, heap ${fmt(run.peakHeapGrowthMb)} MB`,
    target: 'ratio ≤ 1.2',
    met: run.status === 'SUCCEEDED' && run.failed === 0 && run.ratio <= 1.2,
    ratio: `${x(run.ratio)} ideal`,
  }));
  const first = f.runs[0];
  const last = f.runs.at(-1);
  if (first && last && last !== first) {
    const heapGrowth = last.peakHeapGrowthMb / Math.max(first.peakHeapGrowthMb, 0.001);
    const tenantsGrowth = last.tenants / first.tenants;
    rows.push({
      item: '5',
      metric: `peak heap growth, ${last.tenants.toLocaleString('en-US')} vs ${first.tenants.toLocaleString('en-US')} tenants`,
      value: `${x(heapGrowth)} for ${x(tenantsGrowth)} the tenants`,
      detail: `${f.runs.map((run) => `${run.tenants}: heap +${fmt(run.peakHeapGrowthMb)} MB, RSS +${fmt(run.peakRssGrowthMb)} MB`).join('; ')}`,
      target: 'sub-linear',
      met: heapGrowth < tenantsGrowth,
    });
  }
  return rows;
}

/** The table and results.md text of a run (also `--render`: rebuild results.md from results.json). */
export function render(results: BenchResults, concurrency: number): { rows: Row[]; md: string } {
  const machine = results.machine;
  const baselines = results.baselines.start;
  const startedAt = results.startedAt;
  const size = { baseline: { concurrency } };
  const rows = tableRows(results);
  const md = markdown(
    results.smoke ? 'tenantflow benchmarks (smoke run: tiny sizes, figures not meaningful)' : 'tenantflow benchmarks',
    rows,
    [
      `Run ${startedAt} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverage.join(' / ')} at start, ${results.machine.loadAverageAtEnd.join(' / ')} at end (the machine was shared with other test runs: absolute figures are noisy, ratios to the in-run baselines travel better).`,
      `In-run baselines: loopback keep-alive HTTP round trip to a trivial Node server p50 ${ms(baselines.http.median)} / p99 ${ms(baselines.http.p99)}, ${fmt(baselines.httpPerSecond)} req/s with ${size.baseline.concurrency} connections; CPU workload (SHA-256 of 32 MB) ${ms(baselines.cpuMs)} at start, ${ms(results.baselines.cpuMsAtEnd)} at end; bare \`node -e 0\` ${ms(baselines.nodeBootMs)}.`,
      `Bench run took ${fmt(results.durationMs / 1000)} s. Everything ran on 127.0.0.1 against the local cloud (same synthesized templates and bundles as AWS).`,
    ],
    [
      `Prices used (us-east-1 public list prices, on-demand, free tier ignored): Step Functions Standard $${PRICES.stepFunctionsStandardPerTransition}/state transition; Lambda $0.20 per 1M requests + $${PRICES.lambdaArm64PerGbSecond}/GB-s (arm64); DynamoDB on-demand $0.625 per 1M write request units, $0.125 per 1M read request units. Lambda duration uses the local durations (worker threads on a busy 2-core machine; an upper bound for warm AWS invocations) at the configured 256 MB, and at 128 MB for the low end. Cognito, API Gateway, SES and CloudWatch are not included.`,
      "How: item 5 runs the real fan-out state machine and functions over TenantStackMapping rows the bench writes, with the local CloudFormation's bench-only simulated deploys (each create/update takes t_deploy, in parallel, no resources deployed); ideal = ceil(N / concurrency) × t_deploy; memory is this process's (all emulators and function workers) peak during the release minus just before it. Item 3's silo runs include the tenant pipeline deploying the real silo stack onto the local cloud. Item 1 compares the load generator (its own thread, keep-alive) through the console origin and local gateway with the products function invoked through the Lambda runtime with the events the gateway built for the same tenants, round-robin. Item 2 invokes the deployed authorizer bundle through the runtime with the REQUEST event the gateway built; the AssumeRole count is read from the local STS (`GET /local/stats`). Item 3 times POST /registrations → the execution's status-change event; the floor is the union of the emulator calls (DynamoDB, Cognito, API Gateway management, SES, STS) the control-plane functions made, recorded by pass-through proxies the bench puts in front of them (re-registered functions, no code change). Item 4 counts states entered from GetExecutionHistory, invocations from the Lambda runtime and DynamoDB writes at the proxy. Item 6 requires each bundle in a fresh `node` (plain, and with `--enable-source-maps` as the templates set in NODE_OPTIONS); contributors come from the bundle's source map.",
    ],
  );
  return { rows, md };
}

/** Runs `work` on a local cloud of its own (fresh data directory, free port, 127.0.0.1, pinned function code), closed after. */
async function onBenchCloud<T>(work: (cloud: LocalCloud, probe: CloudProbe) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-bench-'));
  let cloud: LocalCloud | undefined;
  try {
    cloud = await startLocalCloud({ port: 0, dataDir });
    pinFunctionCode(cloud, fs.mkdtempSync(path.join(dataDir, 'code-')));
    return await work(cloud, new CloudProbe(cloud));
  } finally {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runBenchmarks(
  opts: BenchOptions = {},
): Promise<{ results: BenchResults; rows: Row[]; files: { json: string; md: string } }> {
  const started = performance.now();
  const print = opts.log ?? ((message: string) => console.log(message));
  const log = (message: string) => print(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);
  const size = opts.smoke ? SIZES.smoke : SIZES.full;
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

  log('baselines…');
  const baselines = await measureBaselines(size.baseline);
  if (opts.onlyInstrumentation) return runInstrumentationOnly(opts, size, log);
  log('npm start…');
  const start = await benchStart(size.start);

  return onBenchCloud(async (cloud, probe) => {
    log('onboarding…');
    const onboarding = await benchOnboarding(cloud, probe, size.onboarding);
    const sessions = [];
    for (const run of onboarding.runs.slice(0, size.sessions)) sessions.push(await adminSession(cloud, run.tenantName));
    const [stsTenant, ...fresh] = sessions;
    if (!stsTenant) throw new Error('no tenant for the authorizer benchmark');
    log('release fan-out…');
    // Before the silo sign-ups: a release to every silo tenant must deploy only the simulated ones.
    const fanOut = await benchFanOut(cloud, probe, size.fanOut);
    log('silo onboarding…');
    const silo = await benchOnboarding(cloud, probe, size.silo);
    log('authorizer…');
    const authorizer = await benchAuthorizer(cloud, probe, fresh, stsTenant, size.authorizer);
    log('request overhead…');
    const requests = await benchRequestOverhead(cloud, probe, sessions, size.requests);
    log('cold start…');
    const functions = probe
      .functions()
      .filter((fn) => /^tenantflow-(control-plane|pooled|pipeline)-/.test(fn.functionName));
    const coldStart = benchColdStart(
      functions.sort((a, b) => a.functionName.localeCompare(b.functionName)),
      { repeats: size.coldStart.repeats, maxBundles: size.coldStart.maxBundles },
    );
    log('instrumentation overhead…');
    const instrumentation = await benchInstrumentation(cloud, probe, sessions, size.instrumentation);
    const results: BenchResults = {
      smoke: Boolean(opts.smoke),
      startedAt,
      durationMs: performance.now() - started,
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
      baselines: { start: baselines, cpuMsAtEnd: cpuBaselineMs() },
      prices: PRICES,
      start,
      onboarding,
      silo,
      fanOut,
      authorizer,
      requests,
      coldStart,
      instrumentation,
    };
    const { rows, md } = render(results, size.baseline.concurrency);
    const files = writeResults(opts.outDir ?? __dirname, results, md);
    log(`wrote ${files.md} and ${files.json}`);
    return { results, rows, files };
  });
}

/** `--only=instrumentation`: a cloud, two tenants, the instrumentation suite, merged into the existing results.json. */
async function runInstrumentationOnly(
  opts: BenchOptions,
  size: (typeof SIZES)['full' | 'smoke'],
  log: (message: string) => void,
): Promise<{ results: BenchResults; rows: Row[]; files: { json: string; md: string } }> {
  const outDir = opts.outDir ?? __dirname;
  const previousFile = path.join(outDir, 'results.json');
  if (!fs.existsSync(previousFile))
    throw new Error(`--only=instrumentation merges into ${previousFile}: run the whole bench first`);
  const previous = JSON.parse(fs.readFileSync(previousFile, 'utf8')) as BenchResults;
  return onBenchCloud(async (cloud, probe) => {
    log('two tenants…');
    const onboarding = await benchOnboarding(cloud, probe, {
      ...SIZES.smoke.onboarding,
      sequentialRuns: 2,
      concurrentSignUps: 0,
    });
    const sessions = [];
    for (const run of onboarding.runs) sessions.push(await adminSession(cloud, run.tenantName));
    log('instrumentation overhead…');
    const instrumentation = await benchInstrumentation(cloud, probe, sessions, size.instrumentation);
    const results: BenchResults = { ...previous, instrumentation };
    const { rows, md } = render(results, size.baseline.concurrency);
    const files = writeResults(outDir, results, md);
    log(`merged the instrumentation figures into ${files.json}; wrote ${files.md}`);
    return { results, rows, files };
  });
}

// Run as a script (`npm run bench`), not when imported (the smoke test).
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(
      [
        'npm run bench [-- options]: runs every benchmark on a local cloud of its own (minutes) and writes results.md/json.',
        '  --smoke      tiny sizes (what test/integration/bench-smoke.test.ts runs)',
        '  --out=DIR    write results.md and results.json to DIR (default bench/)',
        '  --render     only re-render bench/results.md from bench/results.json',
        '  --only=instrumentation  only the instrumentation overhead (issue 12), merged into results.json',
        '  --help, -h   this text',
      ].join('\n'),
    );
    process.exit(0);
  }
  const smoke = process.argv.includes('--smoke');
  if (process.argv.includes('--render')) {
    const results = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as BenchResults;
    const { md } = render(results, results.smoke ? SIZES.smoke.baseline.concurrency : SIZES.full.baseline.concurrency);
    fs.writeFileSync(path.join(__dirname, 'results.md'), md);
    process.exit(0);
  }
  const outArg = process.argv.find((arg) => arg.startsWith('--out='));
  runBenchmarks({
    smoke,
    outDir: outArg ? path.resolve(outArg.slice('--out='.length)) : undefined,
    onlyInstrumentation: process.argv.includes('--only=instrumentation'),
  }).then(
    ({ rows }) => {
      for (const row of rows)
        console.log(
          `${row.item}  ${row.metric}: ${row.value}${row.target ? ` (target ${row.target}: ${row.met === undefined ? 'n/a' : row.met ? 'met' : 'MISSED'})` : ''}`,
        );
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
