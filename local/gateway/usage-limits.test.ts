import { describe, expect, it } from 'vitest';
import { QuotaCounter, quotaWindow } from './quota';
import { TokenBucket } from './token-bucket';
import type { UsagePlanModel } from './types';
import { UsageLimiter } from './usage-limiter';

const T0 = Date.UTC(2030, 0, 2, 12, 0, 0); // Wednesday 2 January 2030, 12:00 UTC

describe('TokenBucket', () => {
  it('starts full and admits a burst of burstLimit requests', () => {
    const bucket = new TokenBucket(1, 3, T0);
    expect([bucket.take(T0), bucket.take(T0), bucket.take(T0)].every((r) => r.ok)).toBe(true);
    expect(bucket.take(T0)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('refills at rateLimit tokens per second, never above burstLimit', () => {
    const bucket = new TokenBucket(10, 5, T0);
    for (let i = 0; i < 5; i++) bucket.take(T0);
    expect(bucket.available(T0 + 250)).toBeCloseTo(2.5);
    expect(bucket.available(T0 + 60_000)).toBe(5);
  });

  it('says how long until the next token', () => {
    const bucket = new TokenBucket(0.25, 1, T0);
    bucket.take(T0);
    expect(bucket.take(T0 + 1000)).toEqual({ ok: false, retryAfterSeconds: 3 });
  });

  it('does not drain when the clock steps backwards', () => {
    const bucket = new TokenBucket(1, 2, T0);
    bucket.take(T0);
    expect(bucket.available(T0 - 5000)).toBe(1);
  });
});

describe('quotaWindow', () => {
  it('uses UTC calendar days, ISO weeks and months', () => {
    expect(quotaWindow('DAY', T0)).toEqual({ start: Date.UTC(2030, 0, 2), end: Date.UTC(2030, 0, 3) });
    expect(quotaWindow('WEEK', T0)).toEqual({ start: Date.UTC(2029, 11, 31), end: Date.UTC(2030, 0, 7) });
    expect(quotaWindow('MONTH', Date.UTC(2030, 11, 31, 23))).toEqual({
      start: Date.UTC(2030, 11, 1),
      end: Date.UTC(2031, 0, 1),
    });
  });
});

describe('QuotaCounter', () => {
  it('refuses requests over the limit until the period ends', () => {
    const quota = new QuotaCounter(2, 'DAY');
    expect(quota.consume(T0).ok).toBe(true);
    expect(quota.consume(T0).ok).toBe(true);
    expect(quota.consume(T0)).toEqual({ ok: false, retryAfterSeconds: 12 * 3600 });
    expect(quota.remaining(T0)).toBe(0);
  });

  it('starts over in the next period', () => {
    const quota = new QuotaCounter(1, 'DAY');
    quota.consume(T0);
    expect(quota.consume(Date.UTC(2030, 0, 3)).ok).toBe(true);
  });
});

describe('UsageLimiter', () => {
  const plan: UsagePlanModel = {
    id: 'plan',
    name: 'plan',
    throttle: { rateLimit: 1, burstLimit: 2 },
    quota: { limit: 3, period: 'DAY' },
    apiStages: [],
  };

  it('throttles one key without affecting another', () => {
    const limiter = new UsageLimiter();
    expect(limiter.admit(plan, 'a', T0).ok).toBe(true);
    expect(limiter.admit(plan, 'a', T0).ok).toBe(true);
    expect(limiter.admit(plan, 'a', T0)).toEqual({ ok: false, reason: 'THROTTLED', retryAfterSeconds: 1 });
    expect(limiter.admit(plan, 'b', T0).ok).toBe(true);
  });

  it('does not count throttled requests against the quota', () => {
    const limiter = new UsageLimiter();
    limiter.admit(plan, 'a', T0);
    limiter.admit(plan, 'a', T0);
    limiter.admit(plan, 'a', T0); // throttled
    expect(limiter.admit(plan, 'a', T0 + 1000).ok).toBe(true); // third counted request
    const over = limiter.admit(plan, 'a', T0 + 5000);
    expect(over).toEqual({ ok: false, reason: 'QUOTA_EXCEEDED', retryAfterSeconds: 12 * 3600 - 5 });
  });

  it('applies changed plan limits at once', () => {
    const limiter = new UsageLimiter();
    limiter.admit(plan, 'a', T0);
    limiter.admit(plan, 'a', T0);
    const bigger: UsagePlanModel = { ...plan, throttle: { rateLimit: 10, burstLimit: 10 } };
    expect(limiter.admit(bigger, 'a', T0).ok).toBe(true);
  });

  it('forgets a key, so a key re-added to a plan starts fresh', () => {
    const limiter = new UsageLimiter();
    limiter.admit(plan, 'a', T0);
    limiter.admit(plan, 'a', T0);
    limiter.forgetKey('a');
    expect(limiter.admit(plan, 'a', T0).ok).toBe(true);
  });

  it('admits everything when the plan has neither throttle nor quota', () => {
    const limiter = new UsageLimiter();
    const open: UsagePlanModel = { id: 'open', name: 'open', apiStages: [] };
    for (let i = 0; i < 100; i++) expect(limiter.admit(open, 'a', T0).ok).toBe(true);
  });
});
