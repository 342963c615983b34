import { describe, expect, it } from 'vitest';
import { activateTenantWith } from '../../../functions/onboarding-steps/activate-tenant';
import { TransientStepError } from '../../../functions/shared/env';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { conditionFailed, fakeClient, fakePublisher, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

describe('activateTenant', () => {
  it('marks the tenant ACTIVE and clears an earlier failure, on an existing row only', async () => {
    const dynamoDb = fakeClient({ update: () => ({}) });

    const result = await activateTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED);

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

    const result = await activateTenantWith(
      { dynamoDb, publish: fakePublisher().publish, onboarded: (ms) => durations.push(ms) },
      POOLED,
    );

    expect(durations).toEqual([Date.parse(result.activatedAt) - Date.parse(createdAt)]);
  });

  it("records a silo tenant's API URL, known only once its stack is deployed", async () => {
    const dynamoDb = fakeClient({ update: () => ({}) });

    await activateTenantWith(
      { dynamoDb, publish: fakePublisher().publish },
      { ...SILO, stack: { apiUrl: 'https://globex.example.com/prod/' } },
    );

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

    await expect(activateTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED)).rejects.toBe(refused);
  });

  it('turns a throttled update into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const dynamoDb = fakeClient({
      update: () => {
        throw error;
      },
    });

    await expect(activateTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});

describe('activateTenant events', () => {
  it('puts provisionSuccess before the tenant is ACTIVE and onboardingSuccess after', async () => {
    const order: string[] = [];
    const dynamoDb = fakeClient({
      update: () => {
        order.push('update');
        return { Attributes: { apiUrl: 'https://pooled.example.com/prod/' } };
      },
    });
    const bus = fakePublisher();
    const publish: typeof bus.publish = async (...events) => {
      order.push(...events.map((e) => e.detailType));
      await bus.publish(...events);
    };
    const state = { ...POOLED, stack: { stackName: 'tenantflow-pooled', apiUrl: 'https://pooled.example.com/prod/' } };

    await activateTenantWith({ dynamoDb, publish }, state);

    expect(order).toEqual(['provisionSuccess', 'update', 'onboardingSuccess']);
    const [provisioned, onboarded] = bus.events;
    expect(provisioned?.detail).toMatchObject({
      eventKey: 'reg-1:provisionSuccess',
      executionId: 'reg-1',
      deploymentModel: 'pool',
      apiUrl: 'https://pooled.example.com/prod/',
      jobOutput: { tenantData: { deploymentModel: 'pool', stackName: 'tenantflow-pooled' } },
    });
    expect(onboarded?.detail).toMatchObject({ eventKey: 'reg-1:onboardingSuccess', tenantId: 'tenant-1' });
    for (const event of bus.events) expect(lifecycleDetailErrors(event.detailType, event.detail)).toEqual([]);
  });

  it("names a silo tenant's own API in its events", async () => {
    const dynamoDb = fakeClient({ update: () => ({}) });
    const bus = fakePublisher();

    await activateTenantWith(
      { dynamoDb, publish: bus.publish },
      { ...SILO, stack: { apiUrl: 'https://globex.example.com/prod/', stackName: 'tenantflow-tenant-tenant-2' } },
    );

    expect(
      bus.events.map((e) => [e.detailType, e.detail.deploymentModel, 'apiUrl' in e.detail && e.detail.apiUrl]),
    ).toEqual([
      ['provisionSuccess', 'silo', 'https://globex.example.com/prod/'],
      ['onboardingSuccess', 'silo', 'https://globex.example.com/prod/'],
    ]);
  });

  it('puts no onboardingSuccess when the tenant could not be activated', async () => {
    const dynamoDb = fakeClient({
      update: () => {
        throw conditionFailed();
      },
    });
    const bus = fakePublisher();

    await expect(activateTenantWith({ dynamoDb, publish: bus.publish }, POOLED)).rejects.toThrow();

    expect(bus.events.map((e) => e.detailType)).toEqual(['provisionSuccess']);
  });
});
