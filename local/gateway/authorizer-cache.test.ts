import { describe, expect, it } from 'vitest';
import { createCache } from '../../test/support/local/gateway';
import { AuthorizerCache, authorizerCacheKey, type CachedAuthorization } from './authorizer-cache';
import { compilePolicy } from './policy';

const T0 = Date.UTC(2030, 0, 2, 12);
const GRANT: CachedAuthorization = {
  outcome: {
    kind: 'GRANT',
    grant: {
      principalId: 'u',
      policy: compilePolicy({ Version: '2012-10-17', Statement: [] }),
      context: {},
      usageIdentifierKey: undefined,
    },
  },
  latencyMs: 5,
};
const FAILED: CachedAuthorization = { outcome: { kind: 'CONFIG_ERROR', reason: 'boom' }, latencyMs: 5 };

function counting(result: CachedAuthorization) {
  const invoke = async () => {
    invoke.calls += 1;
    return result;
  };
  invoke.calls = 0;
  return invoke;
}

describe('authorizerCacheKey', () => {
  it('keys by API, authorizer and identity values; none for a TTL of 0 or no identity', () => {
    expect(authorizerCacheKey('api', 'auth', 300, ['tok'])).toBe('api\u0000auth\u0000tok');
    expect(authorizerCacheKey('api', 'auth', 0, ['tok'])).toBeUndefined();
    expect(authorizerCacheKey('api', 'auth', 300, [])).toBeUndefined();
  });
});

describe('AuthorizerCache', () => {
  it('keeps a grant for its TTL from when the invocation ended', async () => {
    let clock = T0;
    const cache = new AuthorizerCache(createCache(10), () => clock);
    const invoke = counting(GRANT);

    const first = await cache.resolve('api\u0000k', 1000, T0, invoke);
    clock = T0 + 999;
    const second = await cache.resolve('api\u0000k', 1000, clock, invoke);
    const third = await cache.resolve('api\u0000k', 1000, T0 + 1000, invoke);

    expect([first.cacheHit, second.cacheHit, third.cacheHit]).toEqual([false, true, false]);
    expect(second.result).toBe(GRANT);
    expect(invoke.calls).toBe(2);
  });

  it('never caches errors, nor without a key', async () => {
    const cache = new AuthorizerCache(createCache(10), () => T0);
    const failing = counting(FAILED);
    const granting = counting(GRANT);

    await cache.resolve('k', 1000, T0, failing);
    await cache.resolve('k', 1000, T0, failing);
    await cache.resolve(undefined, 1000, T0, granting);
    await cache.resolve(undefined, 1000, T0, granting);

    expect([failing.calls, granting.calls]).toEqual([2, 2]);
  });

  it('shares one invocation among concurrent first requests', async () => {
    const cache = new AuthorizerCache(createCache(10), () => T0);
    const invoke = counting(GRANT);

    const results = await Promise.all([1, 2, 3].map(() => cache.resolve('k', 1000, T0, invoke)));

    expect(invoke.calls).toBe(1);
    expect(results.map((r) => r.cacheHit)).toEqual([false, true, true]);
  });

  it('forgets one API’s results only', async () => {
    const cache = new AuthorizerCache(createCache(10), () => T0);
    const invoke = counting(GRANT);
    await cache.resolve('api1\u0000k', 1000, T0, invoke);
    await cache.resolve('api2\u0000k', 1000, T0, invoke);

    cache.forgetApi('api1');

    expect((await cache.resolve('api1\u0000k', 1000, T0, invoke)).cacheHit).toBe(false);
    expect((await cache.resolve('api2\u0000k', 1000, T0, invoke)).cacheHit).toBe(true);
  });
});
