/** Onboarding step CreateApiKey (its own Lambda entry: API Gateway and DynamoDB). */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { InvalidRegistrationError, step, tenantsTable } from './step';

const apiGateway = new APIGatewayClient({});

/** Creates the tenant's own API key and puts it on its tier's usage plan (a silo's: its stack's plan). */
export const createApiKey = step(async (state) => {
  const usagePlanIds = JSON.parse(requiredEnv('USAGE_PLAN_IDS')) as Record<string, string>;
  const usagePlanId = state.stack?.usagePlanId ?? usagePlanIds[state.tier];
  if (!usagePlanId) throw new InvalidRegistrationError(`No usage plan for tier ${state.tier}`);
  const keyName = `tenant-${state.tenantId}`;
  const existing = await apiGateway.send(new GetApiKeysCommand({ nameQuery: keyName, includeValues: true }));
  const key =
    existing.items?.find((item) => item.name === keyName) ??
    (await apiGateway.send(
      new CreateApiKeyCommand({
        name: keyName,
        enabled: true,
        description: `tenantflow tenant ${state.tenantName}`,
        tags: { tenantId: state.tenantId },
      }),
    ));
  try {
    await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
  } catch (error) {
    if ((error as Error).name !== 'ConflictException') throw error;
  }
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET apiKeyId = :id, apiKeyValue = :value',
      ExpressionAttributeValues: { ':id': key.id, ':value': key.value },
    }),
  );
  return { apiKeyId: key.id, usagePlanId };
});
