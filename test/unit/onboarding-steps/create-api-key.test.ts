import { describe, expect, it } from 'vitest';
import { createApiKeyWith } from '../../../functions/onboarding-steps/create-api-key';
import { InvalidRegistrationError } from '../../../functions/onboarding-steps/step';
import { TransientStepError } from '../../../functions/shared/env';
import { awsError, fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

interface ApiKey {
  id: string;
  name: string;
  value: string;
}

/** API Gateway's keys and usage plan keys in memory; a key already on a plan is a ConflictException, as on AWS. */
function apiGatewayHolding(keys: ApiKey[] = []) {
  const planKeys = new Set<string>();
  const apiGateway = fakeClient({
    // nameQuery matches name prefixes, as on AWS.
    getApiKeys: ({ nameQuery }) => ({ items: keys.filter((key) => key.name.startsWith(nameQuery)) }),
    createApiKey: ({ name }) => {
      const key = { id: `key-${keys.length + 1}`, name, value: `value-${keys.length + 1}` };
      keys.push(key);
      return key;
    },
    createUsagePlanKey: ({ usagePlanId, keyId }) => {
      if (planKeys.has(`${usagePlanId} ${keyId}`)) throw awsError('ConflictException', 'Usage plan key exists');
      planKeys.add(`${usagePlanId} ${keyId}`);
      return {};
    },
  });
  return { apiGateway, keys, planKeys };
}

const registry = () => fakeClient({ update: () => ({}) });

describe('createApiKey', () => {
  it("creates the tenant's key, puts it on its tier's usage plan and saves it on the tenant row", async () => {
    const { apiGateway, planKeys } = apiGatewayHolding();
    const dynamoDb = registry();

    const result = await createApiKeyWith({ apiGateway, dynamoDb }, POOLED);

    expect(result).toEqual({ apiKeyId: 'key-1', usagePlanId: 'plan-basic' });
    expect(apiGateway.inputsOf('createApiKey')).toEqual([
      { name: 'tenant-tenant-1', enabled: true, description: 'tenantflow tenant Acme', tags: { tenantId: 'tenant-1' } },
    ]);
    expect([...planKeys]).toEqual(['plan-basic key-1']);
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 'tenant-1' },
        UpdateExpression: 'SET apiKeyId = :id, apiKeyValue = :value',
        ExpressionAttributeValues: { ':id': 'key-1', ':value': 'value-1' },
      },
    ]);
  });

  it("puts a silo tenant's key on its own stack's usage plan", async () => {
    const { apiGateway, planKeys } = apiGatewayHolding();

    const result = await createApiKeyWith(
      { apiGateway, dynamoDb: registry() },
      { ...SILO, stack: { usagePlanId: 'plan-globex' } },
    );

    expect(result.usagePlanId).toBe('plan-globex');
    expect([...planKeys]).toEqual(['plan-globex key-1']);
  });

  it('returns the existing key when a retry finds it, creating no second key and treating the plan conflict as done', async () => {
    const { apiGateway, keys } = apiGatewayHolding();
    const dynamoDb = registry();
    const first = await createApiKeyWith({ apiGateway, dynamoDb }, POOLED);

    const retried = await createApiKeyWith({ apiGateway, dynamoDb }, POOLED);

    expect(retried).toEqual(first);
    expect(keys).toHaveLength(1);
    expect(apiGateway.inputsOf('createApiKey')).toHaveLength(1);
    expect(dynamoDb.inputsOf('update')[1]?.ExpressionAttributeValues).toEqual({
      ':id': 'key-1',
      ':value': 'value-1',
    });
  });

  it("creates the tenant's key when only another tenant's key shares its name as a prefix", async () => {
    const { apiGateway, keys } = apiGatewayHolding([{ id: 'key-10', name: 'tenant-tenant-10', value: 'other' }]);

    const result = await createApiKeyWith({ apiGateway, dynamoDb: registry() }, POOLED);

    expect(result.apiKeyId).toBe('key-2');
    expect(keys.map((key) => key.name)).toEqual(['tenant-tenant-10', 'tenant-tenant-1']);
  });

  it('refuses a tier without a usage plan with InvalidRegistrationError, before calling API Gateway', async () => {
    const apiGateway = fakeClient();

    const created = createApiKeyWith({ apiGateway, dynamoDb: registry() }, SILO);

    await expect(created).rejects.toStrictEqual(new InvalidRegistrationError('No usage plan for tier PLATINUM'));
    expect(apiGateway.sent).toEqual([]);
  });

  it('lets a usage plan refusal other than a conflict through, and saves no key', async () => {
    const refused = awsError('NotFoundException', 'Invalid Usage Plan ID specified', 404);
    const apiGateway = fakeClient({
      getApiKeys: () => ({ items: [] }),
      createApiKey: ({ name }) => ({ id: 'key-1', name, value: 'value-1' }),
      createUsagePlanKey: () => {
        throw refused;
      },
    });
    const dynamoDb = registry();

    await expect(createApiKeyWith({ apiGateway, dynamoDb }, POOLED)).rejects.toBe(refused);
    expect(dynamoDb.sent).toEqual([]);
  });

  it('turns a throttled API Gateway call into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const apiGateway = fakeClient({
      getApiKeys: () => {
        throw error;
      },
    });

    await expect(createApiKeyWith({ apiGateway, dynamoDb: registry() }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});
