import { describe, expect, it } from 'vitest';
import { createCache } from '../../test/support/local/gateway';
import { type AuthorizationDeps, authorizationOf, authorize, identityValuesOf } from './authorization';
import { AuthorizerCache, type CachedAuthorization } from './authorizer-cache';
import type { RequestFacts } from './events';
import { GATEWAY_RESPONSES } from './gateway-responses';
import type { Settled } from './invoke-within';
import { compilePolicy } from './policy';
import type { AuthorizerModel, MethodModel, RestApiModel } from './types';

const T0 = Date.UTC(2030, 0, 2, 12);
const ARN = 'arn:aws:execute-api:us-east-1:000000000000:api/prod/GET/products';

const facts = (headers: Record<string, string[]> | null): RequestFacts => ({
  accountId: '000000000000',
  restApiId: 'api',
  stage: 'prod',
  domainName: '127.0.0.1:4000',
  httpMethod: 'GET',
  path: '/products',
  resourcePath: '/products',
  resourceId: 'abc123',
  requestId: 'req-1',
  requestTimeEpoch: T0,
  protocol: 'HTTP/1.1',
  sourceIp: '127.0.0.1',
  userAgent: null,
  headers: headers && Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.at(-1) ?? ''])),
  multiValueHeaders: headers,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
});

const allowing = (resource: string): CachedAuthorization => ({
  outcome: {
    kind: 'GRANT',
    grant: {
      principalId: 'user-1',
      policy: compilePolicy({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource }],
      }),
      context: { tenantId: 't1' },
      usageIdentifierKey: undefined,
    },
  },
  latencyMs: 7,
});

const AUTHORIZER: AuthorizerModel = {
  type: 'REQUEST',
  functionName: 'authorizer',
  identitySource: 'method.request.header.Authorization',
  resultTtlSeconds: 300,
};
const API: RestApiModel = {
  restApiId: 'api',
  name: 'api',
  stageName: 'prod',
  apiKeySource: 'HEADER',
  authorizers: { auth: AUTHORIZER },
  methods: [],
};
const method = (authorizationType: MethodModel['authorizationType']): MethodModel => ({
  httpMethod: 'GET',
  resourcePath: '/products',
  authorizationType,
  authorizerId: 'auth',
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionName: 'fn' },
});

function deps(answer: Settled<unknown>) {
  const logged: string[] = [];
  const events: unknown[] = [];
  const result: AuthorizationDeps = {
    cache: new AuthorizerCache(createCache(10), () => T0),
    invoke: async (_name, event) => {
      events.push(event);
      return answer;
    },
    log: (message) => logged.push(message),
    counters: { authorizerInvocations: 0, authorizerCacheHits: 0 },
  };
  return { deps: result, logged, events };
}

const ALLOW_ALL = {
  principalId: 'user-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*' }],
  },
};

describe('authorizationOf', () => {
  it('maps outcomes to gateway responses, evaluating the policy against this request', () => {
    expect(authorizationOf({ outcome: { kind: 'UNAUTHORIZED' }, latencyMs: 1 }, false, ARN)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.UNAUTHORIZED,
    });
    expect(authorizationOf({ outcome: { kind: 'CONFIG_ERROR', reason: 'x' }, latencyMs: 1 }, false, ARN)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.AUTHORIZER_CONFIGURATION_ERROR,
    });
    expect(authorizationOf(allowing(`${ARN.replace('products', 'orders')}`), false, ARN)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.ACCESS_DENIED,
    });
  });

  it('hands the integration the principal and context, with no latency on a cache hit', () => {
    expect(authorizationOf(allowing(ARN), false, ARN)).toMatchObject({
      ok: true,
      facts: { principalId: 'user-1', context: { tenantId: 't1' }, integrationLatency: 7 },
    });
    expect(authorizationOf(allowing(ARN), true, ARN)).toMatchObject({ ok: true, facts: { integrationLatency: 0 } });
  });
});

describe('identityValuesOf', () => {
  it('reads the identity sources, undefined when one is missing or empty', () => {
    expect(identityValuesOf(AUTHORIZER, facts({ authorization: ['tok'] }))).toEqual(['tok']);
    expect(identityValuesOf(AUTHORIZER, facts({ authorization: [''] }))).toBeUndefined();
    expect(identityValuesOf(AUTHORIZER, facts(null))).toBeUndefined();
  });
});

describe('authorize', () => {
  it('lets NONE through and refuses AWS_IAM and Cognito authorization, logging which', async () => {
    const { deps: d, logged } = deps({ kind: 'value', value: ALLOW_ALL });

    expect(await authorize(d, API, method('NONE'), facts(null), ARN, null)).toEqual({
      ok: true,
      grant: undefined,
      facts: null,
    });
    expect(await authorize(d, API, method('AWS_IAM'), facts(null), ARN, null)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.UNSUPPORTED_AUTHORIZATION,
    });
    expect(logged).toEqual(['local gateway: AWS_IAM authorization is not supported']);
  });

  it('answers 401 for a missing identity source without invoking the authorizer', async () => {
    const { deps: d, events } = deps({ kind: 'value', value: ALLOW_ALL });

    expect(await authorize(d, API, method('CUSTOM'), facts(null), ARN, null)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.UNAUTHORIZED,
    });
    expect(events).toEqual([]);
  });

  it('invokes the authorizer with the REQUEST event once, then counts cache hits', async () => {
    const { deps: d, events } = deps({ kind: 'value', value: ALLOW_ALL });
    const request = facts({ Authorization: ['tok'] });

    const first = await authorize(d, API, method('CUSTOM'), request, ARN, 'key-1');
    await authorize(d, API, method('CUSTOM'), request, ARN, 'key-1');

    expect(first).toMatchObject({ ok: true, grant: { principalId: 'user-1' } });
    expect(events).toMatchObject([{ type: 'REQUEST', methodArn: ARN, headers: { Authorization: 'tok' } }]);
    expect(d.counters).toEqual({ authorizerInvocations: 1, authorizerCacheHits: 1 });
  });

  it('answers 500 for an authorizer that times out, and logs why', async () => {
    const { deps: d, logged } = deps({ kind: 'timeout' });

    const result = await authorize(d, API, method('CUSTOM'), facts({ Authorization: ['tok'] }), ARN, null);

    expect(result).toEqual({ ok: false, response: GATEWAY_RESPONSES.AUTHORIZER_CONFIGURATION_ERROR });
    expect(logged).toEqual(['local gateway: authorizer authorizer failed: authorizer timed out']);
  });
});
