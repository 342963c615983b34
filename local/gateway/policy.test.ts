import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, methodArn, PolicyFormatError, wildcardMatcher } from './policy';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/products/p-1';

function policy(...statements: unknown[]): unknown {
  return { Version: '2012-10-17', Statement: statements };
}

describe('methodArn', () => {
  it('builds the execute-api ARN from the request path', () => {
    expect(
      methodArn({
        region: 'us-east-1',
        accountId: '000000000000',
        restApiId: 'api1',
        stage: 'prod',
        httpMethod: 'get',
        path: '/products/p-1',
      }),
    ).toBe(ARN);
  });

  it('ends with a slash for the root resource', () => {
    const arn = methodArn({ region: 'r', accountId: 'a', restApiId: 'api', stage: 's', httpMethod: 'GET', path: '/' });
    expect(arn).toBe('arn:aws:execute-api:r:a:api/s/GET/');
  });
});

describe('wildcardMatcher', () => {
  it('lets * span slashes and ? match exactly one character', () => {
    expect(wildcardMatcher('arn:aws:execute-api:*:*:api1/*')(ARN)).toBe(true);
    expect(wildcardMatcher('arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/products/p-?')(ARN)).toBe(true);
    expect(wildcardMatcher('arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/products/?')(ARN)).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    expect(wildcardMatcher('a.b(c)+')('a.b(c)+')).toBe(true);
    expect(wildcardMatcher('a.b*')('axb')).toBe(false);
  });
});

describe('evaluatePolicy', () => {
  it('allows when an Allow statement matches', () => {
    const compiled = compilePolicy(policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN }));
    expect(evaluatePolicy(compiled, ARN)).toBe('ALLOW');
  });

  it('lets an explicit Deny win over an Allow', () => {
    const compiled = compilePolicy(
      policy(
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:api1/prod/*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:api1/prod/GET/products/*' },
      ),
    );
    expect(evaluatePolicy(compiled, ARN)).toBe('EXPLICIT_DENY');
    expect(evaluatePolicy(compiled, 'arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/orders')).toBe('ALLOW');
  });

  it('denies implicitly when no Allow matches the ARN', () => {
    const compiled = compilePolicy(
      policy({
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:*:*:api1/prod/GET/orders',
      }),
    );
    expect(evaluatePolicy(compiled, ARN)).toBe('IMPLICIT_DENY');
  });

  it('ignores statements for other actions and accepts action wildcards in any case', () => {
    expect(evaluatePolicy(compilePolicy(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })), ARN)).toBe(
      'IMPLICIT_DENY',
    );
    expect(
      evaluatePolicy(compilePolicy(policy({ Effect: 'Allow', Action: 'EXECUTE-API:*', Resource: '*' })), ARN),
    ).toBe('ALLOW');
    expect(evaluatePolicy(compilePolicy(policy({ Effect: 'Allow', Action: ['*'], Resource: ['x', ARN] })), ARN)).toBe(
      'ALLOW',
    );
  });

  it('accepts a single statement object and NotResource', () => {
    const single = compilePolicy({ Statement: { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' } });
    expect(evaluatePolicy(single, ARN)).toBe('ALLOW');
    const notResource = compilePolicy(
      policy({ Effect: 'Deny', Action: 'execute-api:Invoke', NotResource: 'arn:aws:execute-api:*:*:api1/prod/GET/*' }),
    );
    expect(evaluatePolicy(notResource, ARN)).toBe('IMPLICIT_DENY');
    expect(evaluatePolicy(notResource, ARN.replace('/GET/', '/POST/'))).toBe('EXPLICIT_DENY');
  });

  it('rejects malformed policy documents', () => {
    expect(() => compilePolicy(undefined)).toThrow(PolicyFormatError);
    expect(() => compilePolicy({})).toThrow(PolicyFormatError);
    expect(() => compilePolicy(policy({ Effect: 'allow', Action: '*', Resource: '*' }))).toThrow(PolicyFormatError);
    expect(() => compilePolicy(policy({ Effect: 'Allow', Resource: '*' }))).toThrow(PolicyFormatError);
    expect(() => compilePolicy(policy({ Effect: 'Allow', Action: '*', Resource: [] }))).toThrow(PolicyFormatError);
  });
});
