import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../../test/support/local/gateway';
import { startLocalApiGateway } from './local-api-gateway';
import type { Invoke, LocalApiGateway, MethodModel, RestApiModel } from './types';

const T0 = Date.UTC(2030, 0, 2, 12, 0, 0);
let clock = T0;

/** Tokens the fake authorizer understands: `allow:<tenantKeyName>`, `deny`, `products-only:<key>`, `bad`, `boom`. */
const keyValues = new Map<string, string>();
let authorizerEvents: APIGatewayRequestAuthorizerEvent[] = [];
let handlerEvents: APIGatewayProxyEvent[] = [];

const invoke: Invoke = async (functionName, rawEvent) => {
  if (functionName === 'authorizer') {
    const event = rawEvent as APIGatewayRequestAuthorizerEvent;
    authorizerEvents.push(event);
    const token = event.headers?.Authorization ?? event.headers?.authorization ?? '';
    const [kind, keyName = ''] = token.split(':');
    const base = event.methodArn.split('/').slice(0, 2).join('/');
    if (kind === 'bad') throw new Error('Unauthorized');
    if (kind === 'boom') throw new Error('database down');
    const effect = kind === 'deny' ? 'Deny' : 'Allow';
    const resource = kind === 'products-only' ? `${base}/GET/products` : `${base}/*`;
    return {
      principalId: `user-${keyName}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: resource }],
      },
      context: { tenantId: `tenant-${keyName}`, tier: 'BASIC', seats: 3, admin: true },
      usageIdentifierKey: keyValues.get(keyName),
    };
  }
  if (functionName === 'token-authorizer') {
    authorizerEvents.push(rawEvent as APIGatewayRequestAuthorizerEvent);
    const { authorizationToken, methodArn } = rawEvent as { authorizationToken: string; methodArn: string };
    if (authorizationToken !== 'Bearer good') throw new Error('Unauthorized');
    return {
      principalId: 'token-user',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: methodArn }],
      },
    };
  }
  if (functionName === 'handler') {
    const event = rawEvent as APIGatewayProxyEvent;
    handlerEvents.push(event);
    return {
      statusCode: event.httpMethod === 'POST' ? 201 : 200,
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'X-Multi': ['a', 'b'] },
      body: JSON.stringify({ ok: true }),
    };
  }
  if (functionName === 'failing') throw new Error('handler crashed');
  if (functionName === 'malformed') return { statusCode: 200, body: { not: 'a string' } };
  throw new Error(`unknown function ${functionName}`);
};

function proxy(httpMethod: string, resourcePath: string, overrides: Partial<MethodModel> = {}): MethodModel {
  return {
    httpMethod,
    resourcePath,
    authorizationType: 'CUSTOM',
    authorizerId: 'auth1',
    apiKeyRequired: true,
    integration: { type: 'AWS_PROXY', functionName: 'handler' },
    ...overrides,
  };
}

const TENANT_API: RestApiModel = {
  restApiId: 'tenantapi',
  name: 'tenant-api',
  stageName: 'prod',
  apiKeySource: 'AUTHORIZER',
  authorizers: {
    auth1: {
      type: 'REQUEST',
      functionName: 'authorizer',
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: 300,
    },
  },
  methods: [
    proxy('GET', '/products'),
    proxy('POST', '/products'),
    proxy('GET', '/products/{productId}'),
    proxy('GET', '/fail', { integration: { type: 'AWS_PROXY', functionName: 'failing' } }),
    proxy('GET', '/malformed', { integration: { type: 'AWS_PROXY', functionName: 'malformed' } }),
    proxy('GET', '/public', { authorizationType: 'NONE', authorizerId: undefined, apiKeyRequired: false }),
    {
      httpMethod: 'OPTIONS',
      resourcePath: '/products',
      authorizationType: 'NONE',
      apiKeyRequired: false,
      integration: {
        type: 'MOCK',
        statusCode: 204,
        responseHeaders: { 'Access-Control-Allow-Origin': "'*'", 'Access-Control-Allow-Methods': 'GET,POST' },
      },
    },
  ],
};

const KEY_API: RestApiModel = {
  restApiId: 'keyapi',
  name: 'key-api',
  stageName: 'v1',
  apiKeySource: 'HEADER',
  authorizers: {},
  methods: [proxy('GET', '/items', { authorizationType: 'NONE', authorizerId: undefined })],
};

const TOKEN_API: RestApiModel = {
  restApiId: 'tokenapi',
  name: 'token-api',
  stageName: 'prod',
  apiKeySource: 'HEADER',
  authorizers: {
    tok: {
      type: 'TOKEN',
      functionName: 'token-authorizer',
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: 0,
    },
  },
  methods: [proxy('ANY', '/{proxy+}', { authorizerId: 'tok', apiKeyRequired: false })],
};

let dataDir: string;
let server: Server;
let gateway: LocalApiGateway;
let client: APIGatewayClient;
let tenantUrl: string;
let keyUrl: string;

async function createKey(name: string, planId: string): Promise<string> {
  const key = await client.send(new CreateApiKeyCommand({ name, enabled: true }));
  await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: key.id, keyType: 'API_KEY' }));
  keyValues.set(name, key.value as string);
  return key.value as string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tenantflow-gateway-e2e-'));
  server = createServer((req, res) => {
    void gateway.handle(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 404;
        res.end('console');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const publicBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway = await startLocalApiGateway({ dataDir, invoke, createCache, publicBaseUrl, now: () => clock });
  gateway.registerRestApi(TENANT_API);
  gateway.registerRestApi(KEY_API);
  gateway.registerRestApi(TOKEN_API);
  gateway.registerUsagePlan({
    id: 'plan-small',
    name: 'small',
    throttle: { rateLimit: 1, burstLimit: 3 },
    quota: { limit: 1000, period: 'DAY' },
    apiStages: [
      { restApiId: 'tenantapi', stage: 'prod' },
      { restApiId: 'keyapi', stage: 'v1' },
    ],
  });
  gateway.registerUsagePlan({
    id: 'plan-quota',
    name: 'quota',
    quota: { limit: 2, period: 'DAY' },
    apiStages: [{ restApiId: 'keyapi', stage: 'v1' }],
  });
  gateway.registerUsagePlan({ id: 'plan-elsewhere', name: 'elsewhere', apiStages: [{ restApiId: 'x', stage: 'y' }] });
  client = new APIGatewayClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  tenantUrl = gateway.urlOf('tenantapi', 'prod');
  keyUrl = gateway.urlOf('keyapi', 'v1');
  for (const name of ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'cache', 'event']) {
    await createKey(name, 'plan-small');
  }
});

afterAll(async () => {
  await gateway.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  authorizerEvents = [];
  handlerEvents = [];
});

describe('local API Gateway', () => {
  it('serves the URL urlOf gives and leaves other paths to the caller', async () => {
    expect(tenantUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/restapis\/tenantapi\/prod\/$/);
    const other = await get(tenantUrl.replace('/restapis/tenantapi/prod/', '/config.json'));
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('console');
  });

  it('answers 403 Missing Authentication Token for an unknown route, 403 Forbidden for an unknown stage', async () => {
    const missing = await get(`${tenantUrl}nowhere`);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(missing.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const stage = await get(tenantUrl.replace('/prod/', '/dev/'));
    expect(stage.status).toBe(403);
    expect(await stage.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers 401 without a token, without invoking the authorizer', async () => {
    const response = await get(`${tenantUrl}products`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(authorizerEvents).toHaveLength(0);
  });

  it('answers 401 when the authorizer says Unauthorized, 500 when it fails otherwise', async () => {
    const unauthorized = await get(`${tenantUrl}products`, { Authorization: 'bad' });
    expect(unauthorized.status).toBe(401);
    const failed = await get(`${tenantUrl}products`, { Authorization: 'boom' });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
    expect(await failed.json()).toEqual({ message: expect.any(String) });
  });

  it('answers 403 on an explicit Deny', async () => {
    const response = await get(`${tenantUrl}products`, { Authorization: 'deny:acme' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      message: 'User is not authorized to access this resource with an explicit deny',
    });
  });

  it('invokes the authorizer once for many requests within the TTL, again after it', async () => {
    // prepare
    const before = gateway.stats();
    // act
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await get(`${tenantUrl}public`, { Authorization: 'allow:cache' })).status);
    for (let i = 0; i < 3; i++) {
      statuses.push((await get(`${tenantUrl}products/p${i}`, { Authorization: 'allow:cache' })).status);
    }
    // assert: /public has no authorizer, so only the three /products calls count
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    expect(authorizerEvents).toHaveLength(1);
    expect(gateway.stats().authorizerCacheHits - before.authorizerCacheHits).toBe(2);

    clock += 301_000;
    expect((await get(`${tenantUrl}products/p9`, { Authorization: 'allow:cache' })).status).toBe(200);
    expect(authorizerEvents).toHaveLength(2);
  });

  it('evaluates a cached policy against each request, as API Gateway does', async () => {
    expect((await get(`${tenantUrl}products`, { Authorization: 'products-only:umbrella' })).status).toBe(200);
    const other = await get(`${tenantUrl}products/p1`, { Authorization: 'products-only:umbrella' });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ message: 'User is not authorized to access this resource' });
    expect(authorizerEvents).toHaveLength(1);
  });

  it('shares one authorizer invocation among concurrent first requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => get(`${tenantUrl}products`, { Authorization: 'allow:hooli' })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(authorizerEvents).toHaveLength(1);
  });

  it('calls a TOKEN authorizer with the token and the method ARN, every time when its TTL is 0', async () => {
    const url = gateway.urlOf('tokenapi', 'prod');
    expect((await fetch(`${url}a/b`, { method: 'DELETE', headers: { Authorization: 'Bearer good' } })).status).toBe(
      200,
    );
    expect((await get(`${url}a/b`, { Authorization: 'Bearer good' })).status).toBe(200);
    expect((await get(`${url}a/b`, { Authorization: 'Bearer bad' })).status).toBe(401);
    expect(authorizerEvents).toEqual([
      {
        type: 'TOKEN',
        authorizationToken: 'Bearer good',
        methodArn: 'arn:aws:execute-api:us-east-1:000000000000:tokenapi/prod/DELETE/a/b',
      },
      expect.objectContaining({ type: 'TOKEN' }),
      expect.objectContaining({ authorizationToken: 'Bearer bad' }),
    ]);
    expect(handlerEvents[0]?.pathParameters).toEqual({ proxy: 'a/b' });
    expect(handlerEvents[0]?.requestContext.authorizer).toMatchObject({ principalId: 'token-user' });
  });

  it('rejects a model with a method that names an unknown authorizer', () => {
    expect(() =>
      gateway.registerRestApi({
        ...TOKEN_API,
        restApiId: 'broken',
        methods: [proxy('GET', '/x', { authorizerId: 'nope' })],
      }),
    ).toThrow(/unknown authorizer/);
  });

  it('answers 403 Forbidden for a missing, unknown, disabled or unplanned API key', async () => {
    const missing = await get(`${keyUrl}items`);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: 'Forbidden' });
    expect((await get(`${keyUrl}items`, { 'x-api-key': 'unknown-key-value-0000000' })).status).toBe(403);

    const disabled = await client.send(new CreateApiKeyCommand({ name: 'disabled', enabled: true }));
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: 'plan-small', keyId: disabled.id, keyType: 'API_KEY' }),
    );
    expect((await get(`${keyUrl}items`, { 'x-api-key': disabled.value as string })).status).toBe(200);
    await client.send(
      new UpdateApiKeyCommand({
        apiKey: disabled.id,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      }),
    );
    expect((await get(`${keyUrl}items`, { 'x-api-key': disabled.value as string })).status).toBe(403);

    const unplanned = await client.send(new CreateApiKeyCommand({ name: 'unplanned', enabled: true }));
    expect((await get(`${keyUrl}items`, { 'x-api-key': unplanned.value as string })).status).toBe(403);
    const elsewhere = await client.send(new CreateApiKeyCommand({ name: 'elsewhere', enabled: true }));
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: 'plan-elsewhere', keyId: elsewhere.id, keyType: 'API_KEY' }),
    );
    expect((await get(`${keyUrl}items`, { 'x-api-key': elsewhere.value as string })).status).toBe(403);
  });

  it('answers 403 when the authorizer names no usage identifier key (API key source AUTHORIZER)', async () => {
    const response = await get(`${tenantUrl}products`, { Authorization: 'allow:nobody' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });

  it('throttles a key after its burst with Retry-After, leaving another key alone', async () => {
    // prepare: plan-small has burst 3, rate 1/s
    const acme = { Authorization: 'allow:acme' };
    const globex = { Authorization: 'allow:globex' };
    // act
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`${tenantUrl}products`, acme)).status);
    const throttled = await get(`${tenantUrl}products`, acme);
    const other = await get(`${tenantUrl}products`, globex);
    // assert
    expect(statuses).toEqual([200, 200, 200]);
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(other.status).toBe(200);
    expect(gateway.stats().throttled).toBeGreaterThanOrEqual(1);

    clock += 1000;
    expect((await get(`${tenantUrl}products`, acme)).status).toBe(200);
  });

  it('answers 429 Limit Exceeded over the quota, with Retry-After until the period ends', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'quota', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: 'plan-quota', keyId: key.id, keyType: 'API_KEY' }));
    const headers = { 'x-api-key': key.value as string };
    expect((await get(`${keyUrl}items`, headers)).status).toBe(200);
    expect((await get(`${keyUrl}items`, headers)).status).toBe(200);
    const over = await get(`${keyUrl}items`, headers);
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ message: 'Limit Exceeded' });
    const midnight = Date.UTC(2030, 0, 3);
    const untilMidnight = Math.ceil((midnight - clock) / 1000);
    expect(Number(over.headers.get('retry-after'))).toBe(untilMidnight);
  });

  it('hands the handler the proxy event with path parameters and the authorizer context', async () => {
    // act
    const response = await fetch(`${tenantUrl}products/p%201?tag=a&tag=b`, {
      headers: { Authorization: 'allow:event', 'X-Custom': 'yes' },
    });
    // assert
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('x-multi')).toBe('a, b');
    const requestId = response.headers.get('x-amzn-requestid');
    const event = handlerEvents[0] as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/products/{productId}',
      path: '/products/p 1',
      httpMethod: 'GET',
      pathParameters: { productId: 'p 1' },
      queryStringParameters: { tag: 'b' },
      multiValueQueryStringParameters: { tag: ['a', 'b'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'tenantapi',
        stage: 'prod',
        resourcePath: '/products/{productId}',
        httpMethod: 'GET',
        path: '/prod/products/p 1',
        requestId,
        requestTimeEpoch: clock,
        identity: { sourceIp: '127.0.0.1', apiKey: keyValues.get('event'), apiKeyId: expect.any(String) },
        authorizer: {
          principalId: 'user-event',
          tenantId: 'tenant-event',
          tier: 'BASIC',
          seats: '3',
          admin: 'true',
          integrationLatency: expect.any(Number),
        },
      },
    });
    expect(headerOf(event, 'x-custom')).toBe('yes');
    expect(headerOf(event, 'x-forwarded-for')).toBe('127.0.0.1');
    const authEvent = authorizerEvents[0] as APIGatewayRequestAuthorizerEvent;
    expect(authEvent).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:tenantapi/prod/GET/products/p 1',
      resource: '/products/{productId}',
      pathParameters: { productId: 'p 1' },
    });
  });

  it('passes a request body through and returns the function status', async () => {
    const response = await fetch(`${tenantUrl}products`, {
      method: 'POST',
      headers: { Authorization: 'allow:initech', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'widget', price: 5 }),
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(handlerEvents[0]?.body ?? 'null')).toEqual({ name: 'widget', price: 5 });
  });

  it('answers 502 when the handler fails or returns a malformed response', async () => {
    const failed = await get(`${tenantUrl}fail`, { Authorization: 'allow:initech' });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ message: 'Internal server error' });
    expect(failed.headers.get('x-amzn-requestid')).toBeTruthy();
    const malformed = await get(`${tenantUrl}malformed`, { Authorization: 'allow:initech' });
    expect(malformed.status).toBe(502);
  });

  it('serves a MOCK integration (CORS preflight) with its headers', async () => {
    const response = await fetch(`${tenantUrl}products`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
  });

  it('answers 413 for a body over 10 MB', async () => {
    const response = await fetch(`${tenantUrl}products`, {
      method: 'POST',
      headers: { Authorization: 'allow:initech' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 97),
    });
    expect(response.status).toBe(413);
    expect(handlerEvents).toHaveLength(0);
  });
});

function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}
