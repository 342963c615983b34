/**
 * The quota of a usage plan: requests per calendar period per API key. Pure: the caller
 * passes the time.
 *
 * API Gateway counts quotas per UTC calendar period (a DAY is 00:00–24:00 UTC, not a sliding
 * 24 hours). WEEK starts on Monday 00:00 UTC here (ISO weeks); MONTH on the 1st, 00:00 UTC.
 */

/** A quota period as in `QuotaSettings.period`. */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** The UTC calendar window `[start, end)` (epoch ms) that contains `now`. */
export function quotaWindow(period: QuotaPeriod, now: number): { readonly start: number; readonly end: number } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (period) {
    case 'DAY': {
      const start = Date.UTC(year, month, day);
      return { start, end: Date.UTC(year, month, day + 1) };
    }
    case 'WEEK': {
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      return { start: Date.UTC(year, month, day - sinceMonday), end: Date.UTC(year, month, day - sinceMonday + 7) };
    }
    case 'MONTH':
      return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  }
}

/** Result of counting a request against a quota. */
export type QuotaResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** Counts requests in the current period and refuses them over `limit`. */
export class QuotaCounter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowEnd = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    readonly limit: number,
    readonly period: QuotaPeriod,
  ) {}

  private roll(now: number): void {
    if (now >= this.windowStart && now < this.windowEnd) return;
    const window = quotaWindow(this.period, now);
    this.windowStart = window.start;
    this.windowEnd = window.end;
    this.used = 0;
  }

  /** Requests left in the period containing `now`. */
  remaining(now: number): number {
    this.roll(now);
    return Math.max(0, this.limit - this.used);
  }

  /** Without counting: would a request at `now` be refused, and until when. */
  check(now: number): QuotaResult {
    this.roll(now);
    if (this.used < this.limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((this.windowEnd - now) / 1000)) };
  }

  /** Counts one request at `now`; refuses it (uncounted) if the quota is used up. */
  consume(now: number): QuotaResult {
    const result = this.check(now);
    if (result.ok) this.used += 1;
    return result;
  }
}
