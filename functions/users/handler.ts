/** Tenant admins' users API (`/users`), on the control plane; the tenant comes from the authorizer. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, ForbiddenError, NotFoundError } from '../../contracts/errors';
import { parseNewUser } from '../../contracts/requests';
import type { TenantRecord } from '../../contracts/tenant-record';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { parseLimit } from '../shared/pagination';
import { temporaryPassword } from '../shared/passwords';
import { createUser, getUser, setUserEnabled, type TenantUser, type UserDeps, type UserDirectory } from './users';

const logger = new Logger();
const cognito = new CognitoIdentityProviderClient({});
const ses = new SESv2Client({});
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

function userView(
  username: string,
  attributes: AttributeType[] | undefined,
  enabled: boolean | undefined,
  status?: string,
  created?: Date,
): TenantUser {
  return {
    username,
    email: attribute(attributes, 'email'),
    role: attribute(attributes, 'custom:userRole'),
    enabled: enabled !== false,
    status,
    createdAt: created?.toISOString(),
  };
}

/**
 * A tenant's users live in the pool its registry row names (the pooled pool, or a silo tenant's
 * own), in the group named after the tenant.
 */
function cognitoDirectory(tenant: TenantRecord): UserDirectory {
  const UserPoolId = tenant.userPoolId as string;
  return {
    async list(tenantId, limit, nextToken) {
      const page = await cognito.send(
        new ListUsersInGroupCommand({ UserPoolId, GroupName: tenantId, Limit: limit, NextToken: nextToken }),
      );
      return {
        items: (page.Users ?? []).map((u) =>
          userView(u.Username as string, u.Attributes, u.Enabled, u.UserStatus, u.UserCreateDate),
        ),
        nextToken: page.NextToken,
      };
    },
    async get(tenantId, username) {
      try {
        const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: username }));
        // The tenant attribute is written only by admins (never by the app client).
        if (attribute(user.UserAttributes, 'custom:tenantId') !== tenantId) return undefined;
        return userView(
          user.Username as string,
          user.UserAttributes,
          user.Enabled,
          user.UserStatus,
          user.UserCreateDate,
        );
      } catch (error) {
        if ((error as Error).name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },
    async create(tenantId, user, password) {
      try {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
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
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: user.username, GroupName: tenantId }));
      return true;
    },
    async setEnabled(_tenantId, username, enabled) {
      const input = { UserPoolId, Username: username };
      await cognito.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
    },
  };
}

async function contextOf(event: APIGatewayProxyEvent): Promise<{ deps: UserDeps; tenantId: string; caller: string }> {
  const tenantId = event.requestContext.authorizer?.tenantId as string | undefined;
  if (!tenantId) throw new ForbiddenError('Only tenant admins manage users');
  const tenant = (await dynamoDb().send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId } }))).Item as
    | TenantRecord
    | undefined;
  if (!tenant?.userPoolId) throw new NotFoundError('Tenant');
  const deps: UserDeps = {
    directory: cognitoDirectory(tenant),
    temporaryPassword: () => temporaryPassword(),
    sendInvitation: async (user, password) => {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: requiredEnv('MAIL_FROM'),
          Destination: { ToAddresses: [user.email] },
          Content: {
            Template: {
              TemplateName: requiredEnv('INVITE_TEMPLATE_NAME'),
              TemplateData: JSON.stringify({
                tenantName: tenant.tenantName,
                username: user.username,
                temporaryPassword: password,
              }),
            },
          },
        }),
      );
    },
  };
  return { deps, tenantId, caller: String(event.requestContext.authorizer?.username ?? '') };
}

async function toggle(event: APIGatewayProxyEvent, enabled: boolean) {
  const { deps, tenantId, caller } = await contextOf(event);
  const username = pathParam(event, 'username');
  if (!enabled && username.toLowerCase() === caller.toLowerCase())
    throw new ConflictError('You cannot disable your own user');
  return json(200, await setUserEnabled(deps, tenantId, username, enabled));
}

export const handler = router(
  {
    'GET /users': async (event) => {
      const { deps, tenantId } = await contextOf(event);
      const query = event.queryStringParameters;
      return json(200, await deps.directory.list(tenantId, Math.min(parseLimit(query), 60), query?.nextToken));
    },
    'POST /users': async (event) => {
      const user = parseNewUser(parseJsonBody(event));
      const { deps, tenantId } = await contextOf(event);
      return json(201, await createUser(deps, tenantId, user));
    },
    'GET /users/{username}': async (event) => {
      const { deps, tenantId } = await contextOf(event);
      return json(200, await getUser(deps, tenantId, pathParam(event, 'username')));
    },
    'POST /users/{username}/disable': (event) => toggle(event, false),
    'POST /users/{username}/enable': (event) => toggle(event, true),
  },
  (message, error) => logger.error(message, error as Error),
);
