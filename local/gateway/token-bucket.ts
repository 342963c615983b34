/**
 * The throttle of a usage plan: a token bucket per API key. Pure: the caller passes the time.
 */

/** Result of taking a token. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/**
 * A token bucket of `burstLimit` tokens refilled at `rateLimit` tokens per second, starting
 * full (API Gateway lets a fresh key burst immediately).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly rateLimit: number,
    readonly burstLimit: number,
    now: number,
  ) {
    this.tokens = Math.max(0, burstLimit);
    this.updatedAt = now;
  }

  private refill(now: number): void {
    // A clock that steps backwards (tests, NTP) must not drain the bucket.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(Math.max(0, this.burstLimit), this.tokens + (elapsedMs * this.rateLimit) / 1000);
    this.updatedAt = Math.max(this.updatedAt, now);
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes one token if there is one; otherwise says when the next one will be there. */
  take(now: number): TakeResult {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    // With a burst below one token or no refill, no wait would ever succeed; 60 s is a polite back-off.
    if (this.rateLimit <= 0 || this.burstLimit < 1) return { ok: false, retryAfterSeconds: 60 };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.rateLimit)) };
  }
}
