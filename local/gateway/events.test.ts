import { describe, expect, it } from 'vitest';
import { interpretAuthorizerError, interpretAuthorizerResult } from './authorizer-result';
import {
  buildProxyEvent,
  buildRequestAuthorizerEvent,
  buildTokenAuthorizerEvent,
  formatRequestTime,
  type RequestFacts,
} from './events';
import { evaluatePolicy } from './policy';
import { headerMaps, queryMaps } from './request-parts';

const T0 = Date.UTC(2030, 3, 9, 12, 34, 56);

function facts(): RequestFacts {
  const headers = headerMaps(['Host', '127.0.0.1:4000', 'Authorization', 'Bearer t', 'User-Agent', 'ua/1']);
  const query = queryMaps('limit=10&tag=a&tag=b');
  return {
    accountId: '000000000000',
    restApiId: 'api1',
    stage: 'prod',
    domainName: '127.0.0.1:4000',
    httpMethod: 'GET',
    path: '/products/p 1',
    resourcePath: '/products/{productId}',
    resourceId: 'abc123',
    requestId: 'req-1',
    requestTimeEpoch: T0,
    protocol: 'HTTP/1.1',
    sourceIp: '127.0.0.1',
    userAgent: 'ua/1',
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: { productId: 'p 1' },
    stageVariables: null,
  };
}

describe('buildProxyEvent', () => {
  it('carries the request, the matched resource and the stage-prefixed context path', () => {
    // act
    const event = buildProxyEvent(facts(), '{"a":1}', null, null, null);
    // assert
    expect(event).toMatchObject({
      resource: '/products/{productId}',
      path: '/products/p 1',
      httpMethod: 'GET',
      headers: { Authorization: 'Bearer t' },
      multiValueHeaders: { Authorization: ['Bearer t'] },
      queryStringParameters: { limit: '10', tag: 'b' },
      multiValueQueryStringParameters: { limit: ['10'], tag: ['a', 'b'] },
      pathParameters: { productId: 'p 1' },
      stageVariables: null,
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'api1',
        stage: 'prod',
        resourcePath: '/products/{productId}',
        httpMethod: 'GET',
        path: '/prod/products/p 1',
        requestId: 'req-1',
        requestTimeEpoch: T0,
        requestTime: '09/Apr/2030:12:34:56 +0000',
        identity: { sourceIp: '127.0.0.1', userAgent: 'ua/1', apiKey: null, apiKeyId: null },
      },
    });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('puts the authorizer context, principalId and the API key into the request context', () => {
    const event = buildProxyEvent(
      facts(),
      null,
      { principalId: 'user-1', context: { tenantId: 't1', count: '3' }, integrationLatency: 7 },
      'key-value',
      'keyid',
    );
    expect(event.requestContext.authorizer).toEqual({
      tenantId: 't1',
      count: '3',
      principalId: 'user-1',
      integrationLatency: 7,
    });
    expect(event.requestContext.identity).toMatchObject({ apiKey: 'key-value', apiKeyId: 'keyid' });
    expect(event.body).toBeNull();
  });
});

describe('authorizer events', () => {
  it('builds the REQUEST event with the method ARN and the request', () => {
    const event = buildRequestAuthorizerEvent(facts(), 'arn:x', 'k');
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:x',
      resource: '/products/{productId}',
      path: '/products/p 1',
      httpMethod: 'GET',
      headers: { Authorization: 'Bearer t' },
      pathParameters: { productId: 'p 1' },
      queryStringParameters: { limit: '10', tag: 'b' },
      requestContext: { apiId: 'api1', stage: 'prod', identity: { apiKey: 'k' } },
    });
    expect('authorizer' in event.requestContext).toBe(false);
  });

  it('builds the TOKEN event', () => {
    expect(buildTokenAuthorizerEvent('Bearer t', 'arn:x')).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer t',
      methodArn: 'arn:x',
    });
  });

  it('formats requestTime like API Gateway', () => {
    expect(formatRequestTime(Date.UTC(2015, 3, 9, 2, 4, 6))).toBe('09/Apr/2015:02:04:06 +0000');
  });
});

describe('interpreting authorizer output', () => {
  const allow = { Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] };

  it('stringifies context values and keeps the usage identifier key', () => {
    const outcome = interpretAuthorizerResult({
      principalId: 'u',
      policyDocument: allow,
      context: { s: 'x', n: 3, b: true, z: null, u: undefined },
      usageIdentifierKey: 'key',
    });
    expect(outcome.kind).toBe('GRANT');
    if (outcome.kind !== 'GRANT') return;
    expect(outcome.grant.context).toEqual({ s: 'x', n: '3', b: 'true', z: null });
    expect(outcome.grant.usageIdentifierKey).toBe('key');
    expect(evaluatePolicy(outcome.grant.policy, 'arn:any')).toBe('ALLOW');
  });

  it('treats "Unauthorized" however it is reported as a 401', () => {
    expect(interpretAuthorizerError(new Error('Unauthorized')).kind).toBe('UNAUTHORIZED');
    expect(interpretAuthorizerError('Unauthorized').kind).toBe('UNAUTHORIZED');
    expect(interpretAuthorizerError({ errorType: 'Error', errorMessage: 'Unauthorized' }).kind).toBe('UNAUTHORIZED');
    expect(interpretAuthorizerResult(new Error('Unauthorized')).kind).toBe('UNAUTHORIZED');
  });

  it('treats other failures and malformed output as configuration errors', () => {
    expect(interpretAuthorizerError(new Error('boom')).kind).toBe('CONFIG_ERROR');
    expect(interpretAuthorizerResult(null).kind).toBe('CONFIG_ERROR');
    expect(interpretAuthorizerResult({ policyDocument: allow }).kind).toBe('CONFIG_ERROR');
    expect(interpretAuthorizerResult({ principalId: 'u' }).kind).toBe('CONFIG_ERROR');
    expect(interpretAuthorizerResult({ principalId: 'u', policyDocument: allow, context: { o: { a: 1 } } }).kind).toBe(
      'CONFIG_ERROR',
    );
    expect(interpretAuthorizerResult({ principalId: 'u', policyDocument: allow, context: { l: [1] } }).kind).toBe(
      'CONFIG_ERROR',
    );
    expect(interpretAuthorizerResult({ principalId: 'u', policyDocument: allow, usageIdentifierKey: 5 }).kind).toBe(
      'CONFIG_ERROR',
    );
  });
});
