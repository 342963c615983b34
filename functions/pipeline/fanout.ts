/**
 * The release fan-out's domain: the input contract, the wave planner, the per-wave tolerance
 * check and the release summary. Pure functions; the Lambda handlers (handlers.ts) add I/O.
 */
import { ValidationError } from '../../contracts/errors';
import { validateReleaseInput } from '../../contracts/generated/release-input';
import { DEFAULT_POLL_SECONDS, DEFAULT_WAVE_SIZE, MAX_POLL_SECONDS, MAX_WAVE_SIZE } from '../../contracts/rules';
import type { ReleaseInput } from '../../contracts/schemas/events';
import { validated } from '../../contracts/validation';
import { RELEASE_STOPPED_ERROR } from './fanout-states';

/** What starts a release (the contract with the pipeline and `npm run release`): contracts/schemas/events.ts. */
export type FanOutInput = ReleaseInput;

/** A TenantStackMapping row, as onboarding writes it and the fan-out updates it. */
export interface StackMappingRow {
  readonly tenantId: string;
  readonly stackName: string;
  readonly deploymentModel: 'pool' | 'silo';
  readonly apiUrl?: string;
  readonly usagePlanId?: string;
  readonly stackParameters?: { readonly TenantId: string; readonly UserPoolId: string; readonly AppClientId: string };
  readonly waitingTaskToken?: string;
  readonly deployedVersion?: string;
  readonly deployedAt?: string;
  readonly lastDeployError?: string;
}

/** A CloudFormation stack parameter, as createStack/updateStack take them. */
export interface StackParameter {
  readonly ParameterKey: string;
  readonly ParameterValue: string;
}

/** One tenant stack to deploy. */
export interface TenantTarget {
  readonly tenantId: string;
  readonly stackName: string;
  readonly parameters: readonly StackParameter[];
}

/** The normalized release settings every tenant's deployment reads (`$.release`). */
export interface ReleaseSettings {
  readonly tenantId: string;
  readonly version: string;
  readonly templateUrl: string;
  readonly waveSize: number;
  readonly pollSeconds: number;
}

/** A tenant the release does not deploy, and why. */
export interface SkippedTenant {
  readonly tenantId: string;
  readonly reason: string;
}

/** PlanRelease's result (`$.plan`). */
export interface ReleasePlan {
  readonly release: ReleaseSettings;
  readonly waves: readonly (readonly TenantTarget[])[];
  readonly tenantCount: number;
  readonly skipped: readonly SkippedTenant[];
}

/** How one tenant's deployment ended. */
export type TenantOutcome = 'succeeded' | 'unchanged' | 'failed';

/** One tenant's result, as the record steps return it. */
export interface TenantResult {
  readonly tenantId: string;
  readonly stackName: string;
  readonly outcome: TenantOutcome;
  readonly reason?: string;
  readonly stackStatus?: string;
  readonly apiUrl?: string;
}

/**
 * The pipeline variable `tenantId` for "every silo tenant": CodePipeline rejects empty variable
 * values and defaults, so the pipeline declares this default, and the planner reads it as "".
 */
export const ALL_TENANTS = 'ALL';
/** The fan-out state machine's name (the release script finds it, and its executions, by name). */
export const FANOUT_STATE_MACHINE_NAME = 'tenantflow-release-fanout';
export { DEFAULT_POLL_SECONDS, DEFAULT_WAVE_SIZE, MAX_POLL_SECONDS, MAX_WAVE_SIZE };
/** Tenant stacks are named `tenantflow-silo-<tenantId>`; the deploy role may touch no other stack. */
export const SILO_STACK_PREFIX = 'tenantflow-silo-';

/** The release input is unusable (not retried: the execution fails at PlanRelease). */
export class InvalidReleaseInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReleaseInputError';
  }
}

