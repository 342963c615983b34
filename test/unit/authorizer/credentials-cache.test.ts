import { describe, expect, it, vi } from 'vitest';
import { type ScopedCredentials, TenantCredentialsCache } from '../../../authorizer/credentials-cache';

const HOUR = 3_600_000;
const MARGIN = 180_000;

function fakeSts(now: () => number, lifetimeMs = HOUR) {
  let issued = 0;
  const assume = vi.fn(async (tenantId: string): Promise<ScopedCredentials> => {
    issued += 1;
    return {
      accessKeyId: `ASIA-${tenantId}-${issued}`,
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(now() + lifetimeMs),
    };
  });
  return assume;
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('tenant credentials cache', () => {
  it('assumes the role once per tenant and serves every later request from the cache', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now });

    const first = await cache.get('tenant-a');
    for (let i = 0; i < 100; i++) expect(await cache.get('tenant-a')).toBe(first);

    expect(assume).toHaveBeenCalledTimes(1);
    expect(cache.misses).toBe(1);
  });

  it('keeps separate credentials per tenant', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now });

    const a = await cache.get('tenant-a');
    const b = await cache.get('tenant-b');

    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(assume.mock.calls.map(([tenant]) => tenant)).toEqual(['tenant-a', 'tenant-b']);
  });

  it('shares one AssumeRole between concurrent misses of a tenant', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now });

    const all = await Promise.all(Array.from({ length: 50 }, () => cache.get('tenant-a')));

    expect(new Set(all).size).toBe(1);
    expect(assume).toHaveBeenCalledTimes(1);
  });

  it('refreshes shortly before expiry, not after', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now });
    const first = await cache.get('tenant-a');

    time.advance(HOUR - MARGIN - 1);
    expect(await cache.get('tenant-a')).toBe(first);
    time.advance(1);
    const second = await cache.get('tenant-a');

    expect(second).not.toBe(first);
    expect(second.expiration.getTime() - time.now()).toBeGreaterThan(MARGIN);
    expect(assume).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used tenant beyond its bound', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now, maxEntries: 2 });

    await cache.get('tenant-a');
    await cache.get('tenant-b');
    await cache.get('tenant-a'); // a is now more recent than b
    await cache.get('tenant-c'); // evicts b

    expect(cache.size).toBe(2);
    await cache.get('tenant-a');
    expect(assume).toHaveBeenCalledTimes(3);
    await cache.get('tenant-b');
    expect(assume).toHaveBeenCalledTimes(4);
  });

  it('does not cache a failure: the next request tries STS again', async () => {
    const time = clock();
    const assume = fakeSts(time.now);
    assume.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const cache = new TenantCredentialsCache({ assume, refreshBeforeExpiryMs: MARGIN, now: time.now });

    await expect(cache.get('tenant-a')).rejects.toThrow('Rate exceeded');
    await expect(cache.get('tenant-a')).resolves.toMatchObject({ accessKeyId: expect.stringContaining('tenant-a') });
  });

  it('refuses credentials that would expire within the margin (a misconfigured session duration)', async () => {
    const time = clock();
    const cache = new TenantCredentialsCache({
      assume: fakeSts(time.now, MARGIN),
      refreshBeforeExpiryMs: MARGIN,
      now: time.now,
    });

    await expect(cache.get('tenant-a')).rejects.toThrow(/sooner than/);
    expect(cache.size).toBe(0);
  });
});
