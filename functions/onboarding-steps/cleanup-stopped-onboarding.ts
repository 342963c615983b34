/** First step of the stopped-onboarding cleanup workflow (its own Lambda entry: DynamoDB, Cognito, API Gateway, Step Functions). */
import { APIGatewayClient, DeleteApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ONBOARDING_STATES, STOPPED_BY_OPERATOR_ERROR, siloStackName } from '../../contracts/onboarding-states';
import { tenantNameKey } from '../../contracts/rules';
import type { TenantRecord } from '../../contracts/tenant-record';
import { isTierName, TIERS } from '../../contracts/tiers';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { lazy } from '../shared/env';
import { executionHistory } from '../shared/execution-history';
import { env } from './env';
import {
  adminUsernameOf,
  type Client,
  type ExecutionHistory,
  type ExecutionStatusChange,
  type OnboardingState,
  statusChangeTarget,
} from './step';

/** What the workflow deletes next for a silo tenant (SDK integrations): its stack, and its user pool if one was made. */
export interface SiloLeftovers {
  readonly stackName: string;
  readonly userPoolId?: string;
}

/** What the cleanup calls: the registry tables, API Gateway, the pooled pool and the stopped execution's history. */
export interface CleanupStoppedOnboardingDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly apiGateway: Client<APIGatewayClient>;
  readonly cognito: Client<CognitoIdentityProviderClient>;
  readonly executionHistory: ExecutionHistory;
}

/** The user pool CreateTenantUserPool made, read from the stopped execution's history. */
async function siloUserPoolOf(history: ExecutionHistory, executionArn: string): Promise<string | undefined> {
  for (const event of await history(executionArn)) {
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
export async function cleanupStoppedOnboardingWith(
  deps: CleanupStoppedOnboardingDeps,
  event: ExecutionStatusChange,
): Promise<{ cleaned: boolean; silo?: SiloLeftovers }> {
  if (event.detail.error !== STOPPED_BY_OPERATOR_ERROR) return { cleaned: false };
  const input = JSON.parse(event.detail.input) as OnboardingState;
  const tenant = (
    await deps.dynamoDb.send(
      new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId: input.tenantId }, ConsistentRead: true }),
    )
  ).Item as TenantRecord | undefined;
  if (tenant?.status === 'ACTIVE') return { cleaned: false };

  const keyName = `tenant-${input.tenantId}`;
  const keys = await deps.apiGateway.send(new GetApiKeysCommand({ nameQuery: keyName }));
  for (const key of keys.items?.filter((item) => item.name === keyName) ?? []) {
    await deps.apiGateway.send(new DeleteApiKeyCommand({ apiKey: key.id })).catch(ignoreMissing('NotFoundException'));
  }
  const silo = isTierName(input.tier) && TIERS[input.tier].deploymentModel === 'silo';
  // A silo tenant's admin and group live in its own pool, which the workflow deletes whole.
  if (!silo) {
    const userPoolId = env.POOLED_USER_POOL_ID;
    // The admin this onboarding made (its row names it); never a user of another tenant under that name.
    const username = tenant?.adminUsername ?? adminUsernameOf(input.tenantName);
    const admin = await deps.cognito
      .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))
      .catch(ignoreMissing('UserNotFoundException'));
    const owner = admin?.UserAttributes?.find((attribute) => attribute.Name === 'custom:tenantId')?.Value;
    if (owner === input.tenantId) {
      await deps.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }))
        .catch(ignoreMissing('UserNotFoundException'));
    }
    await deps.cognito
      .send(new DeleteGroupCommand({ UserPoolId: userPoolId, GroupName: input.tenantId }))
      .catch(ignoreMissing('ResourceNotFoundException'));
  }
  await deps.dynamoDb.send(
    new DeleteCommand({ TableName: env.TENANT_STACK_MAPPING_TABLE, Key: { tenantId: input.tenantId } }),
  );
  await deps.dynamoDb.send(
    new DeleteCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId: input.tenantId } }),
  );
  await deps.dynamoDb.send(
    new DeleteCommand({
      TableName: env.TENANT_NAMES_TABLE,
      Key: { tenantNameKey: tenantNameKey(input.tenantName) },
      ConditionExpression: 'attribute_not_exists(tenantNameKey) OR tenantId = :tenantId',
      ExpressionAttributeValues: { ':tenantId': input.tenantId },
    }),
  );
  if (!silo) return { cleaned: true };
  const userPoolId = await siloUserPoolOf(deps.executionHistory, event.detail.executionArn);
  return { cleaned: true, silo: { stackName: siloStackName(input.tenantId), ...(userPoolId ? { userPoolId } : {}) } };
}

const apiGateway = lazy(() => traced(new APIGatewayClient({})));
const cognito = lazy(() => traced(new CognitoIdentityProviderClient({})));
const sfn = lazy(() => traced(new SFNClient({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const cleanupStoppedOnboarding = statusChangeTarget((event: ExecutionStatusChange) =>
  cleanupStoppedOnboardingWith(
    {
      dynamoDb: dynamoDb(),
      apiGateway: apiGateway(),
      cognito: cognito(),
      executionHistory: (executionArn) => executionHistory(sfn(), executionArn),
    },
    event,
  ),
);
