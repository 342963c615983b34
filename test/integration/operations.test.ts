/**
 * Operating onboarding: executions API, fault injection at every step, redrive from the failed
 * step, idempotent side effects, stop with cleanup, deactivate/activate.
 * Faults are global per state name, so these tests run one after another (as the whole
 * integration project does).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POOL_ONBOARDING_TASKS, SILO_ONBOARDING_TASKS, siloStackName } from '../../contracts/onboarding-states';
import {
  at,
  cloud,
  controlPlane,
  http,
  logIn,
  NEW_PASSWORD,
  onboardedTenant,
  operatorToken,
  type Registration,
  uniqueName,
  waitFor,
  welcomeMailOf,
} from './support/client';
import { EXACTLY_ONE_OF_EACH, NOTHING, resourcesOf, siloUserPoolsOf, stackExists } from './support/resources';

const POOL_TASKS: readonly string[] = POOL_ONBOARDING_TASKS;

let operator: string;
const ops = (method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: operator, body });
const fault = (step: string, times = -1, error?: string) =>
  http('POST', at(cloud().consoleUrl, '/local/faults'), { body: { step, times, error } });
const clearFaults = () => http('DELETE', at(cloud().consoleUrl, '/local/faults'));

async function register(tenantName: string): Promise<{ registrationId: string; tenantId: string }> {
  const accepted = await http('POST', controlPlane('/registrations'), {
    body: { tenantName, email: `ops@${tenantName}.example.com`, tier: 'BASIC' },
  });
  expect(accepted.status).toBe(202);
  return accepted.body;
}

async function settled(registrationId: string): Promise<Registration> {
  return waitFor(async () => {
    const current = await http<Registration>('GET', controlPlane(`/registrations/${registrationId}`));
    return current.body.status === 'IN_PROGRESS' ? undefined : current.body;
  }, `registration ${registrationId}`);
}

async function executionSettled(executionId: string, status: string) {
  return waitFor(async () => {
    const execution = await ops('GET', `/executions/${executionId}`);
    return execution.body.status === status ? execution.body : undefined;
  }, `execution ${executionId} to be ${status}`);
}

beforeAll(async () => {
  operator = await operatorToken();
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
    expect(failed.steps.at(-1)).toMatchObject({
      name: step,
      status: 'FAILED',
      error: expect.stringContaining('InjectedFaultError'),
    });
    const execution = await ops('GET', `/executions/${registrationId}`);
    expect(execution.body).toMatchObject({
      status: 'FAILED',
      failedStep: step,
      error: expect.stringContaining('InjectedFaultError'),
    });
    if (POOL_TASKS.indexOf(step) > POOL_TASKS.indexOf('StoreTenant')) {
      const tenant = await waitFor(async () => {
        const row = await ops('GET', `/tenants/${tenantId}`);
        return row.body.status === 'FAILED' ? row.body : undefined;
      }, 'the failure to be recorded on the tenant');
      expect(tenant).toMatchObject({ failedStep: step, failureCause: expect.stringContaining('InjectedFaultError') });
    }

    await clearFaults();
    const redriven = await ops('POST', `/executions/${registrationId}/redrive`);
    expect(redriven.status).toBe(202);
    const done = await executionSettled(registrationId, 'SUCCEEDED');

    const entered = (done.events as Array<{ type: string; stateName?: string }>)
      .filter((e) => e.type === 'TaskStateEntered')
      .map((e) => e.stateName);
    for (const earlier of POOL_TASKS.slice(0, POOL_TASKS.indexOf(step)))
      expect(
        entered.filter((name) => name === earlier),
        earlier,
      ).toHaveLength(1);
    expect(entered.filter((name) => name === step)).toHaveLength(2);
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
      const accepted = await http('POST', controlPlane('/registrations'), {
        body: { tenantName, email: `ops@${tenantName}.example.com`, tier: 'PLATINUM' },
      });
      const { registrationId, tenantId } = accepted.body;

      const failed = await settled(registrationId);
      expect(failed.status).toBe('FAILED');
      expect(failed.steps.at(-1)).toMatchObject({ name: step, status: 'FAILED' });
      await clearFaults();
      expect((await ops('POST', `/executions/${registrationId}/redrive`)).status).toBe(202);
      const done = await executionSettled(registrationId, 'SUCCEEDED');

      const entered = (done.events as Array<{ type: string; stateName?: string }>)
        .filter((e) => e.type === 'TaskStateEntered')
        .map((e) => e.stateName);
      for (const earlier of SILO_ONBOARDING_TASKS.slice(0, SILO_ONBOARDING_TASKS.indexOf(step as never))) {
        expect(
          entered.filter((name) => name === earlier),
          earlier,
        ).toHaveLength(1);
      }
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
  });
});

describe('stopping a silo onboarding', () => {
  it('removes its stack and its own user pool too, and frees the name', async () => {
    // The stack and the pool exist by CreateApiKey; transient faults keep that step retrying.
    await fault('CreateApiKey', -1, 'TransientStepError');
    const tenantName = uniqueName('stopsilo');
    const accepted = await http('POST', controlPlane('/registrations'), {
      body: { tenantName, email: `ops@${tenantName}.example.com`, tier: 'PLATINUM' },
    });
    const { registrationId, tenantId } = accepted.body;
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
  }, 60_000);
});

describe('sign-ups at scale', () => {
  it('onboards 20 concurrent sign-ups with no duplicates', async () => {
    const names = Array.from({ length: 20 }, () => uniqueName('bulk'));

    const accepted = await Promise.all(names.map((name) => register(name)));
    const registrations = await Promise.all(
      accepted.map((a) =>
        waitFor(
          async () => {
            const current = await http<Registration>('GET', controlPlane(`/registrations/${a.registrationId}`));
            return current.body.status === 'IN_PROGRESS' ? undefined : current.body;
          },
          'bulk onboarding',
          90_000,
        ),
      ),
    );

    expect(registrations.map((r) => r.status)).toEqual(names.map(() => 'SUCCEEDED'));
    expect(new Set(accepted.map((a) => a.tenantId)).size).toBe(20);
    for (const [index, name] of names.entries()) {
      expect(await resourcesOf(accepted[index]?.tenantId as string, name), name).toEqual(EXACTLY_ONE_OF_EACH);
    }
  }, 120_000);
});

describe('tenant activation', () => {
  it('deactivates a tenant: INACTIVE, users disabled, its calls refused (403); activation restores both', async () => {
    const tenant = await onboardedTenant('toggle');
    const config = (await http('GET', controlPlane(`/tenant-config/${tenant.tenantName}`))).body;
    const mail = await welcomeMailOf(tenant.tenantName);
    // A second token, never used before, so the authorizer's result cache cannot answer for it.
    const unusedToken = await logIn(config.appClientId, mail.variables.username as string, NEW_PASSWORD);

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
    await expect(logIn(config.appClientId, mail.variables.username as string, NEW_PASSWORD)).rejects.toThrow();

    const activated = await ops('POST', `/tenants/${tenant.tenantId}/activate`);
    expect(activated.body.status).toBe('ACTIVE');
    const fresh = await logIn(config.appClientId, mail.variables.username as string, NEW_PASSWORD);
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
