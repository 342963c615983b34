import { describe, expect, it } from 'vitest';
import { compileRestApi, DeployedApis } from './deployed-apis';
import { GATEWAY_RESPONSES } from './gateway-responses';
import type { MethodModel, RestApiModel } from './types';

const method = (httpMethod: string, resourcePath: string, overrides: Partial<MethodModel> = {}): MethodModel => ({
  httpMethod,
  resourcePath,
  authorizationType: 'NONE',
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionName: 'fn' },
  ...overrides,
});

const API: RestApiModel = {
  restApiId: 'api1',
  name: 'api',
  stageName: 'prod',
  apiKeySource: 'HEADER',
  authorizers: {
    auth: {
      type: 'REQUEST',
      functionName: 'a',
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: 0,
    },
  },
  methods: [
    method('GET', '/products/{productId}'),
    method('ANY', '/{proxy+}', { authorizationType: 'CUSTOM', authorizerId: 'auth' }),
  ],
};

describe('DeployedApis.route', () => {
  const apis = new DeployedApis();
  apis.register(API);

  it('selects the method with decoded path and path parameters', () => {
    const route = apis.route('GET', '/restapis/api1/prod/products/p%201');

    expect(route).toMatchObject({
      ok: true,
      path: '/products/p 1',
      match: { method: { resourcePath: '/products/{productId}' }, pathParameters: { productId: 'p 1' } },
    });
    expect(route.ok && route.api.resourceIds.get('/products/{productId}')).toMatch(/^[0-9a-f]{6}$/);
  });

  it('answers 403 Forbidden for an unknown API or stage', () => {
    expect(apis.route('GET', '/restapis/nope/prod/products/p')).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.FORBIDDEN,
    });
    expect(apis.route('GET', '/restapis/api1/dev/products/p')).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.FORBIDDEN,
    });
  });

  it('answers 403 Missing Authentication Token when no method serves the path', () => {
    expect(apis.route('GET', '/restapis/api1/prod/')).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN,
    });
  });

  it('stops serving an unregistered API, and lists the models it serves', () => {
    const other = new DeployedApis();
    other.register(API);
    expect([...other.models().keys()]).toEqual(['api1']);

    other.unregister('api1');

    expect(other.route('GET', '/restapis/api1/prod/products/p').ok).toBe(false);
    expect(other.models().size).toBe(0);
  });
});

describe('compileRestApi', () => {
  it('rejects a method naming an unknown authorizer', () => {
    const api = { ...API, methods: [method('GET', '/x', { authorizationType: 'CUSTOM', authorizerId: 'nope' })] };
    expect(() => compileRestApi(api)).toThrow(/names unknown authorizer nope/);
  });

  it('rejects a TOKEN authorizer without one header source, and a TTL over an hour', () => {
    const token = {
      type: 'TOKEN',
      functionName: 'a',
      identitySource: 'method.request.querystring.t',
      resultTtlSeconds: 0,
    } as const;
    expect(() => compileRestApi({ ...API, authorizers: { token } })).toThrow(/exactly one header/);
    const slow = { ...token, identitySource: 'method.request.header.A', resultTtlSeconds: 3601 };
    expect(() => compileRestApi({ ...API, authorizers: { slow } })).toThrow(/0-3600/);
  });
});
