/** Tenant admins' users API (`/users`), on the control plane; the tenant comes from the authorizer. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseNewUser } from '../../contracts/requests';
import type { TenantRecord } from '../../contracts/tenant-record';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { auditTrail } from '../shared/audit-store';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { parseLimit } from '../shared/pagination';
import { temporaryPassword } from '../shared/passwords';
import { cognitoUserDirectory } from './user-directory';
import { callerTenant, createUser, getUser, setUserEnabled, type UserDeps, type UsersTenant } from './users';

const env = defineEnv(['TENANT_DETAILS_TABLE', 'MAIL_FROM', 'INVITE_TEMPLATE_NAME', 'AUDIT_TABLE']);
const cognito = lazy(() => traced(new CognitoIdentityProviderClient({})));
const ses = lazy(() => traced(new SESv2Client({})));

async function readTenant(tenantId: string): Promise<TenantRecord | undefined> {
  const result = await dynamoDb().send(new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId } }));
  return result.Item as TenantRecord | undefined;
}

/** The caller's tenant, and its users' directory and invitation mail. */
async function contextOf(event: APIGatewayProxyEvent): Promise<{ deps: UserDeps; tenant: UsersTenant }> {
  const tenant = await callerTenant(readTenant, event.requestContext.authorizer?.tenantId as string | undefined);
  const deps: UserDeps = {
    directory: cognitoUserDirectory(cognito(), tenant.userPoolId),
    temporaryPassword,
    sendInvitation: async (invitation) => {
      // The template's variables (users/infra.ts).
      const { tenantName, username, temporaryPassword } = invitation;
      const TemplateData = JSON.stringify({ tenantName, username, temporaryPassword });
      await ses().send(
        new SendEmailCommand({
          FromEmailAddress: env.MAIL_FROM,
          Destination: { ToAddresses: [invitation.email] },
          Content: { Template: { TemplateName: env.INVITE_TEMPLATE_NAME, TemplateData } },
        }),
      );
    },
    markDisabled: async (tenantId, username, disabled) => {
      await dynamoDb().send(
        new UpdateCommand({
          TableName: env.TENANT_DETAILS_TABLE,
          Key: { tenantId },
          UpdateExpression: disabled ? 'ADD disabledUsers :user' : 'DELETE disabledUsers :user',
          ExpressionAttributeValues: { ':user': new Set([username]) },
        }),
      );
    },
  };
  return { deps, tenant };
}

async function toggle(event: APIGatewayProxyEvent, enabled: boolean) {
  const { deps, tenant } = await contextOf(event);
  const caller = String(event.requestContext.authorizer?.username ?? '');
  return json(200, await setUserEnabled(deps, tenant.tenantId, pathParam(event, 'username'), enabled, caller));
}

export const handler = instrumentApi(
  router(
    {
      'GET /users': async (event) => {
        const { deps, tenant } = await contextOf(event);
        const query = event.queryStringParameters;
        return json(200, await deps.directory.list(tenant.tenantId, parseLimit(query), query?.nextToken));
      },
      'POST /users': async (event) => {
        const user = parseNewUser(parseJsonBody(event));
        const { deps, tenant } = await contextOf(event);
        return json(201, await createUser(deps, tenant, user));
      },
      'GET /users/{username}': async (event) => {
        const { deps, tenant } = await contextOf(event);
        return json(200, await getUser(deps, tenant.tenantId, pathParam(event, 'username')));
      },
      'POST /users/{username}/disable': (event) => toggle(event, false),
      'POST /users/{username}/enable': (event) => toggle(event, true),
    },
    (message, error) => logger.error(message, error as Error),
    { audit: (entry) => auditTrail(dynamoDb(), env.AUDIT_TABLE)(entry) },
  ),
);
