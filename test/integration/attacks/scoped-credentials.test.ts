/**
 * Proof that the policy, not only the handler code, isolates tenants: the real authorizer code,
 * with the deployed authorizer's environment, obtains tenant A's credentials from the local STS;
 * a request made with them directly (bypassing the handlers and their tenant filter) on tenant
 * B's partition is denied by IAM. A silo tenant's functions use their execution roles: with those
 * credentials, the pooled tables and another silo's tables are denied by IAM too.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { siloStackName } from '../../../contracts/onboarding-states';
import { LOCAL_ACCOUNT } from '../../../local/deployer/constants';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from '../../../local/iam/access-keys';
import { sharedSiloTenants } from '../../support/integration/attacks';
import { cloud, onboardedTenant, type TenantSession } from '../../support/integration/cloud';
import { deployedResourceName } from '../../support/integration/resources';

const env = () => cloud().pooledFunctions.authorizer;
const productsEnv = () => cloud().pooledFunctions.products;
let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
let acme: TenantSession;
let globex: TenantSession;
let globexProductId: string;

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:000000000000:api/prod/GET/products';

function documentClient(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: env().AWS_ENDPOINT_URL_DYNAMODB, credentials, maxAttempts: 1 }),
  );
}

async function scopedClientOf(session: TenantSession) {
  const result = await handler({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers: { Authorization: `Bearer ${session.idToken}` },
  } as unknown as APIGatewayRequestAuthorizerEvent);
  const context = result.context as Record<string, string>;
  return documentClient({
    accessKeyId: context.accessKeyId ?? '',
    secretAccessKey: context.secretAccessKey ?? '',
    sessionToken: context.sessionToken,
  });
}

beforeAll(async () => {
  // The authorizer module reads its configuration at load time, as in Lambda.
  Object.assign(process.env, env());
  ({ handler } = await import('../../../authorizer/handler'));
  [acme, globex] = await Promise.all([onboardedTenant('scoped-a'), onboardedTenant('scoped-b')]);
  globexProductId = (await globex.api('POST', '/products', { name: 'Globex secret', price: 9 })).body.productId;
  await acme.api('POST', '/products', { name: 'Acme own', price: 1 });
});

const PRODUCTS = () => productsEnv().PRODUCTS_TABLE as string;

describe('tenant-scoped credentials, used directly', () => {
  it('read the tenant’s own partition', async () => {
    const client = await scopedClientOf(acme);

    const own = await client.send(
      new QueryCommand({
        TableName: PRODUCTS(),
        KeyConditionExpression: 'tenantId = :t',
        ExpressionAttributeValues: { ':t': acme.tenantId },
      }),
    );

    expect(own.Items?.map((i) => i.name)).toEqual(['Acme own']);
  });

  it.each([
    [
      'a Query of the other tenant’s partition',
      () =>
        new QueryCommand({
          TableName: PRODUCTS(),
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': globex.tenantId },
        }),
    ],
    [
      'a GetItem of the other tenant’s product',
      () => new GetCommand({ TableName: PRODUCTS(), Key: { tenantId: globex.tenantId, productId: globexProductId } }),
    ],
    [
      'a PutItem into the other tenant’s partition',
      () =>
        new PutCommand({
          TableName: PRODUCTS(),
          Item: { tenantId: globex.tenantId, productId: 'planted', name: 'x', price: 0 },
        }),
    ],
    [
      'a BatchGetItem mixing its own and the other tenant’s keys',
      () =>
        new BatchGetCommand({
          RequestItems: {
            [PRODUCTS()]: {
              Keys: [
                { tenantId: acme.tenantId, productId: 'x' },
                { tenantId: globex.tenantId, productId: globexProductId },
              ],
            },
          },
        }),
    ],
    ['a Scan of the whole table', () => new ScanCommand({ TableName: PRODUCTS() })],
  ])('are denied %s with AccessDeniedException', async (_name, command) => {
    const client = await scopedClientOf(acme);

    await expect(client.send(command() as never)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('leave the other tenant’s data untouched', async () => {
    const response = await globex.api('GET', `/products/${globexProductId}`);

    expect(response.body).toMatchObject({ name: 'Globex secret', price: 9 });
    expect((await globex.api('GET', '/products/planted')).status).toBe(404);
  });
});

describe('roles without tenant scope', () => {
  const roleCredentials = (e: Record<string, string>) => ({
    accessKeyId: e.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: e.AWS_SECRET_ACCESS_KEY ?? '',
  });

  it('the products function’s own role has no access to the pooled tables', async () => {
    const client = documentClient(roleCredentials(productsEnv()));

    await expect(
      client.send(new GetCommand({ TableName: PRODUCTS(), Key: { tenantId: acme.tenantId, productId: 'x' } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('the authorizer’s own role cannot read the pooled tables either', async () => {
    const client = documentClient(roleCredentials(env()));

    await expect(
      client.send(
        new QueryCommand({
          TableName: PRODUCTS(),
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': acme.tenantId },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('only the authorizer may assume the tenant data role: the products function may not', async () => {
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: env().AWS_ENDPOINT_URL_STS,
      credentials: roleCredentials(productsEnv()),
      maxAttempts: 1,
    });

    const assume = sts.send(
      new AssumeRoleCommand({ RoleArn: env().TENANT_DATA_ROLE_ARN, RoleSessionName: 'escalate' }),
    );

    await expect(assume).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('a silo tenant’s execution roles, used directly', () => {
  let siloA: TenantSession;
  let siloB: TenantSession;
  let siloAProductId: string;
  beforeAll(async () => {
    [siloA, siloB] = await sharedSiloTenants();
    siloAProductId = (await siloA.api('POST', '/products', { name: 'Silo A own', price: 5 })).body.productId;
  });

  const resourceOf = (silo: TenantSession, type: string, prefix: string) =>
    deployedResourceName(siloStackName(silo.tenantId), type, prefix);
  const tableOf = (silo: TenantSession, prefix: 'Products' | 'Orders') =>
    resourceOf(silo, 'AWS::DynamoDB::Table', prefix);
  /** The credentials the local Lambda hands the silo function: its execution role's access key. */
  const roleClient = (silo: TenantSession, fn: 'ProductsFunction' | 'OrdersFunction') =>
    documentClient({
      accessKeyId: localAccessKeyOf(
        `arn:aws:iam::${LOCAL_ACCOUNT}:role/${resourceOf(silo, 'AWS::IAM::Role', `${fn}ServiceRole`)}`,
      ),
      secretAccessKey: LOCAL_ROLE_SECRET,
    });
  const pooledOrders = () =>
    (JSON.parse(env().TENANT_TABLE_ARNS as string) as string[])
      .map((arn) => arn.slice(arn.lastIndexOf('/') + 1))
      .find((name) => name.includes('Orders')) as string;
  const query = (table: string, tenantId: string) =>
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'tenantId = :t',
      ExpressionAttributeValues: { ':t': tenantId },
    });

  it('reach their own tables (the control for the denials below)', async () => {
    const own = await roleClient(siloA, 'ProductsFunction').send(
      new GetCommand({
        TableName: tableOf(siloA, 'Products'),
        Key: { tenantId: siloA.tenantId, productId: siloAProductId },
      }),
    );

    expect(own.Item).toMatchObject({ name: 'Silo A own' });
  });

  it.each([
    ['ProductsFunction', 'a Query of the pooled products table', () => query(PRODUCTS(), siloA.tenantId)],
    [
      'ProductsFunction',
      'a GetItem of a pool tenant’s product',
      () => new GetCommand({ TableName: PRODUCTS(), Key: { tenantId: globex.tenantId, productId: globexProductId } }),
    ],
    [
      'ProductsFunction',
      'a Query of the other silo’s products',
      () => query(tableOf(siloB, 'Products'), siloB.tenantId),
    ],
    [
      'ProductsFunction',
      'a PutItem into the other silo’s products',
      () =>
        new PutCommand({
          TableName: tableOf(siloB, 'Products'),
          Item: { tenantId: siloB.tenantId, productId: 'planted', name: 'x', price: 0 },
        }),
    ],
    ['OrdersFunction', 'a Query of the pooled orders table', () => query(pooledOrders(), globex.tenantId)],
    ['OrdersFunction', 'a Query of the other silo’s orders', () => query(tableOf(siloB, 'Orders'), siloB.tenantId)],
    [
      'OrdersFunction',
      'a GetItem of the other silo’s products (it may read only its own)',
      () =>
        new GetCommand({ TableName: tableOf(siloB, 'Products'), Key: { tenantId: siloB.tenantId, productId: 'x' } }),
    ],
  ] as const)('the %s role is denied %s with AccessDeniedException', async (fn, _name, command) => {
    await expect(roleClient(siloA, fn).send(command() as never)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('leave the other silo’s data untouched', async () => {
    expect((await siloB.api('GET', '/products/planted')).status).toBe(404);
  });
});
