import { describe, expect, it } from 'vitest';
import { writeStackMappingWith } from '../../../functions/onboarding-steps/write-stack-mapping';
import { TransientStepError } from '../../../functions/shared/env';
import { fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

const tables = () => fakeClient({ put: () => ({}), update: () => ({}) });

describe('writeStackMapping', () => {
  it("maps a pooled tenant to the pooled stack and gives the tenant row the pooled stack's API URL", async () => {
    const dynamoDb = tables();

    const result = await writeStackMappingWith({ dynamoDb }, POOLED);

    expect(result).toEqual({ stackName: 'tenantflow-pooled', apiUrl: 'https://pooled.example.com/prod/' });
    expect(dynamoDb.inputsOf('put')).toEqual([
      {
        TableName: 'TenantStackMapping',
        Item: {
          tenantId: 'tenant-1',
          stackName: 'tenantflow-pooled',
          deploymentModel: 'pool',
          apiUrl: 'https://pooled.example.com/prod/',
          updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 'tenant-1' },
        UpdateExpression: 'SET apiUrl = :apiUrl',
        ExpressionAttributeValues: { ':apiUrl': 'https://pooled.example.com/prod/' },
      },
    ]);
  });

  it('maps a silo tenant to its own stack with the parameters the release fan-out deploys it with', async () => {
    const dynamoDb = tables();

    const result = await writeStackMappingWith({ dynamoDb }, SILO);

    expect(result).toEqual({ stackName: 'tenantflow-silo-tenant-2' });
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantStackMapping',
        Key: { tenantId: 'tenant-2' },
        UpdateExpression:
          'SET stackName = :stack, deploymentModel = :silo, stackParameters = :parameters, updatedAt = :now',
        ExpressionAttributeValues: {
          ':stack': 'tenantflow-silo-tenant-2',
          ':silo': 'silo',
          ':parameters': { TenantId: 'tenant-2', UserPoolId: 'us-east-1_globex', AppClientId: 'globex-client' },
          ':now': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
  });

  it('updates a silo mapping in place, never replacing it, so a redrive keeps what the fan-out recorded on it', async () => {
    const dynamoDb = tables();
    await writeStackMappingWith({ dynamoDb }, SILO);

    await writeStackMappingWith({ dynamoDb }, SILO);

    expect(dynamoDb.sent.map((s) => s.command)).toEqual(['update', 'update']);
  });

  it('turns a throttled write into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const dynamoDb = fakeClient({
      put: () => {
        throw error;
      },
    });

    await expect(writeStackMappingWith({ dynamoDb }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});
