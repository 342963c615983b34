/**
 * The onboarding state machine's Lambda steps (one function per step, each with only the
 * permissions its step needs). Every step is idempotent: a retried or redriven step finds
 * what an earlier attempt created and returns it instead of creating a second one.
 *
 * The state is the execution input plus what earlier steps added; each handler returns only
 * its own result, which the workflow stores under a key of the state (ResultPath).
 */
import { createHash } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  DeleteGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, isTransientAwsError, requiredEnv } from '../shared/aws-clients';
import { isConditionalCheckFailed } from '../shared/errors';
import { executionHistory } from '../shared/execution-history';
import { failedStepOf } from '../shared/execution-steps';
import { STOPPED_BY_OPERATOR_ERROR, siloStackName } from '../shared/onboarding-states';
import { temporaryPassword } from '../shared/passwords';
import { parseRegistrationRequest, tenantNameKey } from '../shared/tenant-names';
import type { TenantRecord } from '../shared/tenant-record';
import { TIERS, type TierName } from '../shared/tiers';

/** A failure worth retrying (throttling, 5xx, timeouts); the workflow retries it with backoff. */
export class TransientStepError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStepError';
  }
}

/** The registration cannot be onboarded as given; not retried. */
export class InvalidRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRegistrationError';
  }
}

interface OnboardingState {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: TierName;
  readonly email: string;
  readonly companyName?: string;
  readonly admin?: { readonly username: string; readonly userPoolId: string; readonly appClientId: string };
  /** Silo tenants: the user pool and app client created for them (by SDK integration tasks). */
  readonly silo?: {
    readonly pool?: { readonly userPoolId: string };
    readonly client?: { readonly appClientId: string };
  };
  /** Silo tenants: the deployed stack, as the release fan-out reported it. */
  readonly stack?: { readonly apiUrl?: string; readonly usagePlanId?: string; readonly stackName?: string };
}

/** The user pool and app client of the tenant: its own (silo) or the pooled ones. */
function identityOf(state: OnboardingState): { userPoolId: string; appClientId: string } {
  const userPoolId = state.silo?.pool?.userPoolId;
  const appClientId = state.silo?.client?.appClientId;
  if (userPoolId && appClientId) return { userPoolId, appClientId };
  return { userPoolId: requiredEnv('POOLED_USER_POOL_ID'), appClientId: requiredEnv('POOLED_APP_CLIENT_ID') };
}

/** Wraps a step: transient AWS errors become TransientStepError so Retry can match on the name. */
function step<R>(run: (state: OnboardingState) => Promise<R>): (state: OnboardingState) => Promise<R> {
  return async (state) => {
    try {
      return await run(state);
    } catch (error) {
      if (isTransientAwsError(error)) throw new TransientStepError((error as Error).message, { cause: error });
      throw error;
    }
  };
}

const cognito = new CognitoIdentityProviderClient({});
const apiGateway = new APIGatewayClient({});
const ses = new SESv2Client({});
const sfn = new SFNClient({});
const codePipeline = new CodePipelineClient({});
const tenantsTable = () => requiredEnv('TENANT_DETAILS_TABLE');

/** Re-validates the execution input (it can also be started by hand) and resolves the tier's deployment model. */
export const validateRegistration = step(async (state) => {
  try {
    parseRegistrationRequest({
      tenantName: state.tenantName,
      email: state.email,
      tier: state.tier,
      companyName: state.companyName,
    });
  } catch (error) {
    throw new InvalidRegistrationError((error as Error).message);
  }
  if (!state.tenantId || !state.registrationId)
    throw new InvalidRegistrationError('tenantId and registrationId are required');
  return { deploymentModel: TIERS[state.tier].deploymentModel };
});

