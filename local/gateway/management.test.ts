import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient,
  BadRequestException,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetRestApisCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  paginateGetApiKeys,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../../test/support/local/gateway';
import { startLocalApiGateway } from './local-api-gateway';
import type { LocalApiGateway, UsagePlanModel } from './types';

const BASIC: UsagePlanModel = {
  id: 'plan-basic',
  name: 'BASIC',
  throttle: { rateLimit: 50, burstLimit: 50 },
  quota: { limit: 1000, period: 'DAY' },
  apiStages: [{ restApiId: 'tenantapi', stage: 'prod' }],
};
const PREMIUM: UsagePlanModel = { ...BASIC, id: 'plan-premium', name: 'PREMIUM' };
const OTHER: UsagePlanModel = { id: 'plan-other', name: 'OTHER', apiStages: [{ restApiId: 'other', stage: 'prod' }] };

let dataDir: string;
let gateway: LocalApiGateway;

async function start(): Promise<APIGatewayClient> {
  gateway = await startLocalApiGateway({
    dataDir,
    invoke: async () => ({}),
    createCache,
    publicBaseUrl: 'http://127.0.0.1:1',
  });
  for (const plan of [BASIC, PREMIUM, OTHER]) gateway.registerUsagePlan(plan);
  return new APIGatewayClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tenantflow-gateway-mgmt-'));
});

