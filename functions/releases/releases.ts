/**
 * Operators' view of releases: one release is one execution of the fan-out state machine
 * (workflows/deploy-fanout.ts). Everything here is read from Step Functions' own records — the
 * execution's input, its output (the release summary) and its history — so no copy of release
 * state is kept anywhere else. Pure functions; release-store.ts is the I/O.
 *
 * Where a tenant stands comes, most reliable first, from: the summary (a finished release), the
 * last AssessWave output (every finished wave), the record steps of the running wave (their
 * events are in the execution's history locally; on AWS a Distributed Map's iterations are child
 * executions, so there the running wave's tenants read IN_PROGRESS until the wave is assessed).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { NotFoundError } from '../../contracts/errors';
import type { TenantReleaseStatus } from '../../contracts/rules';
import type {
  Release,
  ReleaseCounts,
  ReleaseDetail,
  ReleaseTenant,
  ReleaseWave,
} from '../../contracts/schemas/control-plane';
import { executionArnOf } from '../executions/execution-arn';
import type { WorkflowExecutions } from '../executions/executions';
import {
  ALL_TENANTS,
  DEFAULT_WAVE_SIZE,
  type ReleasePlan,
  type ReleaseSummary,
  type TenantResult,
  type TenantTarget,
  type WaveProgress,
} from '../pipeline/fanout';
import { RELEASE_STOPPED_ERROR, FANOUT_STATES as S } from '../pipeline/fanout-states';

export type { ReleaseCounts, ReleaseDetail, ReleaseItem, ReleaseTenant, ReleaseWave, TenantReleaseStatus };

/** One release as `GET /releases` lists it. */
type ReleaseItem = Release;