/** Stores the tenant as ONBOARDING; an existing row of the same registration is success. */
export const storeTenant = step(async (state) => {
  const tenant: TenantRecord = {
    tenantId: state.tenantId,
    tenantName: state.tenantName,
    tenantNameKey: tenantNameKey(state.tenantName),
    tier: state.tier,
    deploymentModel: TIERS[state.tier].deploymentModel,
    status: 'ONBOARDING',
    email: state.email,
    companyName: state.companyName,
    registrationId: state.registrationId,
    createdAt: new Date().toISOString(),
  };
  try {
    await dynamoDb().send(
      new PutCommand({
        TableName: tenantsTable(),
        Item: tenant,
        ConditionExpression: 'attribute_not_exists(tenantId)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await dynamoDb().send(
      new GetCommand({ TableName: tenantsTable(), Key: { tenantId: state.tenantId } }),
    );
    if (existing.Item?.registrationId !== state.registrationId) {
      throw new InvalidRegistrationError(`Tenant ${state.tenantId} belongs to another registration`);
    }
  }
  return { stored: true };
});

/** The tenant admin's username in the pooled pool: unique because tenant names are. */
export function adminUsernameOf(tenantName: string): string {
  return `${tenantNameKey(tenantName)}-admin`;
}

/** Creates the tenant's group and its admin user in its user pool (pooled, or its own). */
export const createTenantAdmin = step(async (state) => {
  const { userPoolId, appClientId } = identityOf(state);
  const username = adminUsernameOf(state.tenantName);
  try {
    await cognito.send(
      new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: state.tenantId, Description: state.tenantName }),
    );
  } catch (error) {
    if ((error as Error).name !== 'GroupExistsException') throw error;
  }
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        // The welcome step sets and mails the real temporary password; this one is discarded.
        TemporaryPassword: temporaryPassword(),
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: state.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tenantId', Value: state.tenantId },
          { Name: 'custom:userRole', Value: 'TenantAdmin' },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
  }
  await cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: state.tenantId }),
  );
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET userPoolId = :pool, appClientId = :client, adminUsername = :username',
      ExpressionAttributeValues: { ':pool': userPoolId, ':client': appClientId, ':username': username },
    }),
  );
  return { username, userPoolId, appClientId };
});

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

/** What the release fan-out reports when a tenant's stack is deployed (SendTaskSuccess output). */
export interface TenantStackDeployed {
  readonly apiUrl: string;
  readonly usagePlanId: string;
  readonly stackName: string;
}

/**
 * Silo tenants (`.waitForTaskToken`): leaves the task token on the tenant's stack mapping and
 * starts the tenant pipeline for just this tenant; the fan-out resumes the onboarding with
 * SendTaskSuccess/Failure when the stack is deployed. If an earlier attempt already got the
 * stack deployed (a redrive), it resumes at once instead of starting another pipeline run.
 */
export async function deployTenantStack(event: { taskToken: string; tenantId: string }): Promise<{ started: boolean }> {
  const mappingTable = requiredEnv('TENANT_STACK_MAPPING_TABLE');
  const row = (
    await dynamoDb().send(
      new GetCommand({ TableName: mappingTable, Key: { tenantId: event.tenantId }, ConsistentRead: true }),
    )
  ).Item;
  if (!row?.stackName) throw new InvalidRegistrationError(`No stack mapping for tenant ${event.tenantId}`);
  if (row.deployedVersion && row.apiUrl && row.usagePlanId) {
    const output: TenantStackDeployed = { apiUrl: row.apiUrl, usagePlanId: row.usagePlanId, stackName: row.stackName };
    await sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken, output: JSON.stringify(output) }));
    return { started: false };
  }
  await dynamoDb().send(
    new UpdateCommand({
      TableName: mappingTable,
      Key: { tenantId: event.tenantId },
      UpdateExpression: 'SET waitingTaskToken = :token',
      ExpressionAttributeValues: { ':token': event.taskToken },
    }),
  );
  await codePipeline.send(
    new StartPipelineExecutionCommand({
      name: requiredEnv('TENANT_PIPELINE_NAME'),
      variables: [{ name: 'tenantId', value: event.tenantId }],
      // One pipeline run per waiting task: a retried invocation does not start a second one.
      clientRequestToken: createHash('sha256').update(event.taskToken).digest('hex').slice(0, 64),
    }),
  );
  return { started: true };
}

