/**
 * Verifies Cognito ID tokens of several user pools with aws-jwt-verify. On AWS the verifier
 * fetches each pool's JWKS itself (and caches it); on the local cloud only the fetcher differs
 * (shared/local-cloud-endpoints.ts), and the verifier checks issuer, audience, token use, expiry
 * and signature exactly as on AWS.
 *
 * Pools come from configuration (operator, pooled, a silo stack's own) or, where the API
 * serves silo tenants too (the control plane), from a resolver that names the one app client
 * a pool outside the configuration may use. The resolver sees the token *before* it is
 * verified, so it must only answer from trusted data (the tenant registry); the token is then
 * verified against what it answered, and an unverified issuer never makes the authorizer fetch
 * a JWKS the registry does not name.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { CognitoIdTokenPayload, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { localJwksFetcher } from '../functions/shared/local-cloud-endpoints';
import { TtlCache } from '../functions/shared/ttl-cache';

export interface TrustedPool {
  readonly userPoolId: string;
  readonly clientId: string;
}

export interface VerifiedToken {
  readonly userPoolId: string;
  readonly payload: CognitoIdTokenPayload;
}

/**
 * Names the trusted app client of `userPoolId` (the token's unverified issuer pool) for a
 * token with these unverified claims, or undefined when the pool is not trusted for them.
 */
export type PoolResolver = (userPoolId: string, unverifiedClaims: JwtPayload) => Promise<TrustedPool | undefined>;

export interface TokenVerifierOptions {
  /** Pools trusted by configuration. */
  readonly pools: readonly TrustedPool[];
  /** Pools trusted by data (silo tenants' pools); absent: only `pools` are trusted. */
  readonly resolvePool?: PoolResolver;
  /** Where the pools' JWKS come from (tests inject one). @default fetched from Cognito (on the local cloud: its emulator) */
  readonly jwksCache?: SimpleJwksCache;
  /** Verifiers kept for resolved pools (least recently used go first). @default 1000 */
  readonly maxResolvedPools?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** `https://cognito-idp.<region>.amazonaws.com/<poolId>` → poolId; undefined for any other issuer. */
export function cognitoPoolIdOf(issuer: unknown): string | undefined {
  if (typeof issuer !== 'string') return undefined;
  return /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+_[0-9A-Za-z]+)$/.exec(issuer)?.[1];
}

/** Verifies a token for one pool (or the configured set); rejects when it is not valid. */
type PoolVerifier = (token: string) => Promise<unknown>;

/** A resolved pool's verifier is reused for an hour; its JWKS lives in the shared cache meanwhile. */
const RESOLVED_VERIFIER_TTL_MS = 3_600_000;

export class TokenVerifier {
  private readonly configured: PoolVerifier | undefined = undefined;
  private readonly configuredPools: ReadonlySet<string>;
  /** One JWKS cache for every pool (keyed by JWKS URI inside), so each pool's keys are fetched once. */
  private readonly jwksCache: SimpleJwksCache;
  private readonly resolved: TtlCache<PoolVerifier>;
  private readonly now: () => number;

  constructor(private readonly options: TokenVerifierOptions) {
    this.jwksCache = options.jwksCache ?? new SimpleJwksCache({ fetcher: localJwksFetcher() });
    this.configuredPools = new Set(options.pools.map((pool) => pool.userPoolId));
    if (options.pools.length > 0) {
      const verifier = CognitoJwtVerifier.create(
        options.pools.map((pool) => ({
          userPoolId: pool.userPoolId,
          clientId: pool.clientId,
          tokenUse: 'id' as const,
        })),
        { jwksCache: this.jwksCache },
      );
      this.configured = (token) => verifier.verify(token);
    }
    this.resolved = new TtlCache(options.maxResolvedPools ?? 1000);
    this.now = options.now ?? Date.now;
  }

  /**
   * Resolves the verified token, or undefined when it is not a valid ID token of a trusted pool.
   * A failing resolver (registry unreachable) rejects: that is an outage, not a bad token.
   */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    let claims: JwtPayload;
    try {
      claims = decomposeUnverifiedJwt(token).payload;
    } catch {
      return undefined;
    }
    const userPoolId = cognitoPoolIdOf(claims.iss);
    if (!userPoolId) return undefined;
    const verifier = this.configuredPools.has(userPoolId)
      ? this.configured
      : await this.resolvedVerifier(userPoolId, claims);
    if (!verifier) return undefined;
    try {
      return { userPoolId, payload: (await verifier(token)) as CognitoIdTokenPayload };
    } catch {
      return undefined;
    }
  }

  private async resolvedVerifier(userPoolId: string, claims: JwtPayload): Promise<PoolVerifier | undefined> {
    const pool = await this.options.resolvePool?.(userPoolId, claims);
    // The resolver must answer for this very pool: anything else would verify against a pool
    // the token's issuer is not.
    if (!pool || pool.userPoolId !== userPoolId) return undefined;
    const key = `${pool.userPoolId} ${pool.clientId}`;
    const cached = this.resolved.get(key, this.now());
    if (cached) return cached;
    const single = CognitoJwtVerifier.create(
      { userPoolId: pool.userPoolId, clientId: pool.clientId, tokenUse: 'id' },
      { jwksCache: this.jwksCache },
    );
    const verifier: PoolVerifier = (token) => single.verify(token);
    this.resolved.set(key, verifier, RESOLVED_VERIFIER_TTL_MS, this.now());
    return verifier;
  }
}
