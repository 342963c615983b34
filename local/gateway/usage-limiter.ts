/**
 * Applies a usage plan's throttle and quota to one API key. State is kept per (plan, key), so
 * one key's traffic never affects another's. Pure: the caller passes the time.
 */
import { QuotaCounter } from './quota';
import { TokenBucket } from './token-bucket';
import type { UsagePlanModel } from './types';

/** Why a request was refused. */
export type LimitReason = 'THROTTLED' | 'QUOTA_EXCEEDED';

/** Outcome of {@link UsageLimiter.admit}. */
export type AdmitResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: LimitReason; readonly retryAfterSeconds: number };

interface KeyState {
  bucket?: TokenBucket;
  quota?: QuotaCounter;
}

/** Token buckets and quota counters for every (usage plan, API key) pair seen so far. */
export class UsageLimiter {
  private readonly states = new Map<string, KeyState>();

  /**
   * Admits or refuses one request of `keyId` under `plan`. The quota is checked first (a key
   * over quota gets the long Retry-After, not a misleading 1 s), a throttled request does not
   * count against the quota, and a quota-refused request does not take a token.
   */
  admit(plan: UsagePlanModel, keyId: string, now: number): AdmitResult {
    const state = this.stateOf(plan, keyId, now);
    if (state.quota) {
      const quota = state.quota.check(now);
      if (!quota.ok) return { ok: false, reason: 'QUOTA_EXCEEDED', retryAfterSeconds: quota.retryAfterSeconds };
    }
    if (state.bucket) {
      const taken = state.bucket.take(now);
      if (!taken.ok) return { ok: false, reason: 'THROTTLED', retryAfterSeconds: taken.retryAfterSeconds };
    }
    state.quota?.consume(now);
    return { ok: true };
  }

  /** Forgets the state of one key (after the key is removed from a plan or deleted). */
  forgetKey(keyId: string): void {
    for (const id of this.states.keys()) {
      if (id.endsWith(`\u0000${keyId}`)) this.states.delete(id);
    }
  }

  private stateOf(plan: UsagePlanModel, keyId: string, now: number): KeyState {
    const id = `${plan.id}\u0000${keyId}`;
    let state = this.states.get(id);
    if (!state) {
      state = {};
      this.states.set(id, state);
    }
    // A re-registered plan with new limits takes effect at once; unchanged limits keep their state.
    const throttle = plan.throttle;
    if (!throttle) {
      state.bucket = undefined;
    } else if (state.bucket?.rateLimit !== throttle.rateLimit || state.bucket.burstLimit !== throttle.burstLimit) {
      state.bucket = new TokenBucket(throttle.rateLimit, throttle.burstLimit, now);
    }
    const quota = plan.quota;
    if (!quota) {
      state.quota = undefined;
    } else if (state.quota?.limit !== quota.limit || state.quota.period !== quota.period) {
      state.quota = new QuotaCounter(quota.limit, quota.period);
    }
    return state;
  }
}
