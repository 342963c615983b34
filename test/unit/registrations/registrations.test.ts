import { describe, expect, it } from 'vitest';
import {
  describeRegistration,
  type ExecutionStatus,
  IdempotencyKeyReusedError,
  type IdempotencyRecord,
  type OnboardingInput,
  type Registration,
  type RegistrationDeps,
  registerTenant,
  registrationStatusOf,
  requestHash,
} from '../../../functions/registrations/registrations';
import { ConflictError, NotFoundError } from '../../../functions/shared/errors';
import type { ExecutionStep } from '../../../functions/shared/execution-steps';
import type { RegistrationRequest } from '../../../functions/shared/tenant-names';
import { FIXED_NOW, sequentialIds } from '../support/fake-tenant-table';

const REQUEST: RegistrationRequest = { tenantName: 'acme', email: 'owner@acme.example', tier: 'BASIC' };

/** In-memory fakes of the registration's tables and of Step Functions, with the same conditional semantics. */
class FakeRegistrationDeps implements RegistrationDeps {
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly names = new Map<string, string>();
  readonly registrations = new Map<string, Registration>();
  readonly executions: { name: string; input: OnboardingInput }[] = [];
  failStart?: Error;
  failSaveWithExecutionArn?: Error;
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
    if (registration.executionArn && this.failSaveWithExecutionArn) throw this.failSaveWithExecutionArn;
    this.registrations.set(registration.registrationId, registration);
  }
  async getRegistration(registrationId: string) {
    return this.registrations.get(registrationId);
  }
  async startOnboarding(executionName: string, input: OnboardingInput) {
    if (this.failStart) throw this.failStart;
    this.executions.push({ name: executionName, input });
    return `arn:aws:states:us-east-1:000000000000:execution:onboarding:${executionName}`;
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
      executionArn: expect.stringContaining(':execution:onboarding:id-1'),
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

    await expect(reuse).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(reuse).rejects.toMatchObject({ statusCode: 422 });
    expect(deps.executions).toHaveLength(1);
    expect(deps.names.has('other')).toBe(false);
  });

  it('answers 409 for a taken name, whatever its case, and starts no execution', async () => {
    const deps = new FakeRegistrationDeps();
    await registerTenant(deps, REQUEST);

    const duplicate = registerTenant(deps, { ...REQUEST, tenantName: 'ACME' }, 'key-2');

    await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
    await expect(duplicate).rejects.toMatchObject({ statusCode: 409, field: 'tenantName' });
    expect(deps.executions).toHaveLength(1);
    expect(deps.idempotency.has('key-2')).toBe(false);
  });

  it('accepts PLATINUM (silo) like any tier: the workflow routes it to its own stack', async () => {
    const deps = new FakeRegistrationDeps();

    const accepted = await registerTenant(deps, { ...REQUEST, tier: 'PLATINUM' }, 'key-1');

    expect(accepted.status).toBe('IN_PROGRESS');
    expect(deps.executions).toHaveLength(1);
  });

  it('releases the name and the key when StartExecution fails, so the user can try again', async () => {
    const deps = new FakeRegistrationDeps();
    deps.failStart = Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });

    await expect(registerTenant(deps, REQUEST, 'key-1')).rejects.toThrow('Service unavailable');

    expect(deps.names.has('acme')).toBe(false);
    expect(deps.idempotency.has('key-1')).toBe(false);
    deps.failStart = undefined;
    await expect(registerTenant(deps, REQUEST, 'key-1')).resolves.toMatchObject({ status: 'IN_PROGRESS' });
    expect(deps.executions).toHaveLength(1);
  });

  it('keeps the name reserved when the execution started but recording its ARN failed', async () => {
    const deps = new FakeRegistrationDeps();
    deps.failSaveWithExecutionArn = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });

    await expect(registerTenant(deps, REQUEST)).rejects.toThrow('throttled');

    // Onboarding is running for this tenant: freeing the name would let a second tenant take it.
    expect(deps.executions).toHaveLength(1);
    expect(deps.names.get('acme')).toBe(deps.executions[0]?.input.tenantId);
    await expect(registerTenant(deps, REQUEST)).rejects.toBeInstanceOf(ConflictError);
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
    executionArn: 'arn:exec',
    createdAt: FIXED_NOW.toISOString(),
  };
  const steps: ExecutionStep[] = [{ name: 'StoreTenant', status: 'SUCCEEDED', startedAt: 'a', endedAt: 'b' }];
  const depsWith = (found: Registration | undefined, status: ExecutionStatus) => ({
    getRegistration: async () => found,
    describeOnboarding: async () => ({ status, steps }),
  });

  it('shows the registration with the status and steps of its execution', async () => {
    const view = await describeRegistration(depsWith(registration, 'SUCCEEDED'), 'r-1');

    expect(view).toEqual({
      registrationId: 'r-1',
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
    await expect(describeRegistration(depsWith(undefined, 'RUNNING'), 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is IN_PROGRESS with no steps while no execution is recorded', async () => {
    const view = await describeRegistration(depsWith({ ...registration, executionArn: undefined }, 'FAILED'), 'r-1');

    expect(view.status).toBe('IN_PROGRESS');
    expect(view.steps).toEqual([]);
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
