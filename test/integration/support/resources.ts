/** Counts what onboarding created for a tenant, straight from the emulators (for idempotency checks). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  APIGatewayClient,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import {
  ListUserPoolsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { cloud, cognitoClient, outbox } from './client';

const credentials = { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' };

export interface TenantResources {
  readonly adminUsers: number;
  readonly groupMembers: number;
  readonly apiKeys: number;
  readonly usagePlanKeys: number;
  readonly tenantRows: number;
  readonly mappingRows: number;
  readonly nameReservations: number;
  readonly welcomeMails: number;
}

async function countRows(tableFragment: string, attribute: string, value: string): Promise<number> {
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: cloud().dynamoDbEndpoint, credentials });
  const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const tables = (await dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
  const table = tables.find((name) => name.includes(tableFragment));
  if (!table) throw new Error(`No table like ${tableFragment}`);
  const result = await dynamo.send(
    new ScanCommand({
      TableName: table,
      FilterExpression: '#a = :v',
      ExpressionAttributeNames: { '#a': attribute },
      ExpressionAttributeValues: { ':v': { S: value } },
    }),
  );
  return result.Count ?? 0;
}

/** A silo tenant's own user pools (there must be exactly one). */
export async function siloUserPoolsOf(tenantId: string): Promise<string[]> {
  const pools = await cognitoClient().send(new ListUserPoolsCommand({ MaxResults: 60 }));
  return (pools.UserPools ?? [])
    .filter((pool) => pool.Name === `tenantflow-${tenantId}`)
    .map((pool) => pool.Id as string);
}

/** Counts what onboarding created, in the tenant's user pool (its own for silo tenants, else the pooled one). */
export async function resourcesOf(
  tenantId: string,
  tenantName: string,
  userPoolId = cloud().pooledUserPoolId,
): Promise<TenantResources> {
  const cognito = cognitoClient();
  const poolId = userPoolId;
  const users = await cognito.send(new ListUsersCommand({ UserPoolId: poolId }));
  const adminUsers = (users.Users ?? []).filter((user) => user.Username === `${tenantName.toLowerCase()}-admin`).length;
  const groupMembers = await cognito
    .send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: tenantId }))
    .then((result) => result.Users?.length ?? 0)
    .catch(() => 0);

  const apiGateway = new APIGatewayClient({ region: 'us-east-1', endpoint: cloud().apiGatewayEndpoint, credentials });
  const keys =
    (await apiGateway.send(new GetApiKeysCommand({ nameQuery: `tenant-${tenantId}`, limit: 500 }))).items ?? [];
  const apiKeys = keys.filter((key) => key.name === `tenant-${tenantId}`);
  let usagePlanKeys = 0;
  for (const plan of (await apiGateway.send(new GetUsagePlansCommand({}))).items ?? []) {
    const planKeys =
      (await apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id, limit: 500 }))).items ?? [];
    usagePlanKeys += planKeys.filter((key) => apiKeys.some((apiKey) => apiKey.id === key.id)).length;
  }
  return {
    adminUsers,
    groupMembers,
    apiKeys: apiKeys.length,
    usagePlanKeys,
    tenantRows: await countRows('TenantDetails', 'tenantId', tenantId),
    mappingRows: await countRows('TenantStackMapping', 'tenantId', tenantId),
    nameReservations: await countRows('TenantNames', 'tenantId', tenantId),
    welcomeMails: (await outbox()).filter(
      (mail) => mail.template === 'welcome' && mail.variables.tenantName === tenantName,
    ).length,
  };
}

export const EXACTLY_ONE_OF_EACH: TenantResources = {
  adminUsers: 1,
  groupMembers: 1,
  apiKeys: 1,
  usagePlanKeys: 1,
  tenantRows: 1,
  mappingRows: 1,
  nameReservations: 1,
  welcomeMails: 1,
};

export const NOTHING: TenantResources = {
  adminUsers: 0,
  groupMembers: 0,
  apiKeys: 0,
  usagePlanKeys: 0,
  tenantRows: 0,
  mappingRows: 0,
  nameReservations: 0,
  welcomeMails: 0,
};

/** True while the local CloudFormation has a live stack of that name (read from its state, as below). */
export function stackExists(stackName: string): boolean {
  const state = JSON.parse(fs.readFileSync(path.join(cloud().dataDir, 'cloudformation', 'stacks.json'), 'utf8')) as {
    stacks: Array<{ StackName: string }>;
  };
  return state.stacks.some((stack) => stack.StackName === stackName);
}

/**
 * The physical name (what `Ref` gives) of a resource the local CloudFormation deployed for a
 * stack (a silo tenant's), found by type and logical id prefix. Read from that service's state in
 * the run's data directory: it runs in-process, so there is no DescribeStackResources to call.
 */
export function deployedResourceName(stackName: string, type: string, logicalIdPrefix: string): string {
  const state = JSON.parse(fs.readFileSync(path.join(cloud().dataDir, 'cloudformation', 'stacks.json'), 'utf8')) as {
    stacks: Array<{ StackName: string; resources: Array<{ logicalId: string; type: string; ref: unknown }> }>;
  };
  const resource = state.stacks
    .find((stack) => stack.StackName === stackName)
    ?.resources.find((r) => r.type === type && r.logicalId.startsWith(logicalIdPrefix));
  if (typeof resource?.ref !== 'string') throw new Error(`${stackName} has no ${type} ${logicalIdPrefix}*`);
  return resource.ref;
}