/**
 * Sets a fresh temporary password and mails it. The password exists only here and in the
 * mail, never in the execution history. The tenant row remembers the sent mail, so a retry
 * does not send a second one.
 */
export const sendWelcomeMail = step(async (state) => {
  const tenant = await dynamoDb().send(
    new GetCommand({ TableName: tenantsTable(), Key: { tenantId: state.tenantId }, ConsistentRead: true }),
  );
  if (tenant.Item?.welcomeMessageId) return { messageId: tenant.Item.welcomeMessageId as string, alreadySent: true };
  const username = state.admin?.username ?? adminUsernameOf(state.tenantName);
  const userPoolId = state.admin?.userPoolId ?? requiredEnv('POOLED_USER_POOL_ID');
  const password = temporaryPassword();
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: false,
    }),
  );
  const sent = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: requiredEnv('MAIL_FROM'),
      Destination: { ToAddresses: [state.email] },
      Content: {
        Template: {
          TemplateName: requiredEnv('WELCOME_TEMPLATE_NAME'),
          TemplateData: JSON.stringify({ tenantName: state.tenantName, username, temporaryPassword: password }),
        },
      },
    }),
  );
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET welcomeMessageId = :id',
      ExpressionAttributeValues: { ':id': sent.MessageId ?? 'sent' },
    }),
  );
  return { messageId: sent.MessageId ?? 'sent', alreadySent: false };
});

export const activateTenant = step(async (state) => {
  const now = new Date().toISOString();
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      // A silo tenant's API is its own stack's, known only now.
      UpdateExpression: `SET #status = :active, updatedAt = :now${state.stack?.apiUrl ? ', apiUrl = :apiUrl' : ''} REMOVE failedStep, failureCause`,
      ConditionExpression: 'attribute_exists(tenantId)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':active': 'ACTIVE',
        ':now': now,
        ...(state.stack?.apiUrl ? { ':apiUrl': state.stack.apiUrl } : {}),
      },
    }),
  );
  return { status: 'ACTIVE', activatedAt: now };
});

/** The part of EventBridge's "Step Functions Execution Status Change" event the handlers read. */
interface ExecutionStatusChange {
  readonly detail: {
    readonly executionArn: string;
    readonly status: string;
    readonly input: string;
    readonly error?: string | null;
    readonly cause?: string | null;
  };
}

/**
 * Rule target for FAILED / TIMED_OUT onboarding executions: marks the tenant FAILED with the
 * step that failed and its cause. (The tenant row may not exist if validation failed.)
 */
export async function recordOnboardingFailure(event: ExecutionStatusChange): Promise<{ recorded: boolean }> {
  const input = JSON.parse(event.detail.input) as Partial<OnboardingState>;
  if (!input.tenantId) return { recorded: false };
  const failed = failedStepOf(await executionHistory(sfn, event.detail.executionArn));
  const cause = (failed?.error ?? `${event.detail.error ?? 'Error'}: ${event.detail.cause ?? ''}`).slice(0, 1000);
  try {
    await dynamoDb().send(
      new UpdateCommand({
        TableName: tenantsTable(),
        Key: { tenantId: input.tenantId },
        UpdateExpression: 'SET #status = :failed, failedStep = :step, failureCause = :cause, updatedAt = :now',
        // Never downgrade a tenant that a redrive has meanwhile activated.
        ConditionExpression: 'attribute_exists(tenantId) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':active': 'ACTIVE',
          ':step': failed?.name ?? 'unknown',
          ':cause': cause,
          ':now': new Date().toISOString(),
        },
      }),
    );
    return { recorded: true };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { recorded: false };
    throw error;
  }
}

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
