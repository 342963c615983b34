/**
 * Item 3 (onboarding time, throughput, orchestration overhead) and item 4 (what one onboarding
 * costs on AWS), from real runs on the local cloud.
 */
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { LocalCloud } from '../../local/cloud';
import {
  answerRegistration,
  outbox,
  register,
  settledRegistration,
  tenantConfig,
  uniqueName,
} from '../../test/support/client';
import { DEFAULT_APPROVAL_TIERS } from '../../workflows/onboarding';
import { type EmulatorCall, installProxies, unionMs } from '../lib/emulator-proxy';
import type { CloudProbe } from '../lib/probe';
import { type Summary, summarize } from '../lib/stats';

export interface OnboardingRun {
  readonly tenantName: string;
  readonly registrationId: string;
  readonly status: string;
  /** POST /registrations sent → execution SUCCEEDED (its status-change event), ms. */
  readonly totalMs: number;
}

export interface OnboardingResult {
  readonly tier: string;
  readonly sequential: Summary;
  readonly runs: OnboardingRun[];
  readonly failures: number;
  readonly floor: {
    /** Per proxied run: total, the union of emulator calls (the floor), overhead share. */
    readonly runs: Array<{
      totalMs: number;
      floorMs: number;
      overheadMs: number;
      overheadShare: number;
      lambdaMs: number;
      /** Total minus the union of Lambda invocations and emulator calls: Step Functions, gateway, event delivery. */
      outsideFunctionsMs: number;
    }>;
    readonly totalMs: Summary;
    readonly floorMs: Summary;
    readonly overheadShare: Summary;
    /** Share of the total spent outside every function and emulator call (the orchestrator proper). */
    readonly outsideFunctionsShare: Summary;
    /** Share of the total inside functions but outside their emulator calls (handler and AWS SDK client work). */
    readonly inFunctionsShare: Summary;
    /** Emulator time by service and operation, median per onboarding. */
    readonly callsPerRun: Record<string, number>;
  };
  readonly cost: CostCounts;
  readonly concurrent?: ConcurrentResult;
}

export interface CostCounts {
  /** State transitions billed by Step Functions Standard (states entered, retries included). */
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly lambdaInvocationsByFunction: Record<string, number>;
  /** Sum over invocations of local duration × configured memory, GB-seconds (local durations: an upper bound for AWS warm invocations). */
  readonly lambdaGbSeconds: number;
  readonly lambdaGbSecondsAt128Mb: number;
  readonly dynamoDbWrites: number;
  readonly dynamoDbWriteUnits: number;
  readonly dynamoDbReads: number;
}

export interface ConcurrentResult {
  readonly signUps: number;
  readonly wallMs: number;
  readonly tenantsPerMinute: number;
  readonly succeeded: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly latency: Summary;
}

export interface OnboardingOptions {
  readonly tier: string;
  readonly sequentialRuns: number;
  readonly proxiedRuns: number;
  readonly concurrentSignUps: number;
  /** Unmeasured onboardings before each pass, so cold starts stay out of the figures. @default true */
  readonly warmup?: boolean;
}

/** Unmeasured onboardings after the proxies are installed (see their use). */
const PROXIED_WARMUP_RUNS = 5;

async function onboardOnce(cloud: LocalCloud, probe: CloudProbe, tier: string, prefix: string): Promise<OnboardingRun> {
  const tenantName = uniqueName(prefix);
  const started = performance.now();
  const { registrationId } = await register(cloud, tenantName, tier).catch((error: Error) => {
    const errors = [...probe.lastErrors].map(([name, message]) => `${name}: ${message}`).join('; ');
    throw new Error(`${error.message} (last function errors: ${errors || 'none'})`, { cause: error });
  });
  // A tier that needs approval waits for an operator: approved at once, and the wait (from the
  // moment it is seen waiting to the answer) is left out of the onboarding's time.
  const [end, waitedMs] = await Promise.all([
    probe.executionEnd(registrationId),
    approveWhenWaiting(cloud, registrationId),
  ]);
  return { tenantName, registrationId, status: end.status, totalMs: end.atMs - started - waitedMs };
}

