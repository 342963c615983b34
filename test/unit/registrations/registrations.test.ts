import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../../../contracts/errors';
import type { RegistrationRequest } from '../../../contracts/schemas/control-plane';
import {
  cachedViewUsable,
  describeRegistration,
  type ExecutionStatus,
  IdempotencyKeyReusedError,
  type IdempotencyRecord,
  listAwaitingRegistrations,
  type OnboardingInput,
  publicStepError,
  type Registration,
  type RegistrationDeps,
  registerTenant,
  registrationStatusOf,
  requestHash,
  START_GRACE_MS,
} from '../../../functions/registrations/registrations';
import type { ExecutionStep } from '../../../functions/shared/execution-steps';
import { FIXED_NOW, sequentialIds } from '../../support/unit/fake-tenant-table';

const REQUEST: RegistrationRequest = { tenantName: 'acme', email: 'owner@acme.example', tier: 'BASIC' };

/** In-memory fakes of the registration's tables and of Step Functions, with the same conditional semantics. */
class FakeRegistrationDeps implements RegistrationDeps {
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly names = new Map<string, string>();
  readonly registrations = new Map<string, Registration>();
  readonly executions: { name: string; input: OnboardingInput }[] = [];
  failStart?: Error;
  /** The start failed after Step Functions took it (a lost answer). */
  startedDespiteFailure = false;
  readonly newId = sequentialIds('id');
  now = () => FIXED_NOW;

  async claimIdempotencyKey(key: string, record: IdempotencyRecord) {
    const existing = this.idempotency.get(key);
    if (existing) return existing;
    this.idempotency.set(key, record);
    return undefined;
  }
  async releaseIdempotencyKey(key: string) {
    this.idempotency.delete(key);
  }
  async reserveTenantName(nameKey: string, tenantId: string) {
    if (this.names.has(nameKey)) return false;
    this.names.set(nameKey, tenantId);
    return true;
  }
  async releaseTenantName(nameKey: string, tenantId: string) {
    if (this.names.get(nameKey) === tenantId) this.names.delete(nameKey);
  }
  async saveRegistration(registration: Registration) {
    this.registrations.set(registration.registrationId, registration);
  }
  async deleteRegistration(registrationId: string) {
    this.registrations.delete(registrationId);
  }
  async getRegistration(registrationId: string) {
    return this.registrations.get(registrationId);
  }
  async startOnboarding(executionName: string, input: OnboardingInput) {
    if (this.failStart && !this.startedDespiteFailure) throw this.failStart;
    this.executions.push({ name: executionName, input });
    if (this.failStart) throw this.failStart;
  }
  async onboardingExists(registrationId: string) {
    return this.executions.some((execution) => execution.name === registrationId);
  }
}

