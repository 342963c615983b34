/**
 * Sign-up: validate, make the request idempotent, reserve the tenant name (case-insensitive,
 * by a conditional write) and start exactly one onboarding execution. A rejected request
 * starts none.
 */
import { createHash } from 'node:crypto';
import {
  ConflictError,
  HttpError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../../contracts/errors';
import { APPROVAL_REJECTED_ERROR, ONBOARDING_STATES } from '../../contracts/onboarding-states';
import { type ExecutionStatus, type RegistrationStatus, tenantNameKey } from '../../contracts/rules';
import type {
  ExecutionStep,
  RegistrationAccepted,
  RegistrationRequest,
  Registration as RegistrationView,
} from '../../contracts/schemas/control-plane';
import type { OnboardingInput } from '../../contracts/schemas/events';
import type { TierName } from '../../contracts/tiers';
import { decodeNextToken, encodeNextToken, parseLimit } from '../shared/pagination';

/** A row of the Registrations table: what sign-up saved (the registrant's email is never shown). */
export interface Registration {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: TierName;
  readonly email: string;
  readonly createdAt: string;
  /** The last status view served, and when (see {@link cachedViewUsable}). */
  readonly cached?: { readonly view: RegistrationView; readonly at: string };
}

export type { OnboardingInput, RegistrationStatus, RegistrationView };

/** What an Idempotency-Key was first used for: a replay with the same body answers the same. */
export interface IdempotencyRecord {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly requestHash: string;
}

/** The tables, Step Functions, ids and time that sign-up uses (registration-store.ts, the handler). */
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
  /** True when the execution named after the registration exists (a start whose answer was lost). */
  onboardingExists(registrationId: string): Promise<boolean>;
  newId(): string;
  now(): Date;
}

/** 422: the Idempotency-Key belongs to another request body. */
export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(422, 'Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export type Accepted = RegistrationAccepted;

/** A hash of the request that does not depend on the order of its fields. */
export function requestHash(request: RegistrationRequest): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key as keyof RegistrationRequest]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** `POST /registrations`: reserves the name and starts one onboarding; idempotent by `idempotencyKey`. */
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
    // A timeout or a 5xx may come after Step Functions took the start: then onboarding runs, and
    // the name, the key and the row belong to it. If even that cannot be known, keep them too
    // (a name held by a registration that reads FAILED later beats two tenants with one name).
    const started = await deps.onboardingExists(registrationId).catch(() => true);
    if (started) return { registrationId, tenantId, status: 'IN_PROGRESS' };
    // Nothing was started: leave no registration behind and free the name so the user can try again.
    await Promise.allSettled([
      deps.deleteRegistration(registrationId),
      deps.releaseTenantName(nameKey, tenantId),
      idempotencyKey ? deps.releaseIdempotencyKey(idempotencyKey) : undefined,
    ]);
    throw new ServiceUnavailableError('Onboarding could not be started; nothing was saved, please try again', {
      cause: error,
    });
  }
  return { registrationId, tenantId, status: 'IN_PROGRESS' };
}

export type { ExecutionStatus };

/** A registration's status from its onboarding execution's (none yet: in progress). */
export function registrationStatusOf(
  executionStatus: ExecutionStatus | undefined,
  awaitingApproval = false,
): RegistrationStatus {
  switch (executionStatus) {
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return 'FAILED';
    default:
      return awaitingApproval ? 'AWAITING_APPROVAL' : 'IN_PROGRESS';
  }
}

/**
 * What the public sees of a failed step: a safe sentence, never the error's name, message or
 * stack (operators read those in the executions API). An operator's rejection reason is written
 * for the applicant, so it is shown.
 */
export function publicStepError(step: ExecutionStep): string | undefined {
  if (step.error === undefined) return undefined;
  if (step.name === ONBOARDING_STATES.awaitApproval) {
    if (step.error.startsWith(`${APPROVAL_REJECTED_ERROR}: `))
      return `Not approved: ${step.error.slice(APPROVAL_REJECTED_ERROR.length + 2)}`;
    if (step.error.startsWith('States.Timeout')) return 'Not approved in time';
  }
  return 'This step failed; an operator has been notified and can retry it';
}

/**
 * How long a registration may exist without its execution: the gap between saving the row and
 * StartExecution is milliseconds, so after this the execution either never started (the function
 * died in between) or has left Step Functions' 90-day history; the tenant row tells which.
 */
export const START_GRACE_MS = 60_000;

/**
 * How long an IN_PROGRESS status view is served again without asking Step Functions: the public
 * status is polled (the sign-up page, scripts), and each fresh view costs a DescribeExecution and a
 * GetExecutionHistory, whose per-account token buckets the failure recording and the console share.
 */
export const IN_PROGRESS_VIEW_TTL_MS = 2_000;