/** Validates the fan-out input against the contract (ReleaseInput) and applies the defaults. */
export function releaseSettingsOf(input: unknown): ReleaseSettings {
  let release: ReleaseInput;
  try {
    release = validated<ReleaseInput>(validateReleaseInput, input ?? {});
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new InvalidReleaseInputError(
      `Invalid release input: ${error.errors.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
    );
  }
  return {
    tenantId: release.tenantId === ALL_TENANTS ? '' : (release.tenantId ?? ''),
    version: release.version,
    templateUrl: release.templateUrl,
    waveSize: release.waveSize ?? DEFAULT_WAVE_SIZE,
    pollSeconds: release.pollSeconds ?? DEFAULT_POLL_SECONDS,
  };
}

/** Why a silo row cannot be deployed, or undefined when it can. */
export function undeployableReason(row: StackMappingRow): string | undefined {
  if (!row.stackName?.startsWith(SILO_STACK_PREFIX)) {
    return `stack name ${JSON.stringify(row.stackName)} does not start with ${SILO_STACK_PREFIX}`;
  }
  const params = row.stackParameters;
  if (!params?.TenantId || !params.UserPoolId || !params.AppClientId) {
    return 'the mapping row has no stackParameters {TenantId, UserPoolId, AppClientId}';
  }
  return undefined;
}

/**
 * Plans the release: the silo rows to deploy (all of them, or only `release.tenantId`), in
 * tenant id order, cut into waves of `waveSize`. Pool rows, and rows that cannot be deployed,
 * are reported as skipped (an undeployable silo row is also a failure the caller records).
 */
export function planWaves(release: ReleaseSettings, rows: readonly StackMappingRow[]): ReleasePlan {
  const skipped: SkippedTenant[] = [];
  const targets: TenantTarget[] = [];
  const named = release.tenantId !== '';
  const candidates = named ? rows.filter((row) => row.tenantId === release.tenantId) : rows;
  if (named && candidates.length === 0) {
    skipped.push({ tenantId: release.tenantId, reason: 'no TenantStackMapping row' });
  }
  for (const row of [...candidates].sort((a, b) => a.tenantId.localeCompare(b.tenantId))) {
    if (row.deploymentModel !== 'silo') {
      if (named)
        skipped.push({ tenantId: row.tenantId, reason: `deployment model is ${row.deploymentModel}, not silo` });
      continue;
    }
    const reason = undeployableReason(row);
    if (reason) {
      skipped.push({ tenantId: row.tenantId, reason });
      continue;
    }
    const params = row.stackParameters as NonNullable<StackMappingRow['stackParameters']>;
    targets.push({
      tenantId: row.tenantId,
      stackName: row.stackName,
      parameters: [
        { ParameterKey: 'TenantId', ParameterValue: params.TenantId },
        { ParameterKey: 'UserPoolId', ParameterValue: params.UserPoolId },
        { ParameterKey: 'AppClientId', ParameterValue: params.AppClientId },
        // The release itself: a new version updates the stack (its functions see RELEASE_VERSION).
        { ParameterKey: 'ReleaseVersion', ParameterValue: release.version },
      ],
    });
  }
  const waves: TenantTarget[][] = [];
  for (let i = 0; i < targets.length; i += release.waveSize) waves.push(targets.slice(i, i + release.waveSize));
  return { release, waves, tenantCount: targets.length, skipped };
}

/**
 * Where the release is (`$.progress`): the wave to deploy next, everything recorded so far, and
 * whether a wave's failures stopped the release.
 */
export interface WaveProgress {
  /** Index of the wave in `tenants` (the next one to deploy, or the last one deployed when done). */
  readonly wave: number;
  /** The tenants of wave `wave`, to deploy next. */
  readonly tenants: readonly TenantTarget[];
  /** Results of the waves deployed so far. */
  readonly results: readonly TenantResult[];
  /** True while a wave is left to deploy. */
  readonly more: boolean;
  /** True when the last wave's failures exceeded the tolerated percentage. */
  readonly exceeded: boolean;
  /** What stopped the release, in words, when `exceeded`. */
  readonly reason?: string;
}

/** PlanRelease's result: the plan and the progress before the first wave. */
export interface PlannedRelease {
  readonly plan: ReleasePlan;
  readonly progress: WaveProgress;
}

/** The progress before the first wave. */
export function startProgress(plan: ReleasePlan): WaveProgress {
  return { wave: 0, tenants: plan.waves[0] ?? [], results: [], more: plan.waves.length > 0, exceeded: false };
}

/**
 * After a wave: adds its results and either moves to the next wave or stops. As Step Functions'
 * ToleratedFailurePercentage, the threshold is exceeded when the wave's failed share is strictly
 * greater than the percentage.
 */
export function advanceWaves(
  plan: ReleasePlan,
  progress: WaveProgress,
  waveResults: readonly TenantResult[],
  toleratedFailurePercentage: number,
): WaveProgress {
  const results = [...progress.results, ...waveResults];
  const failed = waveResults.filter((result) => result.outcome === 'failed').length;
  const total = waveResults.length;
  if (total > 0 && (failed * 100) / total > toleratedFailurePercentage) {
    const reason = `${failed} of ${total} tenants failed in wave ${progress.wave + 1} of ${plan.waves.length}; at most ${toleratedFailurePercentage}% may fail`;
    return { wave: progress.wave, tenants: [], results, more: false, exceeded: true, reason };
  }
  const next = progress.wave + 1;
  const more = next < plan.waves.length;
  return { wave: more ? next : progress.wave, tenants: plan.waves[next] ?? [], results, more, exceeded: false };
}

/** The execution's output: what happened to each tenant. */
export interface ReleaseSummary {
  readonly version: string;
  /** "" when the release was for every silo tenant. */
  readonly tenantId: string;
  readonly tenantCount: number;
  readonly succeeded: readonly string[];
  readonly unchanged: readonly string[];
  readonly failed: readonly { readonly tenantId: string; readonly reason: string }[];
  readonly skipped: readonly SkippedTenant[];
  /** Tenants of later waves, not deployed because the release stopped. */
  readonly notStarted: readonly string[];
  /**
   * Tenants of the wave whose Map failed outright (not through their recorded outcome): the
   * execution cannot report them; their TenantStackMapping rows say what happened.
   */
  readonly unconfirmed: readonly string[];
  /** Set when the release stopped before its last wave. */
  readonly stopped?: { readonly error: string; readonly reason: string; readonly wave: number };
  /** The Cause of the failed execution when stopped: this summary as text. */
  readonly cause?: string;
}

/** SummarizeRelease's input: the execution state after the last wave, or after a stop. */
export interface SummarizeInput {
  readonly plan: ReleasePlan;
  readonly progress: WaveProgress;
  /** The wave Map's error, when it failed outright. */
  readonly stopped?: { readonly Error?: string; readonly Cause?: string };
}

/** Builds the per-tenant summary of a release that ran to the end or stopped. */
export function summarizeRelease(input: SummarizeInput): ReleaseSummary {
  const { plan, progress } = input;
  const results = progress.results;
  const ids = (outcome: TenantOutcome) => results.filter((r) => r.outcome === outcome).map((r) => r.tenantId);
  const later = (from: number) => plan.waves.slice(from).flatMap((wave) => wave.map((tenant) => tenant.tenantId));
  let stopped: ReleaseSummary['stopped'];
  let unconfirmed: string[] = [];
  let notStarted: string[] = [];
  if (input.stopped) {
    unconfirmed = (plan.waves[progress.wave] ?? []).map((tenant) => tenant.tenantId);
    notStarted = later(progress.wave + 1);
    stopped = {
      error: input.stopped.Error ?? 'States.Runtime',
      reason: input.stopped.Cause ?? '',
      wave: progress.wave,
    };
  } else if (progress.exceeded) {
    notStarted = later(progress.wave + 1);
    stopped = { error: RELEASE_STOPPED_ERROR, reason: progress.reason ?? 'too many failures', wave: progress.wave };
  }
  const summary: ReleaseSummary = {
    version: plan.release.version,
    tenantId: plan.release.tenantId,
    tenantCount: plan.tenantCount,
    succeeded: ids('succeeded'),
    unchanged: ids('unchanged'),
    failed: results
      .filter((r) => r.outcome === 'failed')
      .map((r) => ({ tenantId: r.tenantId, reason: r.reason ?? 'unknown' })),
    skipped: plan.skipped,
    notStarted,
    unconfirmed,
    ...(stopped ? { stopped } : {}),
  };
  return stopped ? { ...summary, cause: JSON.stringify(summary) } : summary;
}
