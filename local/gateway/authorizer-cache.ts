/**
 * The authorizer result cache: a policy is kept for the authorizer's TTL under the request's
 * identity-source values, and concurrent first requests with one identity share one
 * invocation. Pure: the caller passes the time and the invocation.
 */
import type { AuthorizerOutcome } from './authorizer-result';

/**
 * A bounded store whose entries expire (functions/shared's TtlCache has this shape). Injected:
 * the emulator imports no product code.
 */
export interface ExpiringStore<V> {
  /** The value for `key` if it has not expired at `now`. */
  get(key: string, now: number): V | undefined;
  /** Stores `value` until `now + ttlMs`; a TTL of 0 or less stores nothing. */
  set(key: string, value: V, ttlMs: number, now: number): void;
  /** Removes every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void;
}

/** Makes a store of at most `maxEntries` entries, least recently used going first. */
export type ExpiringStoreFactory = <V>(maxEntries: number) => ExpiringStore<V>;

/** One authorizer invocation's outcome and how long it took. */
export interface CachedAuthorization {
  readonly outcome: AuthorizerOutcome;
  readonly latencyMs: number;
}

/** A result and whether it came from the cache (or a shared invocation) rather than a new one. */
export interface CacheLookup {
  readonly result: CachedAuthorization;
  readonly cacheHit: boolean;
}

/**
 * The cache key of a request: API, authorizer and identity-source values; `undefined` (never
 * cached) for a TTL of 0, or without identity values, when every caller would share one entry.
 */
export function authorizerCacheKey(
  restApiId: string,
  authorizerId: string,
  resultTtlSeconds: number,
  identityValues: readonly string[],
): string | undefined {
  return resultTtlSeconds > 0 && identityValues.length > 0
    ? [restApiId, authorizerId, ...identityValues].join('\u0000')
    : undefined;
}

/** Authorizer results by {@link authorizerCacheKey}. */
export class AuthorizerCache {
  private readonly inflight = new Map<string, Promise<CachedAuthorization>>();

  constructor(
    private readonly store: ExpiringStore<CachedAuthorization>,
    private readonly now: () => number,
  ) {}

  /**
   * The result for `key` at time `at`, from the cache, from an invocation in flight for the
   * same key, or from `invoke`. Only policies are cached (Allow and Deny alike, as API Gateway
   * does), for `ttlMs` from when the invocation ends; errors are retried.
   */
  async resolve(
    key: string | undefined,
    ttlMs: number,
    at: number,
    invoke: () => Promise<CachedAuthorization>,
  ): Promise<CacheLookup> {
    if (key === undefined) return { result: await invoke(), cacheHit: false };
    const cached = this.store.get(key, at);
    if (cached) return { result: cached, cacheHit: true };
    const inflight = this.inflight.get(key);
    if (inflight) return { result: await inflight, cacheHit: true };
    const invocation = invoke().then((result) => {
      if (result.outcome.kind === 'GRANT') this.store.set(key, result, ttlMs, this.now());
      return result;
    });
    this.inflight.set(key, invocation);
    try {
      return { result: await invocation, cacheHit: false };
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Forgets an API's results: a re-deploy may change its authorizers, a delete ends them. */
  forgetApi(restApiId: string): void {
    this.store.deletePrefix(`${restApiId}\u0000`);
  }
}
