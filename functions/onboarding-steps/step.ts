/**
 * What every onboarding step shares: the state the workflow passes, the errors its Retry
 * matches on, the wrapper that classifies AWS errors, and the shape of a step's dependencies.
 *
 * Each step is its own Lambda entry (`<step-name>.ts`, bundled alone), so a step's bundle holds
 * only the AWS SDK clients that step calls: a smaller cold start and less code with access to
 * the step's role. This module therefore imports no AWS SDK client (types only).
 *
 * A step file exports two functions: the step's work, `<handler>With(deps, state)`, taking the
 * clients it calls as dependencies (so a unit test drives every branch with fakes, without
 * network), and the Lambda handler the infrastructure names, which passes the real clients,
 * created at first use. A step that calls nothing (ValidateRegistration) is its handler alone.
 *
 * Every step is idempotent: a retried or redriven step finds what an earlier attempt created
 * and returns it instead of creating a second one. The state is the execution input plus what
 * earlier steps added; each handler returns only its own result, which the workflow stores under
 * a key of the state (ResultPath).
 */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { type LifecycleDetailType, lifecycleEventBasics } from '../../contracts/lifecycle-events';
import { METRICS } from '../../contracts/observability';
import { tenantNameKey } from '../../contracts/rules';
import { TIERS, type TierName } from '../../contracts/tiers';
import { instrumentStep } from '../../layers/tenant-context/observability';
import { transientAware } from '../shared/env';
import { env } from './env';

/** The registration cannot be onboarded as given; not retried. */
export class InvalidRegistrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidRegistrationError';
  }
}

/**
 * An AWS SDK v3 client as a step uses it: `send` only. A step's dependencies are such clients
 * (the real ones in Lambda, fakes answering commands in unit tests), so the step builds the very
 * commands that reach AWS and its tests see them.
 */
export type Client<C extends { send: unknown }> = Pick<C, 'send'>;

/** An execution's whole history, oldest event first (shared/execution-history.ts reads it page by page). */
export type ExecutionHistory = (executionArn: string) => Promise<HistoryEvent[]>;

/** The onboarding execution's state as the steps read it. */
export interface OnboardingState {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: TierName;
  readonly email: string;
  readonly companyName?: string;
  readonly admin?: { readonly username: string; readonly userPoolId: string; readonly appClientId: string };
  /** Silo tenants: the user pool and app client created for them (by SDK integration tasks). */
  readonly silo?: {
    readonly pool?: { readonly userPoolId: string };
    readonly client?: { readonly appClientId: string };
  };
  /** Silo tenants: the deployed stack, as the release fan-out reported it. */
  readonly stack?: { readonly apiUrl?: string; readonly usagePlanId?: string; readonly stackName?: string };
}

/** The part of EventBridge's "Step Functions Execution Status Change" event the rule targets read. */
export interface ExecutionStatusChange {
  readonly detail: {
    readonly executionArn: string;
    readonly status: string;
    readonly input: string;
    readonly error?: string | null;
    readonly cause?: string | null;
  };
}

/** The user pool and app client of the tenant: its own (silo) or the pooled ones. */
export function identityOf(state: OnboardingState): { userPoolId: string; appClientId: string } {
  const userPoolId = state.silo?.pool?.userPoolId;
  const appClientId = state.silo?.client?.appClientId;
  if (userPoolId && appClientId) return { userPoolId, appClientId };
  return { userPoolId: env.POOLED_USER_POOL_ID, appClientId: env.POOLED_APP_CLIENT_ID };
}

/**
 * The fields every onboarding event's detail starts with. The execution's name is the
 * registration id, so a retried or redriven step puts the same eventKey again.
 */
export function onboardingEventFields(
  detailType: LifecycleDetailType,
  state: Pick<OnboardingState, 'registrationId' | 'tenantId' | 'tenantName' | 'tier'>,
) {
  const tenant = { ...state, deploymentModel: TIERS[state.tier].deploymentModel };
  return {
    ...lifecycleEventBasics(detailType, state.registrationId, tenant),
    executionId: state.registrationId,
    tenantRegistrationId: state.registrationId,
  };
}

/** The tenant admin's username in the pooled pool: unique because tenant names are. */
export function adminUsernameOf(tenantName: string): string {
  return `${tenantNameKey(tenantName)}-admin`;
}

/**
 * The admin's username when {@link adminUsernameOf} is held by a user of another tenant (created
 * before this tenant existed): the tenant id makes it unique, and it is the same on every retry.
 */
export function fallbackAdminUsernameOf(tenantName: string, tenantId: string): string {
  return `${adminUsernameOf(tenantName)}-${tenantId.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * Instruments a step's Lambda handler: its log lines carry the onboarding's execution name (the
 * registration id) as correlation id and the tenant; its SDK calls are X-Ray subsegments of its
 * invocation; a failed attempt is logged by name and counted (OnboardingStepFailures).
 */
export function onboardingStep<E extends { registrationId?: string; tenantId: string; tier?: string }, R>(
  handler: (event: E) => Promise<R>,
): (event: E) => Promise<R> {
  return instrumentStep(handler, (event) => ({
    correlationId: event.registrationId,
    tenant: { tenantId: event.tenantId, tier: event.tier },
    failureMetric: METRICS.onboardingStepFailures,
  }));
}

/** Instruments an EventBridge target of the onboarding's status-change events (the same keys, from the event). */
export function statusChangeTarget<R>(
  handler: (event: ExecutionStatusChange) => Promise<R>,
): (event: ExecutionStatusChange) => Promise<R> {
  return instrumentStep(handler, (event) => {
    const input = parsedInput(event.detail.input);
    return {
      correlationId: event.detail.executionArn.split(':').pop(),
      tenant: typeof input.tenantId === 'string' ? { tenantId: input.tenantId, tier: input.tier } : undefined,
    };
  });
}

function parsedInput(input: string): { tenantId?: unknown; tier?: string } {
  try {
    const parsed = JSON.parse(input) as { tenantId?: unknown; tier?: unknown };
    return { tenantId: parsed.tenantId, tier: typeof parsed.tier === 'string' ? parsed.tier : undefined };
  } catch {
    return {};
  }
}

/** Wraps a step's work: transient AWS errors become TransientStepError so Retry can match on the name. */
export function step<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => transientAware(() => run(...args));
}
