/**
 * The Cognito side of a tenant's users: the group named after the tenant, in the pool its
 * registry row names (the pooled pool, or a silo tenant's own). The users API reads and changes
 * single users through it; the tenants API enables and disables all of them with a tenant.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TenantUser, UserDirectory } from './users';

/** What the directory calls: Cognito's `send`. */
export type CognitoClient = Pick<CognitoIdentityProviderClient, 'send'>;

/** ListUsersInGroup returns at most 60 users a page. */
const MAX_PAGE_SIZE = 60;

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

function userView(
  username: string | undefined,
  attributes: AttributeType[] | undefined,
  enabled: boolean | undefined,
  status: string | undefined,
  created: Date | undefined,
): TenantUser {
  return {
    username: username as string,
    email: attribute(attributes, 'email'),
    role: attribute(attributes, 'custom:userRole'),
    enabled: enabled !== false,
    status,
    createdAt: created?.toISOString(),
  };
}

/**
 * Listing and switching the tenant's group members: all the tenants API needs, apart from the
 * rest of the directory so that its bundle holds no other Cognito command.
 */
export function cognitoGroupMembers(
  cognito: CognitoClient,
  userPoolId: string,
): Pick<UserDirectory, 'list' | 'setEnabled'> {
  return {
    async list(tenantId, limit, nextToken) {
      const page = await cognito.send(
        new ListUsersInGroupCommand({
          UserPoolId: userPoolId,
          GroupName: tenantId,
          Limit: limit === undefined ? undefined : Math.min(limit, MAX_PAGE_SIZE),
          NextToken: nextToken,
        }),
      );
      return {
        items: (page.Users ?? []).map((u) =>
          userView(u.Username, u.Attributes, u.Enabled, u.UserStatus, u.UserCreateDate),
        ),
        nextToken: page.NextToken,
      };
    },
    async setEnabled(_tenantId, username, enabled) {
      const input = { UserPoolId: userPoolId, Username: username };
      await cognito.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
    },
  };
}

/** The tenant's users in the pool `userPoolId`. */
export function cognitoUserDirectory(cognito: CognitoClient, userPoolId: string): UserDirectory {
  return {
    ...cognitoGroupMembers(cognito, userPoolId),
    async get(tenantId, username) {
      try {
        const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
        // The tenant attribute is written only by admins (never by the app client).
        if (attribute(user.UserAttributes, 'custom:tenantId') !== tenantId) return undefined;
        return userView(user.Username, user.UserAttributes, user.Enabled, user.UserStatus, user.UserCreateDate);
      } catch (error) {
        if ((error as Error).name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },
    async create(tenantId, user, password) {
      try {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: user.username,
            TemporaryPassword: password,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: user.email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'custom:tenantId', Value: tenantId },
              { Name: 'custom:userRole', Value: user.role },
            ],
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'UsernameExistsException') return false;
        throw error;
      }
      await cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.username, GroupName: tenantId }),
      );
      return true;
    },
  };
}
