/** Tenant registry API: public `GET /tenant-config/{tenantName}` and the operators' `/tenants` routes. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../contracts/errors';
import { type TenantRecord, type TenantStatus, tenantView } from '../../contracts/tenant-record';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { isConditionalCheckFailed } from '../shared/conditional-write';
import { json, pathParam, router } from '../shared/http';
import { cognitoEndpointOverride } from '../shared/local-cloud-endpoints';
import { decodeNextToken, encodeNextToken, parseLimit } from '../shared/pagination';
import { tenantNameKey } from '../shared/tenant-names';

const logger = new Logger();
const cognito = new CognitoIdentityProviderClient({});
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');
const TENANT_NAMES_TABLE = requiredEnv('TENANT_NAMES_TABLE');
/** The pooled stack's API: read from the deployment, so it stays right when the stack's URL changes. */
const POOLED_API_URL = requiredEnv('POOLED_API_URL');

async function getTenant(tenantId: string): Promise<TenantRecord> {
  const result = await dynamoDb().send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId } }));
  if (!result.Item) throw new NotFoundError('Tenant');
  return result.Item as TenantRecord;
}

/** Disables or enables every user of the tenant (pool tenants: the members of its group). */
async function setUsersEnabled(tenant: TenantRecord, enabled: boolean): Promise<void> {
  if (!tenant.userPoolId) return;
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(
      new ListUsersInGroupCommand({ UserPoolId: tenant.userPoolId, GroupName: tenant.tenantId, NextToken: nextToken }),
    );
    for (const user of page.Users ?? []) {
      const input = { UserPoolId: tenant.userPoolId, Username: user.Username };
      await cognito.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
    }
    nextToken = page.NextToken;
  } while (nextToken);
}

async function setStatus(tenantId: string, from: TenantStatus, to: TenantStatus) {
  const tenant = await getTenant(tenantId);
  try {
    await dynamoDb().send(
      new UpdateCommand({
        TableName: TENANTS_TABLE,
        Key: { tenantId },
        UpdateExpression: 'SET #status = :to, updatedAt = :now',
        ConditionExpression: '#status IN (:from, :to)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':from': from, ':to': to, ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      throw new ConflictError(`Tenant is not ${from === 'ACTIVE' ? 'active' : 'inactive'}`);
    }
    throw error;
  }
  // After the status: the authorizer refuses an INACTIVE tenant even while users are being disabled.
  await setUsersEnabled(tenant, to === 'ACTIVE');
  return json(200, tenantView(await getTenant(tenantId)));
}

export const handler = router(
  {
    'GET /tenant-config/{tenantName}': async (event) => {
      const name = await dynamoDb().send(
        new GetCommand({
          TableName: TENANT_NAMES_TABLE,
          Key: { tenantNameKey: tenantNameKey(pathParam(event, 'tenantName')) },
        }),
      );
      const tenantId = name.Item?.tenantId as string | undefined;
      const tenant = tenantId
        ? ((await dynamoDb().send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId } }))).Item as
            | TenantRecord
            | undefined)
        : undefined;
      if (!tenant) throw new NotFoundError('Tenant');
      // Set only on the local cloud, where Cognito is not the AWS one.
      const cognitoEndpoint = cognitoEndpointOverride();
      return json(200, {
        tenantId: tenant.tenantId,
        tenantName: tenant.tenantName,
        tier: tenant.tier,
        deploymentModel: tenant.deploymentModel,
        status: tenant.status,
        userPoolId: tenant.userPoolId,
        appClientId: tenant.appClientId,
        apiUrl: tenant.deploymentModel === 'pool' ? POOLED_API_URL : tenant.apiUrl,
        region: process.env.AWS_REGION,
        ...(cognitoEndpoint ? { cognitoEndpoint } : {}),
      });
    },
    'GET /tenants': async (event) => {
      const query = event.queryStringParameters;
      const result = await dynamoDb().send(
        new ScanCommand({
          TableName: TENANTS_TABLE,
          Limit: parseLimit(query),
          ExclusiveStartKey: decodeNextToken(query?.nextToken),
        }),
      );
      const items = (result.Items ?? []).map((item) => tenantView(item as TenantRecord));
      return json(200, { items, nextToken: encodeNextToken(result.LastEvaluatedKey) });
    },
    'GET /tenants/{tenantId}': async (event) => json(200, tenantView(await getTenant(pathParam(event, 'tenantId')))),
    'POST /tenants/{tenantId}/deactivate': async (event) =>
      setStatus(pathParam(event, 'tenantId'), 'ACTIVE', 'INACTIVE'),
    'POST /tenants/{tenantId}/activate': async (event) => setStatus(pathParam(event, 'tenantId'), 'INACTIVE', 'ACTIVE'),
  },
  (message, error) => logger.error(message, error as Error),
);
