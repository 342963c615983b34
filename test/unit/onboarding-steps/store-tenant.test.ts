import { describe, expect, it } from 'vitest';
import { InvalidRegistrationError } from '../../../functions/onboarding-steps/step';
import { storeTenantWith } from '../../../functions/onboarding-steps/store-tenant';
import { TransientStepError } from '../../../functions/shared/env';
import { conditionFailed, fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

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

    const result = await storeTenantWith({ dynamoDb }, POOLED);

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

    await storeTenantWith({ dynamoDb }, SILO);

    expect(rows.get('tenant-2')).toMatchObject({ tier: 'PLATINUM', deploymentModel: 'silo' });
  });

  it('succeeds when a retry finds the row its earlier attempt stored, and leaves that row as it was', async () => {
    const { dynamoDb, rows } = tenantTable();
    await storeTenantWith({ dynamoDb }, POOLED);
    const stored = rows.get('tenant-1');

    const result = await storeTenantWith({ dynamoDb }, POOLED);

    expect(result).toEqual({ stored: true });
    expect(rows.get('tenant-1')).toBe(stored);
  });

  it('refuses a tenant id whose row belongs to another registration with InvalidRegistrationError', async () => {
    const { dynamoDb } = tenantTable(new Map([['tenant-1', { tenantId: 'tenant-1', registrationId: 'reg-other' }]]));

    const stored = storeTenantWith({ dynamoDb }, POOLED);

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

    await expect(storeTenantWith({ dynamoDb }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});
