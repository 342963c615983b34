/**
 * Operating onboarding: executions API, fault injection at every step, redrive from the failed
 * step, idempotent side effects, stop with cleanup, deactivate/activate.
 * Faults are global per state name, so these tests run one after another (as the whole
 * integration project does).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onboardingTasks, POOL_ONBOARDING_TASKS, siloStackName } from '../../contracts/onboarding-states';
import {
  at,
  http,
  logIn,
  NEW_PASSWORD,
  operatorToken,
  register as registerOn,
  uniqueName,
  waitFor,
  welcomeMailOf,
} from '../support/client';
import {
  awaitingOrSettled,
  clearFaults,
  cloud,
  controlPlane,
  injectFault as fault,
  onboardedTenant,
  settled,
} from '../support/integration/cloud';
import {
  EXACTLY_ONE_OF_EACH,
  NOTHING,
  resourcesOf,
  siloUserPoolsOf,
  stackExists,
} from '../support/integration/resources';

const POOL_TASKS: readonly string[] = POOL_ONBOARDING_TASKS;
// PLATINUM waits for approval by default (context approvalTiers); `settled` approves it as the operator.
const SILO_TASKS: readonly string[] = onboardingTasks('silo', true);

let operator: string;
const ops = (method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: operator, body });

const register = (tenantName: string, tier = 'BASIC') =>
  registerOn(cloud(), tenantName, tier, `ops@${tenantName}.example.com`);

interface ExecutionEvent {
  readonly type: string;
  readonly stateName?: string;
  readonly error?: string;
}

/** How many times each of `states` was entered in an execution's history (a redrive enters the failed one again). */
function timesEntered(events: readonly ExecutionEvent[], states: readonly string[]): Record<string, number> {
  const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateName);
  return Object.fromEntries(states.map((state) => [state, entered.filter((name) => name === state).length]));
}

/** The tasks before `step` entered once each, and `step` twice (once failed, once redriven). */
function redrivenOnceAt(tasks: readonly string[], step: string): Record<string, number> {
  return { ...Object.fromEntries(tasks.slice(0, tasks.indexOf(step)).map((task) => [task, 1])), [step]: 2 };
}

/** Each attempt of a Lambda task state, in order: the error it failed with, or SUCCEEDED. */
function attemptsOf(events: readonly ExecutionEvent[], state: string): string[] {
  const attempts: string[] = [];
  let inState = false;
  for (const event of events) {
    if (event.type === 'TaskStateEntered') inState = event.stateName === state;
    else if (event.type === 'TaskStateExited' && event.stateName === state) inState = false;
    else if (inState && event.type === 'LambdaFunctionFailed') attempts.push(event.error ?? 'unknown');
    else if (inState && event.type === 'LambdaFunctionSucceeded') attempts.push('SUCCEEDED');
  }
  return attempts;
}

async function executionSettled(executionId: string, status: string) {
  return waitFor(async () => {
    const execution = await ops('GET', `/executions/${executionId}`);
    return execution.body.status === status ? execution.body : undefined;
  }, `execution ${executionId} to be ${status}`);
}

beforeAll(async () => {
  operator = await operatorToken(cloud());
});
afterEach(async () => {
  await clearFaults();
});

