/** Onboarding step CreateTenantAdmin (its own Lambda entry: Cognito and DynamoDB). */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../shared/aws-clients';
import { temporaryPassword } from '../shared/passwords';
import { adminUsernameOf, identityOf, step, tenantsTable } from './step';

const cognito = new CognitoIdentityProviderClient({});

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
