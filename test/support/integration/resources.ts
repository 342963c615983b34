/** Counts what onboarding created for a tenant, straight from the emulators (for idempotency checks). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  APIGatewayClient,
  paginateGetApiKeys,
  paginateGetUsagePlanKeys,
  paginateGetUsagePlans,
} from '@aws-sdk/client-api-gateway';
import {
  paginateListUserPools,
  paginateListUsers,
  paginateListUsersInGroup,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { cognitoClient, outbox, tableNamed } from '../client';
import { cloud } from './cloud';

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

/** Every item of every page (the lists grow with what the other test files created). */
async function all<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

async function countRows(tableFragment: string, attribute: string, value: string): Promise<number> {
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: cloud().dynamoDbEndpoint, credentials });
  const table = await tableNamed(dynamo, tableFragment);
  const rows = await all(
    paginateScan(
      { client: dynamo },
      {
        TableName: table,
        FilterExpression: '#a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': { S: value } },
      },
    ),
    (page) => page.Items,
  );
  return rows.length;
}

/** A silo tenant's own user pools (there must be exactly one). */
export async function siloUserPoolsOf(tenantId: string): Promise<string[]> {
  const pools = await all(
    paginateListUserPools({ client: cognitoClient(cloud()) }, { MaxResults: 60 }),
    (page) => page.UserPools,
  );
  return pools.filter((pool) => pool.Name === `tenantflow-${tenantId}`).map((pool) => pool.Id as string);
}

/** The members of a tenant's group; none when the group does not exist. */
async function groupMembersOf(userPoolId: string, tenantId: string): Promise<number> {
  try {
    const members = await all(
      paginateListUsersInGroup({ client: cognitoClient(cloud()) }, { UserPoolId: userPoolId, GroupName: tenantId }),
      (page) => page.Users,
    );
    return members.length;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return 0;
    throw error;
  }
}

/** Counts what onboarding created, in the tenant's user pool (its own for silo tenants, else the pooled one). */
export async function resourcesOf(
  tenantId: string,
  tenantName: string,
  userPoolId = cloud().pooledUserPoolId,
): Promise<TenantResources> {
  const users = await all(
    paginateListUsers({ client: cognitoClient(cloud()) }, { UserPoolId: userPoolId }),
    (page) => page.Users,
  );
  const adminUsers = users.filter((user) => user.Username === `${tenantName.toLowerCase()}-admin`).length;

  const apiGateway = new APIGatewayClient({ region: 'us-east-1', endpoint: cloud().apiGatewayEndpoint, credentials });
  const keys = await all(
    paginateGetApiKeys({ client: apiGateway }, { nameQuery: `tenant-${tenantId}`, limit: 500 }),
    (page) => page.items,
  );
  const apiKeys = keys.filter((key) => key.name === `tenant-${tenantId}`);
  let usagePlanKeys = 0;
  for (const plan of await all(paginateGetUsagePlans({ client: apiGateway }, { limit: 500 }), (page) => page.items)) {
    const planKeys = await all(
      paginateGetUsagePlanKeys({ client: apiGateway }, { usagePlanId: plan.id, limit: 500 }),
      (page) => page.items,
    );
    usagePlanKeys += planKeys.filter((key) => apiKeys.some((apiKey) => apiKey.id === key.id)).length;
  }
  return {
    adminUsers,
    groupMembers: await groupMembersOf(userPoolId, tenantId),
    apiKeys: apiKeys.length,
    usagePlanKeys,
    tenantRows: await countRows('TenantDetails', 'tenantId', tenantId),
    mappingRows: await countRows('TenantStackMapping', 'tenantId', tenantId),
    nameReservations: await countRows('TenantNames', 'tenantId', tenantId),
    welcomeMails: (await outbox(cloud())).filter(
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
  const file = path.join(cloud().dataDir, 'cloudformation', 'stacks.json');
  // The state is written with the first stack: a run that has deployed none has no file yet.
  if (!fs.existsSync(file)) return false;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { stacks: Array<{ StackName: string }> };
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