/**
 * A stored view may be served when it is final and cannot change (SUCCEEDED) or is a recent
 * IN_PROGRESS one. FAILED (a redrive may resume it) and AWAITING_APPROVAL (an operator may answer
 * any moment) are always read fresh.
 */
export function cachedViewUsable(cached: Registration['cached'], now: Date): boolean {
  if (!cached) return false;
  if (cached.view.status === 'SUCCEEDED') return true;
  return cached.view.status === 'IN_PROGRESS' && now.getTime() - Date.parse(cached.at) < IN_PROGRESS_VIEW_TTL_MS;
}

/** What the registration status reads besides the registration: its execution and its tenant. */
export interface RegistrationStatusDeps {
  /** The onboarding execution named after the registration; undefined when it does not exist. */
  describeOnboarding(registrationId: string): Promise<{ status: ExecutionStatus; steps: ExecutionStep[] } | undefined>;
  /** The tenant row's status, undefined when there is no row. */
  tenantStatus(tenantId: string): Promise<string | undefined>;
  /** True while the onboarding waits for an operator's approval (its task token is pending). */
  awaitingApproval(registrationId: string): Promise<boolean>;
  /** Stores the view served (never over a SUCCEEDED one); without it nothing is cached. */
  cacheView?(registrationId: string, view: RegistrationView, at: Date): Promise<void>;
}

/** `GET /registrations/{registrationId}`: the registration with where its onboarding stands. */
export async function describeRegistration(
  deps: Pick<RegistrationDeps, 'getRegistration' | 'now'> & RegistrationStatusDeps,
  registrationId: string,
): Promise<RegistrationView> {
  const registration = await deps.getRegistration(registrationId);
  if (!registration) throw new NotFoundError('Registration');
  const now = deps.now();
  if (registration.cached && cachedViewUsable(registration.cached, now)) return registration.cached.view;
  const execution = await deps.describeOnboarding(registrationId);
  const view = {
    registrationId: registration.registrationId,
    // An onboarding's execution is named after its registration (docs/api.md).
    executionId: registration.registrationId,
    tenantId: registration.tenantId,
    tenantName: registration.tenantName,
    tier: registration.tier,
  };
  if (!execution && deps.now().getTime() - Date.parse(registration.createdAt) > START_GRACE_MS) {
    const tenantStatus = await deps.tenantStatus(registration.tenantId);
    // The execution aged out of Step Functions' history: the tenant's own status is what remains.
    if (tenantStatus === 'FAILED') return { ...view, status: 'FAILED', steps: [] };
    if (tenantStatus !== undefined) return { ...view, status: 'SUCCEEDED', steps: [] };
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
  const awaiting = execution?.status === 'RUNNING' && (await deps.awaitingApproval(registrationId));
  const steps = (execution?.steps ?? []).map((step) =>
    step.error === undefined ? step : { ...step, error: publicStepError(step) },
  );
  const fresh: RegistrationView = { ...view, status: registrationStatusOf(execution?.status, awaiting), steps };
  if (fresh.status === 'SUCCEEDED' || fresh.status === 'IN_PROGRESS') {
    // Only an optimisation: a view that could not be stored is still the right answer.
    await deps.cacheView?.(registrationId, fresh, now).catch(() => undefined);
  }
  return fresh;
}

/** `GET /registrations?status=AWAITING_APPROVAL` (operators): the registrations waiting, oldest first. */
export async function listAwaitingRegistrations(
  deps: Pick<RegistrationDeps, 'getRegistration' | 'now'> &
    RegistrationStatusDeps & { pendingOnboardingApprovals(): Promise<string[]> },
  query: Readonly<Record<string, string | undefined>>,
): Promise<{ items: RegistrationView[]; nextToken?: string }> {
  if (query.status !== undefined && query.status !== 'AWAITING_APPROVAL')
    throw new ValidationError([{ field: 'status', message: 'must be AWAITING_APPROVAL' }]);
  const limit = parseLimit(query);
  const pending = await deps.pendingOnboardingApprovals();
  const start = offsetOf(query.nextToken);
  const page = pending.slice(start, start + limit);
  const items = await Promise.all(
    page.map((registrationId) => describeRegistration(deps, registrationId).catch(() => undefined)),
  );
  const next = start + limit < pending.length ? encodeNextToken({ offset: String(start + limit) }) : undefined;
  // A registration answered between the two reads is no longer waiting: it is left out.
  return {
    items: items.filter((item): item is RegistrationView => item?.status === 'AWAITING_APPROVAL'),
    ...(next ? { nextToken: next } : {}),
  };
}

function offsetOf(token: string | undefined): number {
  const key = decodeNextToken(token);
  const offset = Number(key?.offset ?? 0);
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValidationError([{ field: 'nextToken', message: 'is not a valid page token' }]);
  return offset;
}