/** Approves the registration as the operator once it waits for approval; resolves the ms it waited (0 if it never did). */
async function approveWhenWaiting(cloud: LocalCloud, registrationId: string): Promise<number> {
  const registration = await settledRegistration(cloud, registrationId, 120_000);
  if (registration.status !== 'AWAITING_APPROVAL') return 0;
  const seen = performance.now();
  const answer = await answerRegistration(cloud, registrationId, { approve: true });
  if (answer.status !== 200)
    throw new Error(`approval of ${registrationId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return performance.now() - seen;
}

/** State transitions Step Functions Standard bills for an execution: its states entered (retries included). */
export async function stateTransitions(cloud: LocalCloud, executionArn: string): Promise<number> {
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: cloud.services.stepFunctions.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }),
    );
    count += (page.events ?? []).filter((event) => String(event.type).endsWith('StateEntered')).length;
    nextToken = page.nextToken;
  } while (nextToken);
  sfn.destroy();
  return count;
}

export async function benchOnboarding(
  cloud: LocalCloud,
  probe: CloudProbe,
  opts: OnboardingOptions,
): Promise<OnboardingResult> {
  const warmup = async (prefix: string, runs = 1) => {
    if (opts.warmup === false) return;
    for (let i = 0; i < runs; i++) {
      await onboardOnce(cloud, probe, opts.tier, prefix);
      await cloud.idle();
    }
  };
  // Warm-up: the first onboarding after start pays each step function's cold start.
  await warmup('warm');

  const runs: OnboardingRun[] = [];
  for (let i = 0; i < opts.sequentialRuns; i++) {
    runs.push(await onboardOnce(cloud, probe, opts.tier, 'seq'));
    await cloud.idle();
  }

  // Floor and cost: the control plane's and the pipeline's functions (a silo onboarding runs the
  // tenant pipeline) call the emulators through recording proxies.
  const proxies = await installProxies(
    cloud,
    (fn) => fn.functionName.startsWith('tenantflow-control-plane') || fn.functionName.startsWith('tenantflow-pipeline'),
  );
  const proxiedRuns: OnboardingResult['floor']['runs'] = [];
  const perRunOps = new Map<string, number[]>();
  const cost = {
    transitions: [] as number[],
    invocations: [] as number[],
    gbs: [] as number[],
    gbs128: [] as number[],
    writes: [] as number[],
    wru: [] as number[],
    reads: [] as number[],
  };
  let byFunction: Record<string, number> = {};
  const memoryOf = new Map(probe.functions().map((fn) => [fn.functionName, fn.memorySize]));
  try {
    // The re-registered functions start in fresh isolates: besides their cold start, their code
    // (the AWS SDK's above all) runs unoptimized for the first invocations. A few onboardings
    // bring them to the state the sequential runs above measured.
    await warmup('warmpx', PROXIED_WARMUP_RUNS);
    for (let i = 0; i < opts.proxiedRuns; i++) {
      proxies.reset();
      const invocationsFrom = probe.invocations.length;
      const started = performance.now();
      const run = await onboardOnce(cloud, probe, opts.tier, 'px');
      const ended = started + run.totalMs;
      await cloud.idle();
      const calls: EmulatorCall[] = proxies.calls().filter((call) => call.startMs >= started && call.endMs <= ended);
      const floorMs = unionMs(calls);
      const invocations = probe.invocations.slice(invocationsFrom);
      const inRun = invocations.filter((inv) => inv.startMs >= started && inv.endMs <= ended);
      const lambdaMs = unionMs(inRun);
      proxiedRuns.push({
        totalMs: run.totalMs,
        floorMs,
        overheadMs: run.totalMs - floorMs,
        overheadShare: (run.totalMs - floorMs) / run.totalMs,
        lambdaMs,
        outsideFunctionsMs: run.totalMs - unionMs([...inRun, ...calls]),
      });
      const ops = new Map<string, number>();
      for (const call of calls)
        ops.set(
          `${call.service} ${call.operation}`,
          (ops.get(`${call.service} ${call.operation}`) ?? 0) + (call.endMs - call.startMs),
        );
      for (const [op, ms] of ops) perRunOps.set(op, [...(perRunOps.get(op) ?? []), ms]);

      const all = proxies.calls();
      // The onboarding's execution and any it caused (a silo tenant's fan-out run) that ended meanwhile.
      let transitions = 0;
      for (const end of probe.endedExecutions().values())
        if (end.atMs >= started) transitions += await stateTransitions(cloud, end.executionArn);
      cost.transitions.push(transitions);
      cost.invocations.push(invocations.length);
      byFunction = {};
      for (const inv of invocations) {
        const short = inv.functionName
          .replace(/^tenantflow-[a-z-]+?-(?=[A-Z])/, '')
          .replace(/Function[0-9A-F]{8}$/, '');
        byFunction[short] = (byFunction[short] ?? 0) + 1;
      }
      const gb = (mb: number) => mb / 1024;
      cost.gbs.push(
        invocations.reduce(
          (sum, inv) => sum + ((inv.endMs - inv.startMs) / 1000) * gb(memoryOf.get(inv.functionName) ?? 256),
          0,
        ),
      );
      cost.gbs128.push(invocations.reduce((sum, inv) => sum + ((inv.endMs - inv.startMs) / 1000) * gb(128), 0));
      cost.writes.push(all.filter((call) => call.writeUnits > 0).length);
      cost.wru.push(all.reduce((sum, call) => sum + call.writeUnits, 0));
      cost.reads.push(all.reduce((sum, call) => sum + call.readItems, 0));
    }
  } finally {
    await proxies.restore();
  }
  const med = (values: number[]) => summarize(values).median;

  let concurrent: ConcurrentResult | undefined;
  if (opts.concurrentSignUps > 0) {
    // Re-registered functions start cold: warm them before the burst.
    await warmup('warmc');
    concurrent = await concurrentSignUps(cloud, probe, opts.tier, opts.concurrentSignUps);
  }

  return {
    tier: opts.tier,
    sequential: summarize(runs.filter((run) => run.status === 'SUCCEEDED').map((run) => run.totalMs)),
    runs,
    failures: runs.filter((run) => run.status !== 'SUCCEEDED').length,
    floor: {
      runs: proxiedRuns,
      totalMs: summarize(proxiedRuns.map((run) => run.totalMs)),
      floorMs: summarize(proxiedRuns.map((run) => run.floorMs)),
      overheadShare: summarize(proxiedRuns.map((run) => run.overheadShare)),
      outsideFunctionsShare: summarize(proxiedRuns.map((run) => run.outsideFunctionsMs / run.totalMs)),
      inFunctionsShare: summarize(proxiedRuns.map((run) => (run.overheadMs - run.outsideFunctionsMs) / run.totalMs)),
      callsPerRun: Object.fromEntries([...perRunOps].map(([op, values]) => [op, Math.round(med(values) * 10) / 10])),
    },
    cost: {
      stateTransitions: med(cost.transitions),
      lambdaInvocations: med(cost.invocations),
      lambdaInvocationsByFunction: byFunction,
      lambdaGbSeconds: med(cost.gbs),
      lambdaGbSecondsAt128Mb: med(cost.gbs128),
      dynamoDbWrites: med(cost.writes),
      dynamoDbWriteUnits: med(cost.wru),
      dynamoDbReads: med(cost.reads),
    },
    concurrent,
  };
}

async function concurrentSignUps(
  cloud: LocalCloud,
  probe: CloudProbe,
  tier: string,
  count: number,
): Promise<ConcurrentResult> {
  const names = Array.from({ length: count }, () => uniqueName('burst'));
  const started = performance.now();
  const accepted = await Promise.allSettled(
    names.map(async (name) => {
      const { registrationId: id } = await register(cloud, name, tier);
      const end = await probe.executionEnd(id, 300_000);
      return { name, id, end };
    }),
  );
  const wallMs = performance.now() - started;
  await cloud.idle();
  const done = accepted.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const succeeded = done.filter((run) => run.end.status === 'SUCCEEDED');
  // None lost or duplicated: each name has exactly one tenant (its own id) and exactly one welcome mail.
  const mails = await outbox(cloud);
  const tenantIds = new Set<string>();
  let lost = count - succeeded.length;
  let duplicated = 0;
  for (const run of succeeded) {
    const config = await tenantConfig(cloud, run.name);
    const welcome = mails.filter((m) => m.template === 'welcome' && m.variables.tenantName === run.name).length;
    if (config.status !== 200 || welcome === 0) lost += 1;
    if (welcome > 1) duplicated += 1;
    if (config.status === 200) {
      if (tenantIds.has(config.body.tenantId)) duplicated += 1;
      tenantIds.add(config.body.tenantId);
    }
  }
  return {
    signUps: count,
    wallMs,
    tenantsPerMinute: (succeeded.length / wallMs) * 60_000,
    succeeded: succeeded.length,
    lost,
    duplicated,
    latency: summarize(succeeded.map((run) => run.end.atMs - started)),
  };
}
