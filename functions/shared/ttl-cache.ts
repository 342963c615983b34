/**
 * A bounded cache with a per-entry expiry (the local gateway's authorizer results, the
 * authorizer's registry lookups and token verifiers). Pure: the caller passes the time.
 * Least-recently-used entries go first when full, so a flood of distinct keys cannot grow
 * memory without bound.
 */
export class TtlCache<V> {
  // A Map iterates in insertion order; re-inserting on read makes that order LRU.
  private readonly entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  /** The value for `key` if it has not expired at `now`. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (now >= entry.expiresAt) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` until `now + ttlMs`; a TTL of 0 or less stores nothing. */
  set(key: string, value: V, ttlMs: number, now: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Removes every entry whose key starts with `prefix` (e.g. one API's results on re-deploy). */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
