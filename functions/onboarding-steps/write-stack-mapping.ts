/** Onboarding step WriteStackMapping (its own Lambda entry: DynamoDB only). */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { siloStackName } from '../../contracts/onboarding-states';
import { TIERS } from '../../contracts/tiers';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { identityOf, step, tenantsTable } from './step';

/** Records which stack serves the tenant (pool tenants: the pooled stack). */
export const writeStackMapping = step(async (state) => {
  const mappingTable = requiredEnv('TENANT_STACK_MAPPING_TABLE');
  const now = new Date().toISOString();
  if (TIERS[state.tier].deploymentModel === 'silo') {
    // The tenant's own stack: the release fan-out deploys it with these parameters. An update,
    // so a redrive keeps what the fan-out recorded (deployed version, waiting task token).
    const { userPoolId, appClientId } = identityOf(state);
    const stackName = siloStackName(state.tenantId);
    await dynamoDb().send(
      new UpdateCommand({
        TableName: mappingTable,
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
  const stackName = requiredEnv('POOLED_STACK_NAME');
  const apiUrl = requiredEnv('POOLED_API_URL');
  await dynamoDb().send(
    new PutCommand({
      TableName: mappingTable,
      Item: { tenantId: state.tenantId, stackName, deploymentModel: 'pool', apiUrl, updatedAt: now },
    }),
  );
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET apiUrl = :apiUrl',
      ExpressionAttributeValues: { ':apiUrl': apiUrl },
    }),
  );
  return { stackName, apiUrl };
});
