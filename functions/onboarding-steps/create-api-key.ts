/** Onboarding step CreateApiKey (its own Lambda entry: API Gateway and DynamoDB). */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { lazy } from '../shared/env';
import { env } from './env';
import { type Client, InvalidRegistrationError, type OnboardingState, onboardingStep, step } from './step';

/** What CreateApiKey calls: API Gateway and the tenant registry. */
export interface CreateApiKeyDeps {
  readonly apiGateway: Client<APIGatewayClient>;
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
}

/** Creates the tenant's own API key and puts it on its tier's usage plan (a silo's: its stack's plan). */
export const createApiKeyWith = step(async (deps: CreateApiKeyDeps, state: OnboardingState) => {
  const usagePlanIds = JSON.parse(env.USAGE_PLAN_IDS) as Record<string, string>;
  const usagePlanId = state.stack?.usagePlanId ?? usagePlanIds[state.tier];
  if (!usagePlanId) throw new InvalidRegistrationError(`No usage plan for tier ${state.tier}`);
  const keyName = `tenant-${state.tenantId}`;
  const existing = await deps.apiGateway.send(new GetApiKeysCommand({ nameQuery: keyName, includeValues: true }));
  const key =
    existing.items?.find((item) => item.name === keyName) ??
    (await deps.apiGateway.send(
      new CreateApiKeyCommand({
        name: keyName,
        enabled: true,
        description: `tenantflow tenant ${state.tenantName}`,
        tags: { tenantId: state.tenantId },
      }),
    ));
  try {
    await deps.apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
  } catch (error) {
    // The key is on the plan already (an earlier attempt put it there).
    if ((error as Error).name !== 'ConflictException') throw error;
  }
  await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_DETAILS_TABLE,
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET apiKeyId = :id, apiKeyValue = :value',
      ExpressionAttributeValues: { ':id': key.id, ':value': key.value },
    }),
  );
  return { apiKeyId: key.id, usagePlanId };
});

const apiGateway = lazy(() => traced(new APIGatewayClient({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const createApiKey = onboardingStep((state: OnboardingState) =>
  createApiKeyWith({ apiGateway: apiGateway(), dynamoDb: dynamoDb() }, state),
);
