/** Onboarding step CreateTenantAdmin (its own Lambda entry: Cognito and DynamoDB). */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { lazy } from '../shared/env';
import { temporaryPassword } from '../shared/passwords';
import { env } from './env';
import {
  adminUsernameOf,
  type Client,
  fallbackAdminUsernameOf,
  InvalidRegistrationError,
  identityOf,
  type OnboardingState,
  onboardingStep,
  step,
} from './step';

/** What CreateTenantAdmin calls: Cognito and the tenant registry. */
export interface CreateTenantAdminDeps {
  readonly cognito: Client<CognitoIdentityProviderClient>;
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
}

/**
 * Creates this tenant's admin as `username`; resolves false when the name is held by a user of
 * another tenant. A user of this tenant under that name is an earlier attempt's: it is adopted.
 */
async function createAdminUser(
  deps: CreateTenantAdminDeps,
  state: OnboardingState,
  userPoolId: string,
  username: string,
): Promise<boolean> {
  try {
    await deps.cognito.send(
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
    return true;
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
  }
  const existing = await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  const owner = existing.UserAttributes?.find((attribute) => attribute.Name === 'custom:tenantId')?.Value;
  return owner === state.tenantId;
}

/**
 * Creates the tenant's group and its admin user in its user pool (pooled, or its own). Never
 * adopts another tenant's user: if `<tenant>-admin` was taken before this tenant existed (a
 * pre-claim), the admin gets the tenant-unique fallback name, which the welcome mail carries.
 */
export const createTenantAdminWith = step(async (deps: CreateTenantAdminDeps, state: OnboardingState) => {
  const { userPoolId, appClientId } = identityOf(state);
  try {
    await deps.cognito.send(
      new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: state.tenantId, Description: state.tenantName }),
    );
  } catch (error) {
    if ((error as Error).name !== 'GroupExistsException') throw error;
  }
  let username = adminUsernameOf(state.tenantName);
  if (!(await createAdminUser(deps, state, userPoolId, username))) {
    username = fallbackAdminUsernameOf(state.tenantName, state.tenantId);
    if (!(await createAdminUser(deps, state, userPoolId, username)))
      throw new InvalidRegistrationError(`Both admin usernames of tenant ${state.tenantId} belong to other tenants`);
  }
  await deps.cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: state.tenantId }),
  );
  await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_DETAILS_TABLE,
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET userPoolId = :pool, appClientId = :client, adminUsername = :username',
      ExpressionAttributeValues: { ':pool': userPoolId, ':client': appClientId, ':username': username },
    }),
  );
  return { username, userPoolId, appClientId };
});

const cognito = lazy(() => traced(new CognitoIdentityProviderClient({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const createTenantAdmin = onboardingStep((state: OnboardingState) =>
  createTenantAdminWith({ cognito: cognito(), dynamoDb: dynamoDb() }, state),
);
