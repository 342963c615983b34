import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { registrationStore } from '../../../functions/registrations/registration-store';
import { awsError, conditionFailed, fakeClient } from '../onboarding-steps/fakes';

const RESOURCES = {
  REGISTRATIONS_TABLE: 'Registrations',
  TENANT_NAMES_TABLE: 'TenantNames',
  TENANT_DETAILS_TABLE: 'TenantDetails',
  ONBOARDING_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:onboarding',
  APPROVALS_TABLE: 'Approvals',
};
const REGISTRATION_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function store(answers: Parameters<typeof fakeClient>[0] = {}, sfnAnswers: Parameters<typeof fakeClient>[0] = {}) {
  const dynamoDb = fakeClient(answers);
  const sfn = fakeClient(sfnAnswers);
  return { dynamoDb, sfn, store: registrationStore({ dynamoDb, sfn: sfn as unknown as SFNClient }, RESOURCES) };
}

describe('the registration store', () => {
  it('claims an Idempotency-Key under its own prefix, and answers the first claim when the key was used', async () => {
    const { dynamoDb, store: registrations } = store({
      put: () => {
        throw conditionFailed();
      },
      get: () => ({ Item: { registrationRef: 'r-first', tenantId: 't-first', requestHash: 'h-first' } }),
    });

    const existing = await registrations.claimIdempotencyKey('key-1', {
      registrationId: 'r-2',
      tenantId: 't-2',
      requestHash: 'h-2',
    });

    expect(existing).toEqual({ registrationId: 'r-first', tenantId: 't-first', requestHash: 'h-first' });
    expect(dynamoDb.inputsOf('put')[0]).toMatchObject({
      TableName: 'Registrations',
      Item: { registrationId: 'idempotency#key-1', registrationRef: 'r-2', kind: 'idempotency' },
      ConditionExpression: 'attribute_not_exists(registrationId)',
    });
    expect(dynamoDb.inputsOf('get')).toEqual([
      { TableName: 'Registrations', Key: { registrationId: 'idempotency#key-1' }, ConsistentRead: true },
    ]);
  });

  it('answers false when the tenant name is reserved already', async () => {
    const { store: registrations } = store({
      put: () => {
        throw conditionFailed();
      },
    });

    await expect(registrations.reserveTenantName('acme', 't-1')).resolves.toBe(false);
  });

  it('reads only registrations: not an idempotency record, and not an id that is no UUID (without a read)', async () => {
    const { dynamoDb, store: registrations } = store({ get: () => ({ Item: { kind: 'idempotency' } }) });

    await expect(registrations.getRegistration('idempotency#key-1')).resolves.toBeUndefined();
    expect(dynamoDb.sent).toEqual([]);
    await expect(registrations.getRegistration(REGISTRATION_ID)).resolves.toBeUndefined();
  });

  it('describes the onboarding execution named after the registration, with its steps', async () => {
    const { sfn, store: registrations } = store(
      {},
      {
        describeExecution: () => ({ status: 'RUNNING' }),
        getExecutionHistory: () => ({
          events: [
            {
              id: 1,
              type: 'TaskStateEntered',
              timestamp: new Date(0),
              stateEnteredEventDetails: { name: 'StoreTenant' },
            },
          ],
        }),
      },
    );

    const onboarding = await registrations.describeOnboarding(REGISTRATION_ID);

    expect(onboarding).toEqual({
      status: 'RUNNING',
      steps: [{ name: 'StoreTenant', status: 'IN_PROGRESS', startedAt: new Date(0).toISOString() }],
    });
    expect(sfn.inputsOf('describeExecution')).toEqual([
      { executionArn: `arn:aws:states:eu-west-1:111122223333:execution:onboarding:${REGISTRATION_ID}` },
    ]);
  });

  it('knows an onboarding that was never started', async () => {
    const { store: registrations } = store(
      {},
      {
        describeExecution: () => {
          throw awsError('ExecutionDoesNotExist', 'Execution does not exist');
        },
      },
    );

    await expect(registrations.onboardingExists(REGISTRATION_ID)).resolves.toBe(false);
    await expect(registrations.describeOnboarding(REGISTRATION_ID)).resolves.toBeUndefined();
  });
});
