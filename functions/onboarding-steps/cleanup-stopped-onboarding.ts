/** First step of the stopped-onboarding cleanup workflow (its own Lambda entry: DynamoDB, Cognito, API Gateway, Step Functions). */
import { APIGatewayClient, DeleteApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import {
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ONBOARDING_STATES, STOPPED_BY_OPERATOR_ERROR, siloStackName } from '../../contracts/onboarding-states';
import type { TenantRecord } from '../../contracts/tenant-record';
import { isTierName, TIERS } from '../../contracts/tiers';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { executionHistory } from '../shared/execution-history';
import { tenantNameKey } from '../shared/tenant-names';
import { adminUsernameOf, type ExecutionStatusChange, type OnboardingState, tenantsTable } from './step';

const cognito = new CognitoIdentityProviderClient({});
const apiGateway = new APIGatewayClient({});
const sfn = new SFNClient({});

/** What the workflow deletes next for a silo tenant (SDK integrations): its stack, and its user pool if one was made. */
export interface SiloLeftovers {
  readonly stackName: string;
  readonly userPoolId?: string;
}

/** The user pool CreateTenantUserPool made, read from the stopped execution's history. */
async function siloUserPoolOf(executionArn: string): Promise<string | undefined> {
  for (const event of await executionHistory(sfn, executionArn)) {
    const exited = event.stateExitedEventDetails;
    if (exited?.name !== ONBOARDING_STATES.createTenantUserPool || !exited.output) continue;
    const state = JSON.parse(exited.output) as OnboardingState;
    return state.silo?.pool?.userPoolId;
  }
  return undefined;
}

const ignoreMissing =
  (...names: string[]) =>
  (error: unknown) => {
    if (!names.includes((error as Error).name)) throw error;
  };

/**
 * For onboarding executions an operator stopped: removes what the execution had created in the
 * registry, API Gateway and the pooled pool (API key and its plan association, admin user,
 * group, stack mapping, tenant row) and frees the tenant name; for a silo tenant it names the
 * stack and user pool the workflow deletes next. Every removal tolerates "already gone", so it
 * can run again.
 */
export async function cleanupStoppedOnboarding(
  event: ExecutionStatusChange,
): Promise<{ cleaned: boolean; silo?: SiloLeftovers }> {
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
  const silo = isTierName(input.tier) && TIERS[input.tier].deploymentModel === 'silo';
  // A silo tenant's admin and group live in its own pool, which the workflow deletes whole.
  if (!silo) {
    const userPoolId = requiredEnv('POOLED_USER_POOL_ID');
    await cognito
      .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: adminUsernameOf(input.tenantName) }))
      .catch(ignoreMissing('UserNotFoundException'));
    await cognito
      .send(new DeleteGroupCommand({ UserPoolId: userPoolId, GroupName: input.tenantId }))
      .catch(ignoreMissing('ResourceNotFoundException'));
  }
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
  if (!silo) return { cleaned: true };
  const userPoolId = await siloUserPoolOf(event.detail.executionArn);
  return { cleaned: true, silo: { stackName: siloStackName(input.tenantId), ...(userPoolId ? { userPoolId } : {}) } };
}
