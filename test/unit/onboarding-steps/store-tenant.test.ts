import { describe, expect, it } from 'vitest';
import { InvalidRegistrationError } from '../../../functions/onboarding-steps/step';
import { storeTenantWith } from '../../../functions/onboarding-steps/store-tenant';
import { TransientStepError } from '../../../functions/shared/env';
import { LifecycleEventsNotPutError } from '../../../functions/shared/lifecycle-events';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { conditionFailed, fakeClient, fakePublisher, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

/** TenantDetails in memory, refusing a put over an existing row as the step's condition asks. */
function tenantTable(rows = new Map<string, Record<string, unknown>>()) {
  const dynamoDb = fakeClient({
    put: ({ Item, ConditionExpression }) => {
      if (ConditionExpression !== 'attribute_not_exists(tenantId)') throw new Error('unconditional put');
      if (rows.has(Item.tenantId)) throw conditionFailed();
      rows.set(Item.tenantId, Item);
      return {};
    },
    get: ({ Key }) => ({ Item: rows.get(Key.tenantId) }),
  });
  return { dynamoDb, rows };
}

describe('storeTenant', () => {
  it('stores the tenant as ONBOARDING with its tier and deployment model', async () => {
    const { dynamoDb, rows } = tenantTable();

    const result = await storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED);

    expect(result).toEqual({ stored: true });
    expect(rows.get('tenant-1')).toEqual({
      tenantId: 'tenant-1',
      tenantName: 'Acme',
      tenantNameKey: 'acme',
      tier: 'BASIC',
      deploymentModel: 'pool',
      status: 'ONBOARDING',
      email: 'admin@acme.example.com',
      companyName: 'Acme Inc.',
      registrationId: 'reg-1',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(dynamoDb.inputsOf('put')[0]?.TableName).toBe('TenantDetails');
  });

  it('stores a PLATINUM tenant with the silo deployment model', async () => {
    const { dynamoDb, rows } = tenantTable();

    await storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, SILO);

    expect(rows.get('tenant-2')).toMatchObject({ tier: 'PLATINUM', deploymentModel: 'silo' });
  });

  it('succeeds when a retry finds the row its earlier attempt stored, and leaves that row as it was', async () => {
    const { dynamoDb, rows } = tenantTable();
    await storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED);
    const stored = rows.get('tenant-1');

    const result = await storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED);

    expect(result).toEqual({ stored: true });
    expect(rows.get('tenant-1')).toBe(stored);
  });

  it('refuses a tenant id whose row belongs to another registration with InvalidRegistrationError', async () => {
    const { dynamoDb } = tenantTable(new Map([['tenant-1', { tenantId: 'tenant-1', registrationId: 'reg-other' }]]));

    const stored = storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED);

    await expect(stored).rejects.toBeInstanceOf(InvalidRegistrationError);
    await expect(stored).rejects.toMatchObject({
      name: 'InvalidRegistrationError',
      message: 'Tenant tenant-1 belongs to another registration',
      cause: { name: 'ConditionalCheckFailedException' },
    });
  });

  it('turns a throttled write into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const dynamoDb = fakeClient({
      put: () => {
        throw error;
      },
    });

    await expect(storeTenantWith({ dynamoDb, publish: fakePublisher().publish }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});

describe('storeTenant events', () => {
  it('puts onboardingRequest with the tenant record, keyed by the execution, once the tenant is stored', async () => {
    const { dynamoDb, rows } = tenantTable();
    const bus = fakePublisher();

    await storeTenantWith({ dynamoDb, publish: bus.publish }, POOLED);

    expect(rows.has('tenant-1')).toBe(true);
    expect(bus.events).toEqual([
      {
        detailType: 'onboardingRequest',
        detail: {
          eventKey: 'reg-1:onboardingRequest',
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          tenantId: 'tenant-1',
          tenantName: 'Acme',
          tier: 'BASIC',
          deploymentModel: 'pool',
          executionId: 'reg-1',
          tenantRegistrationId: 'reg-1',
          email: 'admin@acme.example.com',
          companyName: 'Acme Inc.',
        },
      },
    ]);
    expect(lifecycleDetailErrors('onboardingRequest', bus.events[0]?.detail)).toEqual([]);
  });

  it('puts the same event again when a retry finds its own row (consumers drop it by eventKey)', async () => {
    const { dynamoDb } = tenantTable();
    const bus = fakePublisher();

    await storeTenantWith({ dynamoDb, publish: bus.publish }, SILO);
    await storeTenantWith({ dynamoDb, publish: bus.publish }, SILO);

    expect(bus.events.map((e) => [e.detailType, e.detail.eventKey, e.detail.deploymentModel])).toEqual([
      ['onboardingRequest', 'reg-2:onboardingRequest', 'silo'],
      ['onboardingRequest', 'reg-2:onboardingRequest', 'silo'],
    ]);
  });

  it('puts nothing for a tenant id that belongs to another registration', async () => {
    const { dynamoDb } = tenantTable(new Map([['tenant-1', { tenantId: 'tenant-1', registrationId: 'other' }]]));
    const bus = fakePublisher();

    await expect(storeTenantWith({ dynamoDb, publish: bus.publish }, POOLED)).rejects.toBeInstanceOf(
      InvalidRegistrationError,
    );
    expect(bus.events).toEqual([]);
  });

  it('turns events EventBridge did not take into TransientStepError, for the Retry', async () => {
    const { dynamoDb } = tenantTable();
    const bus = fakePublisher();
    const notPut = new LifecycleEventsNotPutError('1 of 1 lifecycle events not put');
    bus.fail(notPut);

    await expect(storeTenantWith({ dynamoDb, publish: bus.publish }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('1 of 1 lifecycle events not put', { cause: notPut }),
    );
  });
});
