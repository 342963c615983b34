/** Onboarding step WriteStackMapping (its own Lambda entry: DynamoDB only). */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { siloStackName } from '../../contracts/onboarding-states';
import { TIERS } from '../../contracts/tiers';
import { dynamoDb } from '../shared/aws-clients';
import { env } from './env';
import { type Client, identityOf, type OnboardingState, onboardingStep, step } from './step';

/** What WriteStackMapping calls: TenantStackMapping and the tenant registry. */
export interface WriteStackMappingDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
}

/** Records which stack serves the tenant (pool tenants: the pooled stack). */
export const writeStackMappingWith = step(async (deps: WriteStackMappingDeps, state: OnboardingState) => {
  const now = new Date().toISOString();
  if (TIERS[state.tier].deploymentModel === 'silo') {
    // The tenant's own stack: the release fan-out deploys it with these parameters. An update,
    // so a redrive keeps what the fan-out recorded (deployed version, waiting task token).
    const { userPoolId, appClientId } = identityOf(state);
    const stackName = siloStackName(state.tenantId);
    await deps.dynamoDb.send(
      new UpdateCommand({
        TableName: env.TENANT_STACK_MAPPING_TABLE,
        Key: { tenantId: state.tenantId },
        UpdateExpression:
          'SET stackName = :stack, deploymentModel = :silo, stackParameters = :parameters, updatedAt = :now',
        ExpressionAttributeValues: {
          ':stack': stackName,
          ':silo': 'silo',
          ':parameters': { TenantId: state.tenantId, UserPoolId: userPoolId, AppClientId: appClientId },
          ':now': now,
        },
      }),
    );
    return { stackName };
  }
  const stackName = env.POOLED_STACK_NAME;
  const apiUrl = env.POOLED_API_URL;
  await deps.dynamoDb.send(
    new PutCommand({
      TableName: env.TENANT_STACK_MAPPING_TABLE,
      Item: { tenantId: state.tenantId, stackName, deploymentModel: 'pool', apiUrl, updatedAt: now },
    }),
  );
  await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_DETAILS_TABLE,
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET apiUrl = :apiUrl',
      ExpressionAttributeValues: { ':apiUrl': apiUrl },
    }),
  );
  return { stackName, apiUrl };
});

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const writeStackMapping = onboardingStep((state: OnboardingState) =>
  writeStackMappingWith({ dynamoDb: dynamoDb() }, state),
);
