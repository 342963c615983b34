import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSts, startLocalSts } from '../sts';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from './access-keys';
import { accessChecksOf, tableArn } from './dynamodb-access';
import { type DynamoDbFront, startDynamoDbFront } from './dynamodb-front';
import { IamRegistry } from './iam-registry';

const ACCOUNT = '000000000000';
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const TABLE = 'Products';
const OTHER_TABLE = 'Secrets';
const allow = (actions: string[], resources: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
});
/**
 * A session policy scoping items to one tenant's partition, in the shape of the one the authorizer
 * passes (its own tests and the integration attacks cover that module; here the emulator's IAM
 * semantics are under test): both conditions, `ForAllValues` on the leading keys and the `Null` guard.
 */
const tenantSessionPolicy = (tenantId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
      Resource: [tableArn(TABLE), `${tableArn(TABLE)}/index/*`],
      Condition: {
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [tenantId] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    },
  ],
});

describe('local IAM: STS and the DynamoDB front', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantflow-iam-'));
  let dynalite: Server;
  let front: DynamoDbFront;
  let sts: LocalSts;
  const registry = new IamRegistry();

  const dynamo = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new DynamoDBClient({ region: 'us-east-1', endpoint: front.endpoint, credentials, maxAttempts: 1 });
  const roleKeys = (name: string) => ({
    accessKeyId: localAccessKeyOf(roleArn(name)),
    secretAccessKey: LOCAL_ROLE_SECRET,
  });
  const stsAs = (name: string) =>
    new STSClient({ region: 'us-east-1', endpoint: sts.endpoint, credentials: roleKeys(name), maxAttempts: 1 });
  const item = (tenantId: string, productId: string) => ({ tenantId: { S: tenantId }, productId: { S: productId } });

  async function tenantSession(tenantId: string, policy = JSON.stringify(tenantSessionPolicy(tenantId))) {
    const { Credentials } = await stsAs('Authorizer').send(
      new AssumeRoleCommand({ RoleArn: roleArn('TenantData'), RoleSessionName: `tenant-${tenantId}`, Policy: policy }),
    );
    return dynamo({
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken,
    });
  }

  beforeAll(async () => {
    const createDynalite = require('dynalite') as (o: object) => Server;
    dynalite = createDynalite({ path: join(dir, 'db'), createTableMs: 0 });
    await new Promise<void>((resolve) => dynalite.listen(0, '127.0.0.1', () => resolve()));
    const upstream = `http://127.0.0.1:${(dynalite.address() as AddressInfo).port}`;
    const admin = { accessKeyId: 'ADMIN', secretAccessKey: 'admin' };
    const direct = new DynamoDBClient({ region: 'us-east-1', endpoint: upstream, credentials: admin });
    for (const TableName of [TABLE, OTHER_TABLE]) {
      await direct.send(
        new CreateTableCommand({
          TableName,
          KeySchema: [
            { AttributeName: 'tenantId', KeyType: 'HASH' },
            { AttributeName: 'productId', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'tenantId', AttributeType: 'S' },
            { AttributeName: 'productId', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
    for (const [tenant, id] of [
      ['tenant-a', 'a1'],
      ['tenant-b', 'b1'],
    ])
      await direct.send(new PutItemCommand({ TableName: TABLE, Item: item(tenant as string, id as string) }));
    direct.destroy();

    registry.putRole({
      roleName: 'ProductsFn',
      arn: roleArn('ProductsFn'),
      inlinePolicies: [],
      managedPolicyArns: [],
      maxSessionDuration: 3600,
    });
    registry.putPolicy('ProductsFnPolicy', {
      name: 'ProductsFnPolicy',
      policy: allow(['dynamodb:GetItem', 'dynamodb:Scan'], [tableArn(TABLE)]),
      roles: ['ProductsFn'],
    });
    registry.putRole({
      roleName: 'Authorizer',
      arn: roleArn('Authorizer'),
      inlinePolicies: [],
      managedPolicyArns: [],
      maxSessionDuration: 3600,
    });
    registry.putRole({
      roleName: 'TenantData',
      arn: roleArn('TenantData'),
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn('Authorizer') }, Action: 'sts:AssumeRole' }],
      },
      inlinePolicies: [
        {
          name: 'items',
          policy: allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:Scan'], [tableArn(TABLE)]),
        },
      ],
      managedPolicyArns: [],
      maxSessionDuration: 3600,
    });
    sts = await startLocalSts({ registry });
    front = await startDynamoDbFront({ upstream, registry, adminCredentials: admin });
  });

  afterAll(async () => {
    await front?.close();
    await sts?.close();
    await new Promise((resolve) => dynalite?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('allows an execution role what its policies allow, and denies other tables with AccessDeniedException', async () => {
    const client = dynamo(roleKeys('ProductsFn'));

    const own = await client.send(new GetItemCommand({ TableName: TABLE, Key: item('tenant-a', 'a1') }));
    const other = client.send(new GetItemCommand({ TableName: OTHER_TABLE, Key: item('tenant-a', 'a1') }));

    expect(own.Item).toEqual(item('tenant-a', 'a1'));
    await expect(other).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      client.send(new PutItemCommand({ TableName: TABLE, Item: item('tenant-a', 'x') })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('dynamodb:PutItem') });
  });

  it('scopes an STS session to its tenant: own partition allowed, another tenant’s partition and Scan denied', async () => {
    const client = await tenantSession('tenant-a');

    const own = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': 'tenantId' },
        ExpressionAttributeValues: { ':t': { S: 'tenant-a' } },
      }),
    );
    expect(own.Items).toEqual([item('tenant-a', 'a1')]);
    await expect(
      client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': { S: 'tenant-b' } },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('session policy'),
    });
    await expect(
      client.send(new GetItemCommand({ TableName: TABLE, Key: item('tenant-b', 'b1') })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      client.send(new PutItemCommand({ TableName: TABLE, Item: item('tenant-b', 'planted') })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(client.send(new ScanCommand({ TableName: TABLE }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('shows why the Null guard is needed: without it, ForAllValues lets a Scan (no leading keys) through', async () => {
    const unguarded = tenantSessionPolicy('tenant-a');
    const statement = unguarded.Statement[0] as { Action: string[]; Condition: Record<string, unknown> };
    statement.Action = [...statement.Action, 'dynamodb:Scan'];
    const guarded = JSON.stringify(unguarded);
    delete statement.Condition.Null;
    const withoutGuard = await tenantSession('tenant-a', JSON.stringify(unguarded));
    const withGuard = await tenantSession('tenant-a', guarded);

    const leaked = await withoutGuard.send(new ScanCommand({ TableName: TABLE }));

    expect(leaked.Items?.map((i) => i.tenantId?.S)).toContain('tenant-b');
    await expect(withGuard.send(new ScanCommand({ TableName: TABLE }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('lets only the trusted role assume the tenant data role', async () => {
    const denied = stsAs('ProductsFn').send(
      new AssumeRoleCommand({ RoleArn: roleArn('TenantData'), RoleSessionName: 'x-attacker' }),
    );

    await expect(denied).rejects.toMatchObject({ name: 'AccessDenied' });
    const before = sts.stats().assumeRole;
    await tenantSession('tenant-a');
    expect(sts.stats().assumeRole).toBe(before + 1);
  });

  it('answers GetCallerIdentity with the role or the session', async () => {
    const identity = await stsAs('Authorizer').send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Authorizer/local-function`,
    });
  });

  it('rejects unknown keys, wrong secrets and a tampered session token', async () => {
    const { Credentials } = await stsAs('Authorizer').send(
      new AssumeRoleCommand({ RoleArn: roleArn('TenantData'), RoleSessionName: 'tenant-a' }),
    );
    const get = (client: DynamoDBClient) =>
      client.send(new GetItemCommand({ TableName: TABLE, Key: item('tenant-a', 'a1') }));

    await expect(get(dynamo({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(
      get(dynamo({ accessKeyId: roleKeys('ProductsFn').accessKeyId, secretAccessKey: 'wrong' })),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(
      get(
        dynamo({
          accessKeyId: Credentials?.AccessKeyId ?? '',
          secretAccessKey: Credentials?.SecretAccessKey ?? '',
          sessionToken: `${Credentials?.SessionToken}x`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });
});

describe('DynamoDB access checks', () => {
  const partitionKeyOf = async () => 'tenantId';

  it('reads the leading key of a Query from KeyConditionExpression with aliases, in either order', async () => {
    const aliased = await accessChecksOf(
      'Query',
      {
        TableName: 'T',
        KeyConditionExpression: '#pk = :v AND begins_with(sk, :p)',
        ExpressionAttributeNames: { '#pk': 'tenantId' },
        ExpressionAttributeValues: { ':v': { S: 'a' }, ':p': { S: 'x' } },
      },
      partitionKeyOf,
    );
    const reversed = await accessChecksOf(
      'Query',
      { TableName: 'T', KeyConditionExpression: ':v = tenantId', ExpressionAttributeValues: { ':v': { S: 'b' } } },
      partitionKeyOf,
    );
    const legacy = await accessChecksOf(
      'Query',
      { TableName: 'T', KeyConditions: { tenantId: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'c' }] } } },
      partitionKeyOf,
    );

    expect(aliased).toEqual([{ action: 'dynamodb:Query', resource: tableArn('T'), leadingKeys: ['a'] }]);
    expect(reversed[0]?.leadingKeys).toEqual(['b']);
    expect(legacy[0]?.leadingKeys).toEqual(['c']);
  });

  it('checks every table of a BatchGetItem with all its leading keys, and each item of a transaction', async () => {
    const batch = await accessChecksOf(
      'BatchGetItem',
      {
        RequestItems: {
          A: { Keys: [{ tenantId: { S: 'a' } }, { tenantId: { S: 'b' } }] },
          B: { Keys: [{ tenantId: { S: 'a' } }] },
        },
      },
      partitionKeyOf,
    );
    const transaction = await accessChecksOf(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'A', Item: { tenantId: { S: 'a' } } } },
          { Delete: { TableName: 'B', Key: { tenantId: { S: 'b' } } } },
        ],
      },
      partitionKeyOf,
    );

    expect(batch).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: tableArn('A'), leadingKeys: ['a', 'b'] },
      { action: 'dynamodb:BatchGetItem', resource: tableArn('B'), leadingKeys: ['a'] },
    ]);
    expect(transaction.map((c) => [c.action, c.leadingKeys])).toEqual([
      ['dynamodb:PutItem', ['a']],
      ['dynamodb:DeleteItem', ['b']],
    ]);
  });

  it('reports no leading keys for a Scan and uses * for account-level actions', async () => {
    expect(await accessChecksOf('Scan', { TableName: 'T' }, partitionKeyOf)).toEqual([
      { action: 'dynamodb:Scan', resource: tableArn('T') },
    ]);
    expect(await accessChecksOf('ListTables', {}, partitionKeyOf)).toEqual([
      { action: 'dynamodb:ListTables', resource: '*' },
    ]);
  });
});