describe('registerTenant', () => {
  it('reserves the name and starts one onboarding execution named after the registration', async () => {
    const deps = new FakeRegistrationDeps();

    const accepted = await registerTenant(deps, REQUEST);

    expect(accepted).toEqual({ registrationId: 'id-1', tenantId: 'id-2', status: 'IN_PROGRESS' });
    expect(deps.executions).toEqual([
      { name: 'id-1', input: { ...REQUEST, registrationId: 'id-1', tenantId: 'id-2' } },
    ]);
    expect(deps.names.get('acme')).toBe('id-2');
    expect(deps.registrations.get('id-1')).toMatchObject({
      tenantName: 'acme',
      tier: 'BASIC',
      createdAt: FIXED_NOW.toISOString(),
    });
  });

  it('returns the same registration for the same Idempotency-Key and body, starting no second execution', async () => {
    const deps = new FakeRegistrationDeps();
    const first = await registerTenant(deps, REQUEST, 'key-1');

    const again = await registerTenant(deps, { ...REQUEST }, 'key-1');

    expect(again).toEqual(first);
    expect(deps.executions).toHaveLength(1);
  });

  it('answers 422 when an Idempotency-Key is reused with another body, starting nothing', async () => {
    const deps = new FakeRegistrationDeps();
    await registerTenant(deps, REQUEST, 'key-1');

    const reuse = registerTenant(deps, { ...REQUEST, tenantName: 'other' }, 'key-1');

    await expect(reuse).rejects.toStrictEqual(new IdempotencyKeyReusedError());
    await expect(reuse).rejects.toMatchObject({ statusCode: 422 });
    expect(deps.executions).toHaveLength(1);
    expect(deps.names.has('other')).toBe(false);
  });

  it('answers 409 for a taken name, whatever its case, and starts no execution', async () => {
    const deps = new FakeRegistrationDeps();
    await registerTenant(deps, REQUEST);

    const duplicate = registerTenant(deps, { ...REQUEST, tenantName: 'ACME' }, 'key-2');

    await expect(duplicate).rejects.toStrictEqual(
      new ConflictError("Tenant name 'ACME' is already taken", 'tenantName'),
    );
    await expect(duplicate).rejects.toMatchObject({ statusCode: 409 });
    expect(deps.executions).toHaveLength(1);
    expect(deps.idempotency.has('key-2')).toBe(false);
  });

  it('accepts PLATINUM (silo) like any tier: the workflow routes it to its own stack', async () => {
    const deps = new FakeRegistrationDeps();

    const accepted = await registerTenant(deps, { ...REQUEST, tier: 'PLATINUM' }, 'key-1');

    expect(accepted.status).toBe('IN_PROGRESS');
    expect(deps.executions).toHaveLength(1);
  });

  it('answers 503, keeps no registration and frees the name and the key when StartExecution fails', async () => {
    const deps = new FakeRegistrationDeps();
    deps.failStart = Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });

    const rejected = registerTenant(deps, REQUEST, 'key-1');

    await expect(rejected).rejects.toStrictEqual(
      new ServiceUnavailableError('Onboarding could not be started; nothing was saved, please try again', {
        cause: deps.failStart,
      }),
    );
    await expect(rejected).rejects.toMatchObject({ statusCode: 503 });
    expect(deps.registrations.size).toBe(0);
    expect(deps.names.has('acme')).toBe(false);
    expect(deps.idempotency.has('key-1')).toBe(false);
    deps.failStart = undefined;
    await expect(registerTenant(deps, REQUEST, 'key-1')).resolves.toMatchObject({ status: 'IN_PROGRESS' });
    expect(deps.executions).toHaveLength(1);
  });
});

describe('registerTenant when the answer to StartExecution is lost', () => {
  it('keeps the registration, the name and the key when the execution did start', async () => {
    const deps = new FakeRegistrationDeps();
    deps.failStart = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    deps.startedDespiteFailure = true;

    const accepted = await registerTenant(deps, REQUEST, 'key-1');

    expect(accepted).toEqual({ registrationId: 'id-1', tenantId: 'id-2', status: 'IN_PROGRESS' });
    expect(deps.registrations.has('id-1')).toBe(true);
    expect(deps.names.get('acme')).toBe('id-2');
    expect(deps.idempotency.has('key-1')).toBe(true);
    await expect(registerTenant(deps, REQUEST)).rejects.toStrictEqual(
      new ConflictError("Tenant name 'acme' is already taken", 'tenantName'),
    );
  });
});

describe('requestHash', () => {
  it('does not depend on the order of the fields', () => {
    const reordered = { tier: 'BASIC', email: 'owner@acme.example', tenantName: 'acme' } as RegistrationRequest;

    expect(requestHash(reordered)).toBe(requestHash(REQUEST));
  });

  it('differs when a value differs', () => {
    expect(requestHash({ ...REQUEST, tier: 'PREMIUM' })).not.toBe(requestHash(REQUEST));
  });
});