/** The fields of DescribeExecution read here. */
export interface ReleaseExecution {
  readonly name?: string;
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** What TenantStackMapping and TenantDetails add to a tenant's row. */
export interface TenantFacts {
  readonly tenantName?: string;
  readonly deployedVersion?: string;
  readonly lastDeployError?: string;
}

function parse<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

const iso = (date: Date | undefined) => date?.toISOString();

/** The release summary: the output of a finished release, or the Cause of one that a wave stopped. */
export function summaryOf(execution: ReleaseExecution): ReleaseSummary | undefined {
  const text =
    execution.status === 'SUCCEEDED'
      ? execution.output
      : execution.error === RELEASE_STOPPED_ERROR
        ? execution.cause
        : undefined;
  const summary = parse<ReleaseSummary>(text);
  return summary && Array.isArray(summary.succeeded) ? summary : undefined;
}

/** Why a release did not succeed, in words (undefined while running or when it succeeded). */
export function releaseError(execution: ReleaseExecution, summary: ReleaseSummary | undefined): string | undefined {
  if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') return undefined;
  if (summary?.stopped) return `Stopped in wave ${summary.stopped.wave + 1}: ${summary.stopped.reason}`;
  if (execution.status === 'ABORTED') return execution.cause ? `Stopped: ${execution.cause}` : 'Stopped';
  if (execution.status === 'TIMED_OUT') return 'Timed out';
  return [execution.error, execution.cause].filter(Boolean).join(': ') || undefined;
}

function countsOf(rows: readonly ReleaseTenant[]): ReleaseCounts {
  const n = (...statuses: TenantReleaseStatus[]) => rows.filter((row) => statuses.includes(row.status)).length;
  return {
    tenants: rows.length,
    updated: n('UPDATED'),
    unchanged: n('UNCHANGED'),
    failed: n('FAILED'),
    skipped: n('SKIPPED'),
    pending: n('PENDING', 'IN_PROGRESS'),
    notDeployed: n('NOT_DEPLOYED'),
  };
}

/** A finished release's rows from its summary alone (no history needed: what the list shows). */
function rowsFromSummary(summary: ReleaseSummary): ReleaseTenant[] {
  return [
    ...summary.succeeded.map((tenantId) => ({ tenantId, status: 'UPDATED' as const })),
    ...summary.unchanged.map((tenantId) => ({ tenantId, status: 'UNCHANGED' as const })),
    ...summary.failed.map((f) => ({ tenantId: f.tenantId, status: 'FAILED' as const, error: f.reason })),
    ...summary.skipped.map((s) => ({ tenantId: s.tenantId, status: 'SKIPPED' as const, error: s.reason })),
    ...[...summary.notStarted, ...summary.unconfirmed].map((tenantId) => ({
      tenantId,
      status: 'NOT_DEPLOYED' as const,
    })),
  ];
}

interface HistoryFacts {
  plan?: ReleasePlan;
  /** Results of the waves assessed so far. */
  assessed: TenantResult[];
  /** Results the record steps returned (the running wave's, where the history has them). */
  recorded: Map<string, { result: TenantResult; at?: string }>;
  /** When a tenant's deployment started (its first DescribeTenantStack). */
  tenantStarted: Map<string, string>;
  waveStarted: string[];
  waveEnded: string[];
}

const RECORD_STATES: ReadonlySet<string> = new Set([S.recordDeployed, S.recordUnchanged, S.recordFailed]);

/** Reads the plan, the wave boundaries and the tenants' results out of the history. */
function historyFacts(events: readonly HistoryEvent[]): HistoryFacts {
  const facts: HistoryFacts = {
    assessed: [],
    recorded: new Map(),
    tenantStarted: new Map(),
    waveStarted: [],
    waveEnded: [],
  };
  for (const event of events) {
    const at = iso(event.timestamp);
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (entered?.name === S.deployWaveTenants && at) facts.waveStarted.push(at);
    if (entered?.name === S.describeStack) {
      const tenantId = parse<{ tenant?: TenantTarget }>(entered.input)?.tenant?.tenantId;
      if (tenantId && at && !facts.tenantStarted.has(tenantId)) facts.tenantStarted.set(tenantId, at);
    }
    if (!exited) continue;
    if (exited.name === S.deployWaveTenants && at) facts.waveEnded.push(at);
    if (exited.name === S.planRelease) facts.plan = parse<{ plan?: ReleasePlan }>(exited.output)?.plan ?? facts.plan;
    if (exited.name === S.assessWave) {
      const progress = parse<{ progress?: WaveProgress }>(exited.output)?.progress;
      if (progress) facts.assessed = [...progress.results];
    }
    if (RECORD_STATES.has(exited.name ?? '')) {
      const result = parse<TenantResult>(exited.output);
      if (result?.tenantId) facts.recorded.set(result.tenantId, { result, at });
    }
  }
  return facts;
}

const STATUS_OF_OUTCOME = { succeeded: 'UPDATED', unchanged: 'UNCHANGED', failed: 'FAILED' } as const;

/** Every planned (and skipped) tenant's row, from the summary and the history. */
function rowsFromHistory(
  execution: ReleaseExecution,
  summary: ReleaseSummary | undefined,
  facts: HistoryFacts,
): { rows: ReleaseTenant[]; waves: ReleaseWave[] } {
  const plan = facts.plan;
  if (!plan) return { rows: summary ? rowsFromSummary(summary) : [], waves: [] };
  const running = execution.status === 'RUNNING';
  const final = new Map<string, { outcome: TenantResult['outcome']; reason?: string }>();
  for (const result of facts.assessed) final.set(result.tenantId, result);
  for (const [tenantId, { result }] of facts.recorded) if (!final.has(tenantId)) final.set(tenantId, result);
  if (summary) {
    for (const tenantId of summary.succeeded) final.set(tenantId, { outcome: 'succeeded' });
    for (const tenantId of summary.unchanged) final.set(tenantId, { outcome: 'unchanged' });
    for (const f of summary.failed) final.set(f.tenantId, { outcome: 'failed', reason: f.reason });
  }
  const rows: ReleaseTenant[] = [];
  const waves = plan.waves.map((wave, index): ReleaseWave => {
    const started = facts.waveStarted[index];
    const ended = facts.waveEnded[index];
    for (const target of wave) {
      const outcome = final.get(target.tenantId);
      const status: TenantReleaseStatus = outcome
        ? STATUS_OF_OUTCOME[outcome.outcome]
        : !running
          ? 'NOT_DEPLOYED'
          : started
            ? 'IN_PROGRESS'
            : 'PENDING';
      rows.push({
        tenantId: target.tenantId,
        stackName: target.stackName,
        wave: index + 1,
        status,
        ...(outcome?.reason ? { error: outcome.reason } : {}),
        ...((facts.tenantStarted.get(target.tenantId) ?? started)
          ? { startedAt: facts.tenantStarted.get(target.tenantId) ?? started }
          : {}),
        ...(outcome && (facts.recorded.get(target.tenantId)?.at ?? ended)
          ? { endedAt: facts.recorded.get(target.tenantId)?.at ?? ended }
          : {}),
      });
    }
    const status = ended ? 'DONE' : started && running ? 'IN_PROGRESS' : running ? 'PENDING' : 'NOT_DEPLOYED';
    return {
      wave: index + 1,
      status,
      tenants: wave.length,
      ...(started ? { startedAt: started } : {}),
      ...(ended ? { endedAt: ended } : {}),
    };
  });
  for (const skipped of summary?.skipped ?? plan.skipped)
    rows.push({ tenantId: skipped.tenantId, status: 'SKIPPED', error: skipped.reason });
  return { rows, waves };
}

function baseItem(execution: ReleaseExecution, summary: ReleaseSummary | undefined, rows: readonly ReleaseTenant[]) {
  const input = parse<{ tenantId?: string; version?: string; waveSize?: number }>(execution.input) ?? {};
  const tenantId = input.tenantId && input.tenantId !== ALL_TENANTS ? input.tenantId : undefined;
  const error = releaseError(execution, summary);
  return {
    releaseId: execution.name ?? '',
    version: summary?.version ?? (typeof input.version === 'string' ? input.version : ''),
    ...(tenantId ? { tenantId } : {}),
    status: (execution.status ?? 'RUNNING') as ReleaseItem['status'],
    startedAt: iso(execution.startDate) ?? new Date(0).toISOString(),
    ...(execution.stopDate ? { stoppedAt: iso(execution.stopDate) } : {}),
    counts: countsOf(rows),
    ...(error ? { error } : {}),
  };
}

/** True when the list item needs the history (no summary to count from). */
export function needsHistory(execution: ReleaseExecution): boolean {
  return summaryOf(execution) === undefined;
}

/** One release for the list: counted from its summary, or from its history when it has none. */
export function releaseItem(execution: ReleaseExecution, events: readonly HistoryEvent[] = []): ReleaseItem {
  const summary = summaryOf(execution);
  const rows = summary ? rowsFromSummary(summary) : rowsFromHistory(execution, summary, historyFacts(events)).rows;
  return baseItem(execution, summary, rows);
}

/** One release with its waves and every tenant's row; `facts` adds names, versions and stored errors. */
export function releaseDetail(
  execution: ReleaseExecution,
  events: readonly HistoryEvent[],
  facts: ReadonlyMap<string, TenantFacts> = new Map(),
): ReleaseDetail {
  const summary = summaryOf(execution);
  const history = historyFacts(events);
  const { rows, waves } = rowsFromHistory(execution, summary, history);
  const enriched = rows.map((row): ReleaseTenant => {
    const fact = facts.get(row.tenantId);
    const error = row.error ?? (row.status === 'FAILED' ? fact?.lastDeployError : undefined);
    return {
      ...row,
      ...(fact?.tenantName ? { tenantName: fact.tenantName } : {}),
      ...(fact?.deployedVersion ? { version: fact.deployedVersion } : {}),
      ...(error ? { error } : {}),
    };
  });
  const input = parse<{ waveSize?: number }>(execution.input) ?? {};
  return {
    ...baseItem(execution, summary, enriched),
    waveSize: history.plan?.release.waveSize ?? input.waveSize ?? DEFAULT_WAVE_SIZE,
    waves,
    tenants: enriched,
  };
}

/** The fan-out's executions in Step Functions, and the tenant rows a release detail names. */
export interface ReleasesDeps {
  /** The release fan-out state machine: a release is one of its executions. */
  readonly stateMachineArn: string;
  readonly executions: Pick<WorkflowExecutions, 'page' | 'history'> & {
    describe(executionArn: string): Promise<ReleaseExecution | undefined>;
  };
  /** What TenantDetails and TenantStackMapping hold of these (distinct) tenants. */
  readonly tenantFacts: (tenantIds: readonly string[]) => Promise<ReadonlyMap<string, TenantFacts>>;
}

/** `GET /releases`: one page of releases, newest first. */
export async function listReleases(
  deps: ReleasesDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<{ items: ReleaseItem[]; nextToken?: string }> {
  const page = await deps.executions.page(deps.stateMachineArn, query);
  const items = await Promise.all(
    page.executionArns.map(async (executionArn) => {
      const execution = await deps.executions.describe(executionArn);
      if (!execution) return undefined;
      // A finished release counts from its summary; only the others need their history.
      return releaseItem(execution, needsHistory(execution) ? await deps.executions.history(executionArn) : []);
    }),
  );
  // A release listed but gone by the time it is described is no longer there to show.
  return {
    items: items.filter((item) => item !== undefined),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

/** `GET /releases/{releaseId}`: one release with its waves and its tenants' names and versions. */
export async function getRelease(deps: ReleasesDeps, releaseId: string): Promise<ReleaseDetail> {
  // Release ids are execution names (the pipeline execution id, or a generated one).
  const executionArn = executionArnOf(deps.stateMachineArn, releaseId);
  const execution = executionArn && (await deps.executions.describe(executionArn));
  if (!executionArn || !execution) throw new NotFoundError('Release');
  const events = await deps.executions.history(executionArn);
  // Which tenants a release touches is known only from its history; then their rows are read.
  // Distinct ids: BatchGetItem refuses a request that names one key twice.
  const tenantIds = [...new Set(releaseDetail(execution, events).tenants.map((t) => t.tenantId))];
  return releaseDetail(execution, events, await deps.tenantFacts(tenantIds));
}
