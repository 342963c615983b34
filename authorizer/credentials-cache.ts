/**
 * Tenant-scoped STS credentials, cached per tenant (not per token or user): every user of a
 * tenant shares one session, so 10,000 requests from 50 users of one tenant cost one AssumeRole.
 *
 * - An entry is reused until `refreshBeforeExpiryMs` before it expires. That margin must cover
 *   the API Gateway authorizer result TTL (API Gateway hands the cached context, credentials
 *   included, to functions for that long) plus a function's run time.
 * - Concurrent misses for one tenant share a single AssumeRole call.
 * - At most `maxEntries` tenants are kept (least recently used goes first), so a flood of
 *   tenants cannot grow the authorizer's memory without bound.
 * - Failures are not cached: the next request tries again.
 */

export interface ScopedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface CredentialsCacheOptions {
  /** Obtains fresh credentials for a tenant (STS AssumeRole with the tenant's session policy). */
  readonly assume: (tenantId: string) => Promise<ScopedCredentials>;
  /** Refresh when an entry has less than this left. */
  readonly refreshBeforeExpiryMs: number;
  /** @default 1000 */
  readonly maxEntries?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class TenantCredentialsCache {
  private readonly entries = new Map<string, ScopedCredentials>();
  private readonly pending = new Map<string, Promise<ScopedCredentials>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** AssumeRole calls made (for metrics and tests). */
  misses = 0;

  constructor(private readonly options: CredentialsCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
    if (this.maxEntries < 1) throw new Error('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  async get(tenantId: string): Promise<ScopedCredentials> {
    const cached = this.entries.get(tenantId);
    if (cached && cached.expiration.getTime() - this.now() > this.options.refreshBeforeExpiryMs) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(tenantId);
      this.entries.set(tenantId, cached);
      return cached;
    }
    const inflight = this.pending.get(tenantId);
    if (inflight) return inflight;
    const request = this.fetch(tenantId);
    this.pending.set(tenantId, request);
    try {
      return await request;
    } finally {
      this.pending.delete(tenantId);
    }
  }

  private async fetch(tenantId: string): Promise<ScopedCredentials> {
    this.misses += 1;
    const credentials = await this.options.assume(tenantId);
    if (credentials.expiration.getTime() - this.now() <= this.options.refreshBeforeExpiryMs) {
      throw new Error(
        `STS credentials for ${tenantId} expire at ${credentials.expiration.toISOString()}, sooner than the ${this.options.refreshBeforeExpiryMs} ms they must stay valid`,
      );
    }
    this.entries.delete(tenantId);
    this.entries.set(tenantId, credentials);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return credentials;
  }
}