describe('the executions API', () => {
  it('is for operators only: 401 without a token, 403 for a tenant admin', async () => {
    const tenant = await onboardedTenant('exec-guard');

    expect((await http('GET', controlPlane('/executions'))).status).toBe(401);
    expect((await http('GET', controlPlane('/executions'), { token: tenant.idToken })).status).toBe(403);
    expect((await http('POST', controlPlane('/executions/x/redrive'), { token: tenant.idToken })).status).toBe(403);
    expect((await ops('GET', '/executions')).status).toBe(200);
  });

  it('lists executions by status with the tenant, and shows one with its definition and history', async () => {
    const tenantName = uniqueName('listed');
    const { registrationId, tenantId } = await register(tenantName);
    await settled(registrationId);

    const succeeded = await ops('GET', '/executions?status=SUCCEEDED&limit=100');
    const detail = await ops('GET', `/executions/${registrationId}`);

    expect(succeeded.status).toBe(200);
    expect(succeeded.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          executionId: registrationId,
          kind: 'onboarding',
          tenantId,
          tenantName,
          status: 'SUCCEEDED',
        }),
      ]),
    );
    expect(succeeded.body.items.every((item: { status: string }) => item.status === 'SUCCEEDED')).toBe(true);
    // Server-side: the tenant's own executions, and by kind.
    const ofTenant = await ops('GET', `/executions?tenantId=${tenantId}`);
    expect(ofTenant.body.items.map((item: { executionId: string }) => item.executionId)).toEqual([registrationId]);
    expect((await ops('GET', '/executions?kind=offboarding')).body.items).toEqual([]);
    expect((await ops('GET', '/executions?kind=nope')).status).toBe(400);
    expect(detail.body.definition.StartAt).toBe('ValidateRegistration');
    expect(detail.body.events[0]).toMatchObject({
      id: 1,
      type: 'ExecutionStarted',
      input: expect.objectContaining({ tenantName }),
    });
    expect(detail.body.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'TaskStateEntered', stateName: 'CreateApiKey' })]),
    );
    expect(detail.body.events.at(-1).type).toBe('ExecutionSucceeded');
  });

  it('answers 400 for a bad status filter or limit, and 404 for an unknown execution', async () => {
    expect((await ops('GET', '/executions?status=DONE')).body.errors).toEqual([
      expect.objectContaining({ field: 'status' }),
    ]);
    expect((await ops('GET', '/executions?limit=1000')).status).toBe(400);
    expect((await ops('GET', '/executions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await ops('POST', '/executions/00000000-0000-4000-8000-000000000000/redrive')).status).toBe(404);
  });

  it('refuses to redrive a SUCCEEDED execution (409) and to stop a finished one (409)', async () => {
    const { registrationId } = await register(uniqueName('done'));
    await settled(registrationId);

    expect((await ops('POST', `/executions/${registrationId}/redrive`)).status).toBe(409);
    expect((await ops('POST', `/executions/${registrationId}/stop`)).status).toBe(409);
  });
});

describe.each(POOL_TASKS)('a lasting fault in %s', (step) => {
  it('fails the registration at that step; after clearing it, a redrive resumes there and leaves exactly one of each resource', async () => {
    await fault(step);
    const tenantName = uniqueName(`fault-${step.toLowerCase().slice(0, 8)}`);
    const { registrationId, tenantId } = await register(tenantName);

    const failed = await settled(registrationId);
    expect(failed.status).toBe('FAILED');
    // The public sees a safe sentence; operators see the error itself.
    expect(failed.steps.at(-1)).toMatchObject({
      name: step,
      status: 'FAILED',
      error: 'This step failed; an operator has been notified and can retry it',
    });
    const execution = await ops('GET', `/executions/${registrationId}`);
    expect(execution.body).toMatchObject({
      status: 'FAILED',
      failedStep: step,
      error: expect.stringContaining('InjectedFaultError'),
    });
    // Before StoreTenant has run there is no tenant to mark; after, the failure is recorded on it.
    const tenant = await waitFor(async () => {
      const row = await ops('GET', `/tenants/${tenantId}`);
      return row.status === 404 || row.body.status === 'FAILED' ? row : undefined;
    }, 'the failure to be recorded on the tenant');
    expect({ status: tenant.status, body: tenant.body }).toMatchObject(
      POOL_TASKS.indexOf(step) > POOL_TASKS.indexOf('StoreTenant')
        ? {
            status: 200,
            body: { failedStep: step, failureCause: expect.stringContaining('InjectedFaultError') },
          }
        : { status: 404 },
    );

    await clearFaults();
    const redriven = await ops('POST', `/executions/${registrationId}/redrive`);
    expect(redriven.status).toBe(202);
    const done = await executionSettled(registrationId, 'SUCCEEDED');

    expect(timesEntered(done.events, POOL_TASKS.slice(0, POOL_TASKS.indexOf(step) + 1))).toEqual(
      redrivenOnceAt(POOL_TASKS, step),
    );
    expect((await settled(registrationId)).status).toBe('SUCCEEDED');
    expect((await ops('GET', `/tenants/${tenantId}`)).body).toMatchObject({ status: 'ACTIVE' });
    expect((await ops('GET', `/tenants/${tenantId}`)).body.failedStep).toBeUndefined();
    expect(await resourcesOf(tenantId, tenantName)).toEqual(EXACTLY_ONE_OF_EACH);
  });
});

describe.each(['CreateTenantUserPool', 'CreateTenantAppClient', 'DeployTenantStack'])(
  'a lasting fault in the silo step %s',
  (step) => {
    it('fails the PLATINUM registration there; a redrive resumes there and leaves one user pool, one stack and one of each resource', async () => {
      await fault(step);
      const tenantName = uniqueName(`silo-${step.toLowerCase().slice(6, 14)}`);
      const { registrationId, tenantId } = await register(tenantName, 'PLATINUM');

      const failed = await settled(registrationId);
      expect(failed.status).toBe('FAILED');
      expect(failed.steps.at(-1)).toMatchObject({ name: step, status: 'FAILED' });
      await clearFaults();
      expect((await ops('POST', `/executions/${registrationId}/redrive`)).status).toBe(202);
      const done = await executionSettled(registrationId, 'SUCCEEDED');

      expect(timesEntered(done.events, SILO_TASKS.slice(0, SILO_TASKS.indexOf(step) + 1))).toEqual(
        redrivenOnceAt(SILO_TASKS, step),
      );
      const pools = await siloUserPoolsOf(tenantId);
      expect(pools).toHaveLength(1);
      expect(await resourcesOf(tenantId, tenantName, pools[0])).toEqual(EXACTLY_ONE_OF_EACH);
      const config = (await http('GET', controlPlane(`/tenant-config/${tenantName}`))).body;
      expect(config).toMatchObject({ deploymentModel: 'silo', status: 'ACTIVE', userPoolId: pools[0] });
      expect((await http('GET', at(config.apiUrl, '/products'))).status).toBe(401);
    }, 60_000);
  },
);

describe('retries and stop', () => {
  it('retries a transient failure with backoff and succeeds without an operator', async () => {
    await fault('CreateApiKey', 2, 'TransientStepError');
    const tenantName = uniqueName('transient');
    const { registrationId, tenantId } = await register(tenantName);

    const registration = await settled(registrationId);

    expect(registration.status).toBe('SUCCEEDED');
    // Two failed attempts, then the third succeeds: all within the one CreateApiKey state.
    const execution = await ops('GET', `/executions/${registrationId}`);
    expect(attemptsOf(execution.body.events, 'CreateApiKey')).toEqual([
      'TransientStepError',
      'TransientStepError',
      'SUCCEEDED',
    ]);
    expect(timesEntered(execution.body.events, ['CreateApiKey'])).toEqual({ CreateApiKey: 1 });
    expect(await resourcesOf(tenantId, tenantName)).toEqual(EXACTLY_ONE_OF_EACH);
  });

  it('retries a step whose function timed out (Sandbox.Timedout), as it does a transient failure', async () => {
    await fault('SendWelcomeMail', 1, 'Sandbox.Timedout');
    const tenantName = uniqueName('timedout');
    const { registrationId, tenantId } = await register(tenantName);

    expect((await settled(registrationId)).status).toBe('SUCCEEDED');
    const execution = await ops('GET', `/executions/${registrationId}`);
    expect(attemptsOf(execution.body.events, 'SendWelcomeMail')).toEqual(['Sandbox.Timedout', 'SUCCEEDED']);
    expect(await resourcesOf(tenantId, tenantName)).toEqual(EXACTLY_ONE_OF_EACH);
  });

  it('stops a running onboarding and removes what it had created, freeing the name', async () => {
    // Transient faults keep CreateApiKey retrying (with backoff) long enough to stop it.
    await fault('CreateApiKey', -1, 'TransientStepError');
    const tenantName = uniqueName('stopped');
    const { registrationId, tenantId } = await register(tenantName);
    await waitFor(async () => {
      const execution = await ops('GET', `/executions/${registrationId}`);
      return (execution.body.events as Array<{ stateName?: string }>).some((e) => e.stateName === 'CreateApiKey')
        ? true
        : undefined;
    }, 'onboarding to reach CreateApiKey');

    const stopped = await ops('POST', `/executions/${registrationId}/stop`);

    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('ABORTED');
    await waitFor(
      async () => ((await resourcesOf(tenantId, tenantName)).tenantRows === 0 ? true : undefined),
      'the cleanup',
    );
    expect(await resourcesOf(tenantId, tenantName)).toEqual(NOTHING);
    await clearFaults();
    const again = await http('POST', controlPlane('/registrations'), {
      body: { tenantName, email: 'again@example.com', tier: 'BASIC' },
    });
    expect(again.status).toBe(202);
    // The name's new tenant is onboarded to the end (and nothing of it runs on into other tests).
    expect((await settled(again.body.registrationId)).status).toBe('SUCCEEDED');
  });
});

describe('stopping a silo onboarding', () => {
  it('removes its stack and its own user pool too, and frees the name', async () => {
    // The stack and the pool exist by CreateApiKey; transient faults keep that step retrying.
    await fault('CreateApiKey', -1, 'TransientStepError');
    const tenantName = uniqueName('stopsilo');
    const { registrationId, tenantId } = await register(tenantName, 'PLATINUM');
    // PLATINUM waits for an operator's approval first.
    expect((await awaitingOrSettled(registrationId)).status).toBe('AWAITING_APPROVAL');
    expect((await ops('POST', `/registrations/${registrationId}/approve`)).status).toBe(200);
    await waitFor(async () => {
      const execution = await ops('GET', `/executions/${registrationId}`);
      return (execution.body.events as Array<{ stateName?: string }>).some((e) => e.stateName === 'CreateApiKey')
        ? true
        : undefined;
    }, 'the silo onboarding to reach CreateApiKey');
    expect(await siloUserPoolsOf(tenantId)).toHaveLength(1);
    expect(stackExists(siloStackName(tenantId))).toBe(true);

    expect((await ops('POST', `/executions/${registrationId}/stop`)).status).toBe(200);

    await waitFor(
      async () =>
        (await siloUserPoolsOf(tenantId)).length === 0 && !stackExists(siloStackName(tenantId)) ? true : undefined,
      'the silo cleanup',
      30_000,
    );
    expect(await resourcesOf(tenantId, tenantName)).toEqual(NOTHING);
    await clearFaults();
    const again = await http('POST', controlPlane('/registrations'), {
      body: { tenantName, email: 'again@example.com', tier: 'PLATINUM' },
    });
    expect(again.status).toBe(202);
    // The name's new silo tenant is onboarded to the end (no silo onboarding runs on into other files).
    expect((await settled(again.body.registrationId)).status).toBe('SUCCEEDED');
  }, 60_000);
});

describe('sign-ups at scale', () => {
  it('onboards 20 concurrent sign-ups with no duplicates', async () => {
    const names = Array.from({ length: 20 }, () => uniqueName('bulk'));

    const accepted = await Promise.all(names.map((name) => register(name)));
    const registrations = await Promise.all(accepted.map((a) => settled(a.registrationId, 90_000)));

    expect(registrations.map((r) => r.status)).toEqual(names.map(() => 'SUCCEEDED'));
    expect(new Set(accepted.map((a) => a.tenantId)).size).toBe(20);
    const resources = [];
    for (const [index, name] of names.entries())
      resources.push(await resourcesOf(accepted[index]?.tenantId as string, name));
    expect(resources).toEqual(names.map(() => EXACTLY_ONE_OF_EACH));
  }, 120_000);
});

describe('tenant activation', () => {
  it('deactivates a tenant: INACTIVE, users disabled, its calls refused (403); activation restores both', async () => {
    const tenant = await onboardedTenant('toggle');
    const config = (await http('GET', controlPlane(`/tenant-config/${tenant.tenantName}`))).body;
    const username = (await welcomeMailOf(cloud(), tenant.tenantName)).variables.username as string;
    // A second token, never used before, so the authorizer's result cache cannot answer for it.
    const unusedToken = await logIn(cloud(), config.appClientId, username, NEW_PASSWORD);

    const deactivated = await ops('POST', `/tenants/${tenant.tenantId}/deactivate`);

    expect(deactivated.body.status).toBe('INACTIVE');
    // Idempotent: deactivating an inactive tenant changes nothing.
    expect((await ops('POST', `/tenants/${tenant.tenantId}/deactivate`)).body.status).toBe('INACTIVE');
    await waitFor(
      async () => {
        const response = await http('GET', at(tenant.apiUrl, '/products'), { token: unusedToken });
        return response.status === 403 ? true : undefined;
      },
      'the authorizer to refuse the inactive tenant',
      15_000,
    );
    // Its users are disabled.
    await expect(logIn(cloud(), config.appClientId, username, NEW_PASSWORD)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User is disabled.',
    });

    const activated = await ops('POST', `/tenants/${tenant.tenantId}/activate`);
    expect(activated.body.status).toBe('ACTIVE');
    const fresh = await logIn(cloud(), config.appClientId, username, NEW_PASSWORD);
    expect((await http('GET', at(tenant.apiUrl, '/products'), { token: fresh })).status).toBe(200);
  });

  it('pages through GET /tenants', async () => {
    await Promise.all([onboardedTenant('page-a'), onboardedTenant('page-b')]);

    const first = await ops('GET', '/tenants?limit=1');
    const second = await ops('GET', `/tenants?limit=1&nextToken=${first.body.nextToken}`);

    expect(first.body.items).toHaveLength(1);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].tenantId).not.toBe(first.body.items[0].tenantId);
  });
});