afterEach(async () => {
  await gateway?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('management endpoint', () => {
  it('listens on 127.0.0.1 only', async () => {
    await start();
    expect(gateway.managementEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates an API key with a generated 40-character value and returns it by id', async () => {
    // prepare
    const client = await start();
    // act
    const created = await client.send(
      new CreateApiKeyCommand({ name: 'tenant-acme', enabled: true, description: 'acme', tags: { tenantId: 't1' } }),
    );
    const fetched = await client.send(new GetApiKeyCommand({ apiKey: created.id, includeValue: true }));
    const withoutValue = await client.send(new GetApiKeyCommand({ apiKey: created.id }));
    // assert
    expect(created.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created.id).toMatch(/^[a-z0-9]{10}$/);
    expect(created.createdDate).toBeInstanceOf(Date);
    expect(fetched).toMatchObject({ id: created.id, name: 'tenant-acme', enabled: true, value: created.value });
    expect(fetched.tags).toEqual({ tenantId: 't1' });
    expect(withoutValue.value).toBeUndefined();
  });

  it('creates keys disabled unless told otherwise, as API Gateway does', async () => {
    const client = await start();
    const created = await client.send(new CreateApiKeyCommand({ name: 'k', value: 'v'.repeat(30) }));
    expect(created).toMatchObject({ enabled: false, value: 'v'.repeat(30) });
  });

  it('rejects a short value and a duplicate value', async () => {
    const client = await start();
    await expect(client.send(new CreateApiKeyCommand({ value: 'short' }))).rejects.toBeInstanceOf(BadRequestException);
    await client.send(new CreateApiKeyCommand({ value: 'x'.repeat(20) }));
    await expect(client.send(new CreateApiKeyCommand({ value: 'x'.repeat(20) }))).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  it('lists keys by name prefix, with values on request, page by page', async () => {
    const client = await start();
    for (const name of ['tenant-a', 'tenant-b', 'tenant-c', 'other']) {
      await client.send(new CreateApiKeyCommand({ name, enabled: true }));
    }
    const filtered = await client.send(new GetApiKeysCommand({ nameQuery: 'tenant-', includeValues: true }));
    expect(filtered.items?.map((key) => key.name).sort()).toEqual(['tenant-a', 'tenant-b', 'tenant-c']);
    expect(filtered.items?.every((key) => key.value?.length === 40)).toBe(true);
    const plain = await client.send(new GetApiKeysCommand({}));
    expect(plain.items?.every((key) => key.value === undefined)).toBe(true);

    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateGetApiKeys({ client, pageSize: 3 }, {})) {
      pages += 1;
      names.push(...(page.items ?? []).map((key) => key.name ?? ''));
    }
    expect(pages).toBe(2);
    expect(names.sort()).toEqual(['other', 'tenant-a', 'tenant-b', 'tenant-c']);
  });

  it('disables a key with a patch operation', async () => {
    const client = await start();
    const key = await client.send(new CreateApiKeyCommand({ name: 'k', enabled: true }));
    const updated = await client.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      }),
    );
    expect(updated.enabled).toBe(false);
    await expect(
      client.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/value' }] })),
    ).rejects.toBeInstanceOf(BadRequestException);
  });

  it('puts a key on a usage plan, lists it, and refuses it twice with ConflictException', async () => {
    const client = await start();
    const key = await client.send(new CreateApiKeyCommand({ name: 'tenant-acme', enabled: true }));
    const planKey = await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id, keyType: 'API_KEY' }),
    );
    expect(planKey).toMatchObject({ id: key.id, type: 'API_KEY', name: 'tenant-acme', value: key.value });

    const listed = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: BASIC.id }));
    expect(listed.items?.map((item) => item.id)).toEqual([key.id]);

    await expect(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id, keyType: 'API_KEY' })),
    ).rejects.toBeInstanceOf(ConflictException);
    // A second plan on the same API stage would make the limits ambiguous: API Gateway refuses it too.
    await expect(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: PREMIUM.id, keyId: key.id, keyType: 'API_KEY' })),
    ).rejects.toBeInstanceOf(ConflictException);
    // A plan on another stage is fine.
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: OTHER.id, keyId: key.id, keyType: 'API_KEY' }));
    const plansOfKey = await client.send(new GetUsagePlansCommand({ keyId: key.id }));
    expect(plansOfKey.items?.map((plan) => plan.id).sort()).toEqual([OTHER.id, BASIC.id].sort());
  });

  it('raises NotFoundException for an unknown plan or key', async () => {
    const client = await start();
    const key = await client.send(new CreateApiKeyCommand({ name: 'k' }));
    await expect(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: 'nope', keyId: key.id, keyType: 'API_KEY' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: 'nope', keyType: 'API_KEY' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(client.send(new GetApiKeyCommand({ apiKey: 'nope' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(client.send(new GetUsagePlanCommand({ usagePlanId: 'nope' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('describes usage plans from the template', async () => {
    const client = await start();
    const plan = await client.send(new GetUsagePlanCommand({ usagePlanId: BASIC.id }));
    expect(plan).toMatchObject({
      id: BASIC.id,
      name: 'BASIC',
      apiStages: [{ apiId: 'tenantapi', stage: 'prod' }],
      throttle: { rateLimit: 50, burstLimit: 50 },
      quota: { limit: 1000, offset: 0, period: 'DAY' },
    });
    const all = await client.send(new GetUsagePlansCommand({}));
    expect(all.items?.map((item) => item.name).sort()).toEqual(['BASIC', 'OTHER', 'PREMIUM']);
  });

  it('removes a key from a plan and deletes a key', async () => {
    const client = await start();
    const key = await client.send(new CreateApiKeyCommand({ name: 'k', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id, keyType: 'API_KEY' }));
    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id }));
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: BASIC.id }))).items).toEqual([]);
    await expect(
      client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id })),
    ).rejects.toBeInstanceOf(NotFoundException);

    await client.send(new DeleteApiKeyCommand({ apiKey: key.id }));
    await expect(client.send(new GetApiKeyCommand({ apiKey: key.id }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it('keeps API keys and usage-plan keys across a restart', async () => {
    // prepare
    let client = await start();
    const key = await client.send(new CreateApiKeyCommand({ name: 'tenant-acme', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: BASIC.id, keyId: key.id, keyType: 'API_KEY' }));
    // act
    await gateway.close();
    client = await start();
    // assert
    const fetched = await client.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }));
    expect(fetched).toMatchObject({ name: 'tenant-acme', value: key.value, enabled: true });
    const listed = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: BASIC.id }));
    expect(listed.items?.map((item) => item.id)).toEqual([key.id]);
  });

  it('lists the registered REST APIs', async () => {
    const client = await start();
    gateway.registerRestApi({
      restApiId: 'tenantapi',
      name: 'tenant-api',
      stageName: 'prod',
      apiKeySource: 'AUTHORIZER',
      methods: [],
      authorizers: {},
    });
    const apis = await client.send(new GetRestApisCommand({}));
    expect(apis.items).toEqual([expect.objectContaining({ id: 'tenantapi', name: 'tenant-api' })]);
  });
});
