import { describe, expect, it } from 'vitest';
import { InvalidRouteError, pathSegments, RouteMatcher } from './route-matcher';
import type { MethodModel } from './types';

function method(httpMethod: string, resourcePath: string, functionName = `${httpMethod} ${resourcePath}`): MethodModel {
  return {
    httpMethod,
    resourcePath,
    authorizationType: 'NONE',
    apiKeyRequired: false,
    integration: { type: 'AWS_PROXY', functionName },
  };
}

function matchedName(matcher: RouteMatcher, verb: string, path: string): string | undefined {
  const match = matcher.match(verb, pathSegments(path));
  return match?.method.integration.type === 'AWS_PROXY' ? match.method.integration.functionName : undefined;
}

describe('RouteMatcher', () => {
  it('prefers a literal segment over a path variable', () => {
    // prepare
    const matcher = new RouteMatcher([method('GET', '/products/{productId}'), method('GET', '/products/new')]);
    // act + assert
    expect(matchedName(matcher, 'GET', '/products/new')).toBe('GET /products/new');
    expect(matchedName(matcher, 'GET', '/products/p-1')).toBe('GET /products/{productId}');
  });

  it('prefers a path variable over a greedy variable', () => {
    const matcher = new RouteMatcher([method('GET', '/{proxy+}'), method('GET', '/{id}')]);
    expect(matchedName(matcher, 'GET', '/x')).toBe('GET /{id}');
    expect(matchedName(matcher, 'GET', '/x/y')).toBe('GET /{proxy+}');
  });

  it('returns decoded path parameters, and null when the resource has none', () => {
    const matcher = new RouteMatcher([method('GET', '/orders'), method('GET', '/orders/{orderId}/lines/{line}')]);
    expect(matcher.match('GET', ['orders'])?.pathParameters).toBeNull();
    expect(matcher.match('GET', ['orders', 'o 1', 'lines', '2'])?.pathParameters).toEqual({
      orderId: 'o 1',
      line: '2',
    });
  });

  it('gives a greedy variable the rest of the path', () => {
    const matcher = new RouteMatcher([method('ANY', '/files/{proxy+}')]);
    expect(matcher.match('DELETE', ['files', 'a', 'b', 'c.txt'])?.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
    // A greedy variable needs at least one segment.
    expect(matcher.match('GET', ['files'])).toBeUndefined();
  });

  it('matches ANY for every verb but prefers the exact verb', () => {
    const matcher = new RouteMatcher([method('ANY', '/items'), method('GET', '/items')]);
    expect(matchedName(matcher, 'GET', '/items')).toBe('GET /items');
    expect(matchedName(matcher, 'PATCH', '/items')).toBe('ANY /items');
    expect(matchedName(matcher, 'post', '/items')).toBe('ANY /items');
  });

  it('falls back to a less specific resource when the specific one lacks the verb', () => {
    const matcher = new RouteMatcher([method('GET', '/products'), method('ANY', '/{proxy+}')]);
    expect(matchedName(matcher, 'POST', '/products')).toBe('ANY /{proxy+}');
  });

  it('backtracks from a literal branch that leads nowhere', () => {
    const matcher = new RouteMatcher([method('GET', '/a/c'), method('GET', '/{x}/b')]);
    expect(matchedName(matcher, 'GET', '/a/b')).toBe('GET /{x}/b');
    expect(matcher.match('GET', ['a', 'b'])?.pathParameters).toEqual({ x: 'a' });
  });

  it('matches the root resource and ignores empty segments', () => {
    const matcher = new RouteMatcher([method('GET', '/'), method('GET', '/products')]);
    expect(matchedName(matcher, 'GET', '/')).toBe('GET /');
    expect(matchedName(matcher, 'GET', '//products/')).toBe('GET /products');
  });

  it('returns undefined when no method matches', () => {
    const matcher = new RouteMatcher([method('GET', '/products')]);
    expect(matcher.match('POST', ['products'])).toBeUndefined();
    expect(matcher.match('GET', ['orders'])).toBeUndefined();
  });

  it('rejects models API Gateway would not deploy', () => {
    expect(() => new RouteMatcher([method('GET', '/{proxy+}/x')])).toThrow(InvalidRouteError);
    expect(() => new RouteMatcher([method('GET', '/a/{id}'), method('GET', '/a/{key}')])).toThrow(InvalidRouteError);
    expect(() => new RouteMatcher([method('GET', '/a'), method('GET', '/a')])).toThrow(InvalidRouteError);
    expect(() => new RouteMatcher([method('GET', 'products')])).toThrow(InvalidRouteError);
    expect(() => new RouteMatcher([method('GET', '/a{id}')])).toThrow(InvalidRouteError);
  });
});
