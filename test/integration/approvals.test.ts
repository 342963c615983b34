/**
 * Approval before paid resources: a PLATINUM sign-up (context approvalTiers, default PLATINUM)
 * waits for an operator before any user pool, stack or key exists; approve continues it, reject
 * ends it with the name free and the applicant told why. Faults at the approval's own task states
 * fail there and redrive from there.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onboardingTasks, siloStackName } from '../../contracts/onboarding-states';
import { http, mailOf, operatorToken, register, uniqueName, waitFor } from '../support/client';
import {
  awaitingOrSettled,
  clearFaults,
  cloud,
  controlPlane,
  injectFault,
  onboardedTenant,
  settled,
} from '../support/integration/cloud';
import { EXACTLY_ONE_OF_EACH, resourcesOf, siloUserPoolsOf, stackExists } from '../support/integration/resources';

let operator: string;
const ops = (method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: operator, body });

/** Signs a PLATINUM tenant up and waits until it waits for approval. */
async function awaitingPlatinum(prefix: string) {
  const tenantName = uniqueName(prefix);
  const { registrationId, tenantId } = await register(cloud(), tenantName, 'PLATINUM');
  const registration = await awaitingOrSettled(registrationId);
  return { tenantName, registrationId, tenantId, registration };
}

/** What the waiting sign-up must not have created yet: no pool, no stack, no key, no mapping, no admin. */
async function nothingPaidFor(tenantId: string, tenantName: string) {
  const resources = await resourcesOf(tenantId, tenantName);
  return {
    userPools: (await siloUserPoolsOf(tenantId)).length,
    stack: stackExists(siloStackName(tenantId)),
    apiKeys: resources.apiKeys,
    mappingRows: resources.mappingRows,
    adminUsers: resources.adminUsers,
  };
}
const NOTHING_PAID = { userPools: 0, stack: false, apiKeys: 0, mappingRows: 0, adminUsers: 0 };

beforeAll(async () => {
  operator = await operatorToken(cloud());
});
afterEach(async () => {
  await clearFaults();
});

