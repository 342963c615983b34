import { describe, expect, it } from 'vitest';
import { activateTenantWith } from '../../../functions/onboarding-steps/activate-tenant';
import { TransientStepError } from '../../../functions/shared/env';
import { conditionFailed, fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

describe('activateTenant', () => {
  it('marks the tenant ACTIVE and clears an earlier failure, on an existing row only', async () => {
    const dynamoDb = fakeClient({ update: () => ({}) });

    const result = await activateTenantWith({ dynamoDb }, POOLED);

    expect(result).toEqual({ status: 'ACTIVE', activatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 'tenant-1' },
        UpdateExpression: 'SET #status = :active, updatedAt = :now REMOVE failedStep, failureCause',
        ConditionExpression: 'attribute_exists(tenantId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':now': result.activatedAt },
        ReturnValues: 'ALL_NEW',
      },
    ]);
  });

  it('tells how long the onboarding took, from the tenant row’s creation', async () => {
    const createdAt = new Date(Date.now() - 1500).toISOString();
    const dynamoDb = fakeClient({ update: () => ({ Attributes: { tenantId: 'tenant-1', createdAt } }) });
    const durations: number[] = [];

    const result = await activateTenantWith({ dynamoDb, onboarded: (ms) => durations.push(ms) }, POOLED);

    expect(durations).toEqual([Date.parse(result.activatedAt) - Date.parse(createdAt)]);
  });

  it("records a silo tenant's API URL, known only once its stack is deployed", async () => {
    const dynamoDb = fakeClient({ update: () => ({}) });

    await activateTenantWith({ dynamoDb }, { ...SILO, stack: { apiUrl: 'https://globex.example.com/prod/' } });

    const [update] = dynamoDb.inputsOf('update');
    expect(update?.UpdateExpression).toBe(
      'SET #status = :active, updatedAt = :now, apiUrl = :apiUrl REMOVE failedStep, failureCause',
    );
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':apiUrl': 'https://globex.example.com/prod/' });
  });

  it('lets a refused condition (the tenant row is gone) through unclassified', async () => {
    const refused = conditionFailed();
    const dynamoDb = fakeClient({
      update: () => {
        throw refused;
      },
    });

    await expect(activateTenantWith({ dynamoDb }, POOLED)).rejects.toBe(refused);
  });

  it('turns a throttled update into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const dynamoDb = fakeClient({
      update: () => {
        throw error;
      },
    });

    await expect(activateTenantWith({ dynamoDb }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});
