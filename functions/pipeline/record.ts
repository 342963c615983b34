/**
 * Records how a tenant's stack deployment ended on its TenantStackMapping row, and resumes the
 * onboarding that waits for that stack (SendTaskSuccess / SendTaskFailure on the row's
 * `waitingTaskToken`). Dependencies are injected; handlers.ts wires DynamoDB and Step Functions.
 *
 * Order matters for retries: the row is updated first, the token sent next, and the token
 * removed last and only if it is still the one sent. A retried attempt therefore sends again
 * (Step Functions answers TaskDoesNotExist / TaskTimedOut / InvalidToken for a token already
 * used or expired, which counts as sent), and a token a newer onboarding wrote meanwhile stays.
 */

import type { ReleaseSettings, TenantOutcome, TenantResult, TenantTarget } from './fanout';
import { TENANT_STACK_DEPLOY_FAILED_ERROR } from './fanout-states';

/** A described stack, as describeStacks returns it (the fields read here). */
export interface DescribedStack {
  readonly StackId?: string;
  readonly StackName?: string;
  readonly StackStatus?: string;
  readonly StackStatusReason?: string;
  readonly Outputs?: readonly { readonly OutputKey?: string; readonly OutputValue?: string }[];
}

/** An error caught by a Catch (`{Error, Cause}`), or a stack that ended in a failed status. */
export interface CaughtError {
  readonly Error?: string;
  readonly Cause?: string;
  /** Set by the TenantStackFailed state: the stack whose status is the failure. */
  readonly stack?: DescribedStack;
}

/** The per-tenant execution state the record steps receive (`state`). */
export interface TenantDeployState {
  readonly tenant: TenantTarget;
  readonly release: ReleaseSettings;
  /** The last describeStacks result. */
  readonly describe?: { readonly Stacks?: readonly DescribedStack[] };
  /** The last caught error (see workflows/deploy-fanout.ts for which states set it). */
  readonly lastError?: CaughtError;
}

/** Input of the record steps. */
export interface RecordInput {
  readonly outcome: TenantOutcome;
  readonly state: TenantDeployState;
}

/** What the record step needs from the outside world. */
export interface RecordDeps {
  /** Records a deployment on the row (and removes lastDeployError); false when the row no longer exists. */
  writeDeployed(
    tenantId: string,
    fields: { deployedVersion: string; deployedAt: string; apiUrl: string; usagePlanId?: string },
  ): Promise<boolean>;
  /** Records a failed deployment (lastDeployError); false when the row no longer exists. */
  writeDeployError(tenantId: string, reason: string): Promise<boolean>;
  /** The row's waitingTaskToken, read after the update (strongly consistent). */
  readToken(tenantId: string): Promise<string | undefined>;
  /** Removes waitingTaskToken if it still equals `token`. */
  clearToken(tenantId: string, token: string): Promise<void>;
  sendTaskSuccess(token: string, output: string): Promise<void>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<void>;
  now(): Date;
}

/** Step Functions' answers for a token that is used, expired or unknown: the waiter is gone. */
const GONE_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

function isGoneToken(error: unknown): boolean {
  return GONE_TOKEN_ERRORS.has((error as { name?: string }).name ?? '');
}

/** An output of the stack by key; CDK may suffix an output's key with a hash, so a prefix match is the fallback. */
export function outputOf(stack: DescribedStack | undefined, key: string): string | undefined {
  const outputs = stack?.Outputs ?? [];
  return (outputs.find((o) => o.OutputKey === key) ?? outputs.find((o) => o.OutputKey?.startsWith(key)))?.OutputValue;
}

/** Why a deployment failed, in words, from the caught error or the stack's status. */
export function failureReason(state: TenantDeployState): string {
  const error = state.lastError;
  const stackReason = (stack: DescribedStack) => {
    const status = stack.StackStatus ?? 'UNKNOWN';
    return stack.StackStatusReason ? `${status}: ${stack.StackStatusReason}` : status;
  };
  if (error?.stack) return stackReason(error.stack);
  if (error) return [error.Error, error.Cause].filter(Boolean).join(': ') || 'unknown error';
  const stack = state.describe?.Stacks?.[0];
  return stack ? stackReason(stack) : 'unknown error';
}

async function sendOnce(deps: RecordDeps, tenantId: string, send: (token: string) => Promise<void>): Promise<void> {
  const token = await deps.readToken(tenantId);
  if (!token) return;
  try {
    await send(token);
  } catch (error) {
    if (!isGoneToken(error)) throw error;
  }
  await deps.clearToken(tenantId, token);
}

async function recordFailure(
  deps: RecordDeps,
  tenant: TenantTarget,
  reason: string,
  stackStatus?: string,
): Promise<TenantResult> {
  const exists = await deps.writeDeployError(tenant.tenantId, reason);
  if (exists) {
    // The onboarding's cause is the stack status reason (or the error that stopped the deploy).
    await sendOnce(deps, tenant.tenantId, (token) =>
      deps.sendTaskFailure(token, TENANT_STACK_DEPLOY_FAILED_ERROR, reason),
    );
  }
  return {
    tenantId: tenant.tenantId,
    stackName: tenant.stackName,
    outcome: 'failed',
    reason,
    ...(stackStatus ? { stackStatus } : {}),
  };
}

/** Records one tenant's outcome and resumes a waiting onboarding; returns the tenant's result. */
export async function recordDeployment(input: RecordInput, deps: RecordDeps): Promise<TenantResult> {
  const { state, outcome } = input;
  const { tenant, release } = state;
  const stack = state.lastError?.stack ?? state.describe?.Stacks?.[0];
  if (outcome === 'failed') return recordFailure(deps, tenant, failureReason(state), stack?.StackStatus);

  const apiUrl = outputOf(stack, 'TenantApiUrl');
  const usagePlanId = outputOf(stack, 'UsagePlanId');
  if (!apiUrl) {
    return recordFailure(
      deps,
      tenant,
      `${stack?.StackStatus ?? 'stack'}: the stack has no TenantApiUrl output`,
      stack?.StackStatus,
    );
  }
  const exists = await deps.writeDeployed(tenant.tenantId, {
    deployedVersion: release.version,
    deployedAt: deps.now().toISOString(),
    apiUrl,
    ...(usagePlanId ? { usagePlanId } : {}),
  });
  if (!exists) {
    return {
      tenantId: tenant.tenantId,
      stackName: tenant.stackName,
      outcome: 'failed',
      reason: 'the TenantStackMapping row was deleted during the release',
    };
  }
  await sendOnce(deps, tenant.tenantId, (token) =>
    deps.sendTaskSuccess(token, JSON.stringify({ apiUrl, usagePlanId, stackName: tenant.stackName })),
  );
  return {
    tenantId: tenant.tenantId,
    stackName: tenant.stackName,
    outcome,
    apiUrl,
    ...(stack?.StackStatus ? { stackStatus: stack.StackStatus } : {}),
  };
}

/** Records a silo row the planner could not deploy (bad stack name or parameters) as a failure. */
export function recordUndeployable(
  tenant: { tenantId: string; stackName: string },
  reason: string,
  deps: RecordDeps,
): Promise<TenantResult> {
  return recordFailure(deps, { ...tenant, parameters: [] }, reason);
}
