/** Rule target CleanupStoppedOnboarding (its own Lambda entry: DynamoDB, Cognito, API Gateway). */
import { APIGatewayClient, DeleteApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import {
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { STOPPED_BY_OPERATOR_ERROR } from '../shared/onboarding-states';
import { tenantNameKey } from '../shared/tenant-names';
import type { TenantRecord } from '../shared/tenant-record';
import { adminUsernameOf, type ExecutionStatusChange, type OnboardingState, tenantsTable } from './step';

const cognito = new CognitoIdentityProviderClient({});
const apiGateway = new APIGatewayClient({});

const ignoreMissing =
  (...names: string[]) =>
  (error: unknown) => {
    if (!names.includes((error as Error).name)) throw error;
  };

/**
 * Rule target for onboarding executions an operator stopped: removes what the execution had
 * created (API key and its plan association, admin user, group, stack mapping, tenant row)
 * and frees the tenant name. Every removal tolerates "already gone", so it can run again.
 */
export async function cleanupStoppedOnboarding(event: ExecutionStatusChange): Promise<{ cleaned: boolean }> {
  if (event.detail.error !== STOPPED_BY_OPERATOR_ERROR) return { cleaned: false };
  const input = JSON.parse(event.detail.input) as OnboardingState;
  const tenant = (
    await dynamoDb().send(
      new GetCommand({ TableName: tenantsTable(), Key: { tenantId: input.tenantId }, ConsistentRead: true }),
    )
  ).Item as TenantRecord | undefined;
  if (tenant?.status === 'ACTIVE') return { cleaned: false };

  const keyName = `tenant-${input.tenantId}`;
  const keys = await apiGateway.send(new GetApiKeysCommand({ nameQuery: keyName }));
  for (const key of keys.items?.filter((item) => item.name === keyName) ?? []) {
    await apiGateway.send(new DeleteApiKeyCommand({ apiKey: key.id })).catch(ignoreMissing('NotFoundException'));
  }
  const userPoolId = requiredEnv('POOLED_USER_POOL_ID');
  await cognito
    .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: adminUsernameOf(input.tenantName) }))
    .catch(ignoreMissing('UserNotFoundException'));
  await cognito
    .send(new DeleteGroupCommand({ UserPoolId: userPoolId, GroupName: input.tenantId }))
    .catch(ignoreMissing('ResourceNotFoundException'));
  await dynamoDb().send(
    new DeleteCommand({ TableName: requiredEnv('TENANT_STACK_MAPPING_TABLE'), Key: { tenantId: input.tenantId } }),
  );
  await dynamoDb().send(new DeleteCommand({ TableName: tenantsTable(), Key: { tenantId: input.tenantId } }));
  await dynamoDb().send(
    new DeleteCommand({
      TableName: requiredEnv('TENANT_NAMES_TABLE'),
      Key: { tenantNameKey: tenantNameKey(input.tenantName) },
      ConditionExpression: 'attribute_not_exists(tenantNameKey) OR tenantId = :tenantId',
      ExpressionAttributeValues: { ':tenantId': input.tenantId },
    }),
  );
  return { cleaned: true };
}