describe('describeRegistration', () => {
  const registration: Registration = {
    registrationId: 'r-1',
    tenantId: 't-1',
    tenantName: 'acme',
    tier: 'BASIC',
    email: 'owner@acme.example',
    createdAt: FIXED_NOW.toISOString(),
  };
  const steps: ExecutionStep[] = [{ name: 'StoreTenant', status: 'SUCCEEDED', startedAt: 'a', endedAt: 'b' }];
  const depsWith = (
    found: Registration | undefined,
    status: ExecutionStatus | undefined,
    now = FIXED_NOW,
    tenant?: string,
  ) => ({
    getRegistration: async () => found,
    describeOnboarding: async () => (status ? { status, steps } : undefined),
    tenantStatus: async () => tenant,
    awaitingApproval: async () => false,
    now: () => now,
  });

  it('serves a SUCCEEDED view again without asking Step Functions, and an IN_PROGRESS one for 2 s only', async () => {
    let reads = 0;
    const stored: Record<string, unknown> = {};
    const withCache = (status: ExecutionStatus, at: Date) => ({
      ...depsWith({ ...registration, ...stored }, status, at),
      describeOnboarding: async () => {
        reads += 1;
        return { status, steps };
      },
      cacheView: async (_id: string, view: unknown, when: Date) => {
        stored.cached = { view, at: when.toISOString() };
      },
    });

    await describeRegistration(withCache('RUNNING', FIXED_NOW), 'r-1');
    await describeRegistration(withCache('RUNNING', new Date(FIXED_NOW.getTime() + 1_000)), 'r-1');
    expect(reads).toBe(1);
    await describeRegistration(withCache('SUCCEEDED', new Date(FIXED_NOW.getTime() + 2_500)), 'r-1');
    expect(reads).toBe(2);
    const later = await describeRegistration(withCache('SUCCEEDED', new Date(FIXED_NOW.getTime() + 86_400_000)), 'r-1');
    expect(reads).toBe(2);
    expect(later.status).toBe('SUCCEEDED');
  });

  it('always reads a FAILED or AWAITING_APPROVAL registration fresh (a redrive or an answer may change it)', () => {
    const view = (status: 'FAILED' | 'AWAITING_APPROVAL') =>
      ({ view: { status } as never, at: FIXED_NOW.toISOString() }) as Registration['cached'];

    expect(cachedViewUsable(view('FAILED'), FIXED_NOW)).toBe(false);
    expect(cachedViewUsable(view('AWAITING_APPROVAL'), FIXED_NOW)).toBe(false);
    expect(cachedViewUsable(undefined, FIXED_NOW)).toBe(false);
  });

  it('is AWAITING_APPROVAL while its running onboarding waits for an operator', async () => {
    const view = await describeRegistration(
      { ...depsWith(registration, 'RUNNING'), awaitingApproval: async (id) => id === 'r-1' },
      'r-1',
    );

    expect(view.status).toBe('AWAITING_APPROVAL');
  });

  it('shows a failed step as a safe sentence, never the error name or message', async () => {
    const failing: ExecutionStep[] = [
      {
        name: 'CreateApiKey',
        status: 'FAILED',
        startedAt: 'a',
        error: 'TypeError: Cannot read x of undefined at /var/task',
      },
    ];
    const view = await describeRegistration(
      { ...depsWith(registration, 'FAILED'), describeOnboarding: async () => ({ status: 'FAILED', steps: failing }) },
      'r-1',
    );

    expect(view.steps[0]?.error).toBe('This step failed; an operator has been notified and can retry it');
    expect(JSON.stringify(view)).not.toContain('TypeError');
  });

  it('shows the rejection reason an operator wrote for the applicant, and says when no one answered in time', async () => {
    expect(
      publicStepError({
        name: 'AwaitApproval',
        status: 'FAILED',
        startedAt: 'a',
        error: 'ApprovalRejected: not a real company',
      }),
    ).toBe('Not approved: not a real company');
    expect(
      publicStepError({
        name: 'AwaitApproval',
        status: 'FAILED',
        startedAt: 'a',
        error: 'States.Timeout: Task timed out',
      }),
    ).toBe('Not approved in time');
  });

  it('shows the registration with the status and steps of its execution, named by its execution id', async () => {
    const view = await describeRegistration(depsWith(registration, 'SUCCEEDED'), 'r-1');

    expect(view).toEqual({
      registrationId: 'r-1',
      executionId: 'r-1',
      tenantId: 't-1',
      tenantName: 'acme',
      tier: 'BASIC',
      status: 'SUCCEEDED',
      steps,
    });
  });

  it('does not reveal the email of the registrant', async () => {
    const view = await describeRegistration(depsWith(registration, 'RUNNING'), 'r-1');

    expect(JSON.stringify(view)).not.toContain('owner@acme.example');
  });

  it('answers 404 for an unknown registration', async () => {
    await expect(describeRegistration(depsWith(undefined, 'RUNNING'), 'nope')).rejects.toStrictEqual(
      new NotFoundError('Registration'),
    );
  });

  it('is IN_PROGRESS with no steps in the moment between saving the row and starting the execution', async () => {
    const view = await describeRegistration(depsWith(registration, undefined), 'r-1');

    expect(view.status).toBe('IN_PROGRESS');
    expect(view.steps).toEqual([]);
  });

  it('is FAILED, saying why, when its execution never started', async () => {
    const later = new Date(FIXED_NOW.getTime() + START_GRACE_MS + 1);

    const view = await describeRegistration(depsWith(registration, undefined, later), 'r-1');

    expect(view.status).toBe('FAILED');
    expect(view.steps).toEqual([
      expect.objectContaining({ name: 'StartOnboarding', status: 'FAILED', error: expect.any(String) }),
    ]);
  });

  it('reads its tenant once the execution has left the Step Functions history (90 days)', async () => {
    const later = new Date(FIXED_NOW.getTime() + 100 * 86_400_000);

    const active = await describeRegistration(depsWith(registration, undefined, later, 'ACTIVE'), 'r-1');
    const failed = await describeRegistration(depsWith(registration, undefined, later, 'FAILED'), 'r-1');

    expect(active.status).toBe('SUCCEEDED');
    expect(failed.status).toBe('FAILED');
  });
});