describe('a PLATINUM sign-up', () => {
  it('waits for approval with nothing paid for created, listed for operators; approval onboards it to the end', async () => {
    const { tenantName, registrationId, tenantId, registration } = await awaitingPlatinum('approve');

    expect(registration.status).toBe('AWAITING_APPROVAL');
    expect(registration.steps.map((step) => [step.name, step.status]).at(-1)).toEqual(['AwaitApproval', 'IN_PROGRESS']);
    expect(await nothingPaidFor(tenantId, tenantName)).toEqual(NOTHING_PAID);
    expect((await ops('GET', `/tenants/${tenantId}`)).body.status).toBe('AWAITING_APPROVAL');
    const waiting = await ops('GET', '/registrations?status=AWAITING_APPROVAL&limit=100');
    expect(waiting.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ registrationId, tenantName, status: 'AWAITING_APPROVAL' })]),
    );
    const executions = await ops('GET', '/executions?status=RUNNING&limit=100');
    expect(executions.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ executionId: registrationId, awaitingApproval: true })]),
    );

    const approved = await ops('POST', `/registrations/${registrationId}/approve`);

    expect(approved.status).toBe(200);
    expect(approved.body.awaitingApproval).toBeUndefined();
    const done = await awaitingOrSettled(registrationId, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.map((step) => step.name)).toEqual(onboardingTasks('silo', true));
    const pools = await siloUserPoolsOf(tenantId);
    expect(await resourcesOf(tenantId, tenantName, pools[0])).toEqual(EXACTLY_ONE_OF_EACH);
    // Answered once: a second answer finds nothing waiting.
    expect((await ops('POST', `/registrations/${registrationId}/approve`)).status).toBe(409);
    expect((await ops('POST', `/executions/${registrationId}/reject`, { reason: 'late' })).status).toBe(409);
  }, 90_000);

  it('rejected: FAILED with the reason, nothing created, the name free again and the applicant mailed why', async () => {
    const { tenantName, registrationId, tenantId } = await awaitingPlatinum('reject');

    const rejected = await ops('POST', `/executions/${registrationId}/reject`, {
      reason: 'We could not verify the company',
    });

    expect(rejected.status).toBe(200);
    const done = await awaitingOrSettled(registrationId);
    expect(done.status).toBe('FAILED');
    expect(done.steps.find((step) => step.name === 'AwaitApproval')).toMatchObject({
      status: 'FAILED',
      error: 'Not approved: We could not verify the company',
    });
    const mail = await mailOf(cloud(), 'rejection', (v) => v.tenantName === tenantName, `rejection of ${tenantName}`);
    expect(mail.variables.reason).toBe('We could not verify the company');
    expect(await nothingPaidFor(tenantId, tenantName)).toEqual(NOTHING_PAID);
    const tenant = await waitFor(async () => {
      const row = await ops('GET', `/tenants/${tenantId}`);
      return row.body.status === 'FAILED' ? row.body : undefined;
    }, 'the rejected tenant to read FAILED');
    expect(tenant).toMatchObject({
      failedStep: 'AwaitApproval',
      failureCause: 'Not approved: We could not verify the company',
    });
    expect(
      (await ops('GET', '/registrations?limit=100')).body.items.map(
        (r: { registrationId: string }) => r.registrationId,
      ),
    ).not.toContain(registrationId);
    // A rejection is an answer, not a failure to redrive.
    expect((await ops('POST', `/executions/${registrationId}/redrive`)).status).toBe(409);
    const again = await register(cloud(), tenantName, 'BASIC');
    expect((await settled(again.registrationId)).status).toBe('SUCCEEDED');
  }, 60_000);

  it('refuses bad answers: 400 naming reason, 409 for one not waiting, 404 for an unknown id, 403 for a tenant admin', async () => {
    const tenant = await onboardedTenant('approver');
    const unknown = '00000000-0000-4000-8000-000000000000';

    expect((await ops('POST', `/registrations/${tenant.registration.registrationId}/reject`, {})).body.errors).toEqual([
      expect.objectContaining({ field: 'reason' }),
    ]);
    expect(
      (await ops('POST', `/registrations/${tenant.registration.registrationId}/reject`, { reason: '   ' })).status,
    ).toBe(400);
    expect((await ops('POST', `/registrations/${tenant.registration.registrationId}/approve`)).status).toBe(409);
    expect((await ops('POST', `/executions/${unknown}/approve`)).status).toBe(404);
    expect((await ops('GET', '/registrations?status=FAILED')).body.errors).toEqual([
      expect.objectContaining({ field: 'status' }),
    ]);
    const asTenant = await http('POST', controlPlane(`/registrations/${tenant.registration.registrationId}/approve`), {
      token: tenant.idToken,
    });
    expect(asTenant.status).toBe(403);
    expect((await http('GET', controlPlane('/registrations'))).status).toBe(401);
  });
});

describe.each(['AwaitApproval', 'CloseRejectedRegistration'])('a lasting fault in the approval step %s', (step) => {
  it('fails the execution there; a redrive resumes there and the registration ends as answered', async () => {
    const rejecting = step === 'CloseRejectedRegistration';
    await injectFault(step);
    const tenantName = uniqueName(`fault-${step.slice(0, 8).toLowerCase()}`);
    const { registrationId, tenantId } = await register(cloud(), tenantName, 'PLATINUM');
    if (rejecting) {
      await awaitingOrSettled(registrationId);
      expect((await ops('POST', `/registrations/${registrationId}/reject`, { reason: 'no' })).status).toBe(200);
    }

    const failed = await awaitingOrSettled(registrationId);
    expect(failed.status).toBe('FAILED');
    const execution = await ops('GET', `/executions/${registrationId}`);
    expect(execution.body).toMatchObject({ failedStep: step, error: expect.stringContaining('InjectedFaultError') });
    await clearFaults();
    expect((await ops('POST', `/executions/${registrationId}/redrive`)).status).toBe(202);

    const answered = await settled(registrationId, 60_000);
    expect(answered.status).toBe(rejecting ? 'FAILED' : 'SUCCEEDED');
    if (rejecting) {
      expect(await nothingPaidFor(tenantId, tenantName)).toEqual(NOTHING_PAID);
      expect((await ops('GET', `/tenants/${tenantId}`)).body.failureCause).toBe('Not approved: no');
    } else {
      expect((await ops('GET', `/tenants/${tenantId}`)).body.status).toBe('ACTIVE');
    }
  }, 90_000);
});
