/**
 * Sign-up: validate, make the request idempotent, reserve the tenant name (case-insensitive,
 * by a conditional write) and start exactly one onboarding execution. A rejected request
 * starts none.
 */
import { createHash } from 'node:crypto';
import { ConflictError, HttpError, NotFoundError, ServiceUnavailableError } from '../shared/errors';
import type { ExecutionStep } from '../shared/execution-steps';
import { type RegistrationRequest, tenantNameKey } from '../shared/tenant-names';

export type RegistrationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'AWAITING_APPROVAL';

export interface Registration {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: string;
  readonly email: string;
  readonly createdAt: string;
}

/** The onboarding execution's input: the request plus the ids minted here. */
export interface OnboardingInput extends RegistrationRequest {
  readonly registrationId: string;
  readonly tenantId: string;
}

export interface IdempotencyRecord {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly requestHash: string;
}

export interface RegistrationDeps {
  /** Claims the key; resolves the existing record when the key was claimed before. */
  claimIdempotencyKey(key: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined>;
  releaseIdempotencyKey(key: string): Promise<void>;
  /** Resolves false when the name (key) is already reserved. */
  reserveTenantName(nameKey: string, tenantId: string): Promise<boolean>;
  releaseTenantName(nameKey: string, tenantId: string): Promise<void>;
  saveRegistration(registration: Registration): Promise<void>;
  deleteRegistration(registrationId: string): Promise<void>;
  getRegistration(registrationId: string): Promise<Registration | undefined>;
  /**
   * Starts the execution named after the registration: its ARN follows from the registration id,
   * so it is never stored, and a retry of the same start cannot start a second one.
   */
  startOnboarding(executionName: string, input: OnboardingInput): Promise<void>;
  newId(): string;
  now(): Date;
}

export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(422, 'Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export interface Accepted {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly status: RegistrationStatus;
}

export function requestHash(request: RegistrationRequest): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key as keyof RegistrationRequest]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

export async function registerTenant(
  deps: RegistrationDeps,
  request: RegistrationRequest,
  idempotencyKey?: string,
): Promise<Accepted> {
  const registrationId = deps.newId();
  const tenantId = deps.newId();
  if (idempotencyKey) {
    const hash = requestHash(request);
    const existing = await deps.claimIdempotencyKey(idempotencyKey, { registrationId, tenantId, requestHash: hash });
    if (existing) {
      if (existing.requestHash !== hash) throw new IdempotencyKeyReusedError();
      return { registrationId: existing.registrationId, tenantId: existing.tenantId, status: 'IN_PROGRESS' };
    }
  }
  const nameKey = tenantNameKey(request.tenantName);
  if (!(await deps.reserveTenantName(nameKey, tenantId))) {
    if (idempotencyKey) await deps.releaseIdempotencyKey(idempotencyKey);
    throw new ConflictError(`Tenant name '${request.tenantName}' is already taken`, 'tenantName');
  }
  const registration: Registration = {
    registrationId,
    tenantId,
    tenantName: request.tenantName,
    tier: request.tier,
    email: request.email,
    createdAt: deps.now().toISOString(),
  };
  // Saved before the start, so GET answers as soon as the 202 is out.
  await deps.saveRegistration(registration);
  try {
    await deps.startOnboarding(registrationId, { ...request, registrationId, tenantId });
  } catch (error) {
    // Nothing was started: leave no registration behind and free the name so the user can try again.
    await deps.deleteRegistration(registrationId);
    await deps.releaseTenantName(nameKey, tenantId);
    if (idempotencyKey) await deps.releaseIdempotencyKey(idempotencyKey);
    throw new ServiceUnavailableError('Onboarding could not be started; nothing was saved, please try again', {
      cause: error,
    });
  }
  return { registrationId, tenantId, status: 'IN_PROGRESS' };
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export function registrationStatusOf(executionStatus: ExecutionStatus | undefined): RegistrationStatus {
  switch (executionStatus) {
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return 'FAILED';
    default:
      return 'IN_PROGRESS';
  }
}

export interface RegistrationView {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: string;
  readonly status: RegistrationStatus;
  readonly steps: readonly ExecutionStep[];
}

/**
 * How long a registration may exist without its execution: the gap between saving the row and
 * StartExecution is milliseconds, so a row older than this lost its start (the function died).
 */
export const START_GRACE_MS = 60_000;

export async function describeRegistration(
  deps: Pick<RegistrationDeps, 'getRegistration' | 'now'> & {
    /** The onboarding execution named after the registration; undefined when it does not exist. */
    describeOnboarding(
      registrationId: string,
    ): Promise<{ status: ExecutionStatus; steps: ExecutionStep[] } | undefined>;
  },
  registrationId: string,
): Promise<RegistrationView> {
  const registration = await deps.getRegistration(registrationId);
  if (!registration) throw new NotFoundError('Registration');
  const execution = await deps.describeOnboarding(registrationId);
  const view = {
    registrationId: registration.registrationId,
    tenantId: registration.tenantId,
    tenantName: registration.tenantName,
    tier: registration.tier,
  };
  if (!execution && deps.now().getTime() - Date.parse(registration.createdAt) > START_GRACE_MS) {
    return {
      ...view,
      status: 'FAILED',
      steps: [
        {
          name: 'StartOnboarding',
          status: 'FAILED',
          startedAt: registration.createdAt,
          error: 'The onboarding was never started; please contact support',
        },
      ],
    };
  }
  return { ...view, status: registrationStatusOf(execution?.status), steps: execution?.steps ?? [] };
}