describe('listAwaitingRegistrations', () => {
  const waiting = (id: string): Registration => ({
    registrationId: id,
    tenantId: `t-${id}`,
    tenantName: `name-${id}`,
    tier: 'PLATINUM',
    email: 'x@example.com',
    createdAt: FIXED_NOW.toISOString(),
  });
  const deps = (pending: string[], answered: string[] = []) => ({
    getRegistration: async (id: string) => waiting(id),
    describeOnboarding: async () => ({ status: 'RUNNING' as const, steps: [] }),
    tenantStatus: async () => 'AWAITING_APPROVAL',
    awaitingApproval: async (id: string) => pending.includes(id) && !answered.includes(id),
    pendingOnboardingApprovals: async () => pending,
    now: () => FIXED_NOW,
  });

  it('pages through the waiting registrations in the order they asked', async () => {
    const first = await listAwaitingRegistrations(deps(['a', 'b', 'c']), { limit: '2' });
    const second = await listAwaitingRegistrations(deps(['a', 'b', 'c']), { limit: '2', nextToken: first.nextToken });

    expect(first.items.map((item) => item.registrationId)).toEqual(['a', 'b']);
    expect(second.items.map((item) => item.registrationId)).toEqual(['c']);
    expect(second.nextToken).toBeUndefined();
    expect(first.items[0]?.status).toBe('AWAITING_APPROVAL');
  });

  it('leaves out a registration answered between the two reads', async () => {
    const page = await listAwaitingRegistrations(deps(['a', 'b'], ['a']), {});

    expect(page.items.map((item) => item.registrationId)).toEqual(['b']);
  });

  it('refuses another status filter and a forged page token, naming the field', async () => {
    await expect(listAwaitingRegistrations(deps([]), { status: 'FAILED' })).rejects.toMatchObject({
      statusCode: 400,
      errors: [{ field: 'status' }],
    });
    const forged = Buffer.from(JSON.stringify({ offset: '-3' })).toString('base64url');
    await expect(listAwaitingRegistrations(deps([]), { nextToken: forged })).rejects.toMatchObject({
      errors: [{ field: 'nextToken' }],
    });
  });
});

describe('registrationStatusOf', () => {
  it.each([
    ['RUNNING', 'IN_PROGRESS'],
    ['PENDING_REDRIVE', 'IN_PROGRESS'],
    ['SUCCEEDED', 'SUCCEEDED'],
    ['FAILED', 'FAILED'],
    ['TIMED_OUT', 'FAILED'],
    ['ABORTED', 'FAILED'],
  ] as const)('maps execution %s to %s', (execution, registration) => {
    expect(registrationStatusOf(execution)).toBe(registration);
  });
});
