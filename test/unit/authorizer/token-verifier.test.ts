import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cognitoPoolIdOf, type PoolResolver, TokenVerifier } from '../../../authorizer/token-verifier';

const OPERATOR = { userPoolId: 'us-east-1_operators', clientId: 'operator-client' };
const SILO_A = { userPoolId: 'us-east-1_siloA', clientId: 'silo-a-client' };
const SILO_B = { userPoolId: 'us-east-1_siloB', clientId: 'silo-b-client' };
const issuerOf = (userPoolId: string) => `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;

// One key per pool, as on AWS (cognito-local shares one: see README, Security model).
const keys = new Map<string, KeyObject>();
function keyOf(userPoolId: string): KeyObject {
  let key = keys.get(userPoolId);
  if (!key) {
    key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    keys.set(userPoolId, key);
  }
  return key;
}

function idToken(pool: { userPoolId: string; clientId: string }, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    sub: 'user-1',
    iss: issuerOf(pool.userPoolId),
    aud: pool.clientId,
    token_use: 'id',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    'custom:tenantId': 'tenant-s',
    ...claims,
  };
  const unsigned = `${encode({ alg: 'RS256', kid: pool.userPoolId })}.${encode(payload)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), keyOf(pool.userPoolId)).toString('base64url')}`;
}

/** The JWKS document of a pool (its public key). */
function jwksOf(userPoolId: string): string {
  const jwk = keyOf(userPoolId).export({ format: 'jwk' });
  return JSON.stringify({ keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: userPoolId, alg: 'RS256', use: 'sig' }] });
}

/** Serves each pool's JWKS from its key, counting fetches; no network. */
function jwks() {
  const fetches: string[] = [];
  const cache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        fetches.push(uri);
        return new TextEncoder().encode(jwksOf(uri.split('/')[3] ?? '')).buffer as ArrayBuffer;
      },
    },
  });
  return { cache, fetches };
}

function verifierWith(resolvePool?: PoolResolver) {
  const { cache, fetches } = jwks();
  const verifier = new TokenVerifier({ pools: [OPERATOR], resolvePool, jwksCache: cache });
  return { verifier, fetches };
}

describe('cognitoPoolIdOf', () => {
  it('reads the pool id of a Cognito issuer only', () => {
    expect(cognitoPoolIdOf(issuerOf('us-east-1_abc123'))).toBe('us-east-1_abc123');
    expect(cognitoPoolIdOf('https://evil.example.com/us-east-1_abc123')).toBeUndefined();
    expect(cognitoPoolIdOf(`${issuerOf('us-east-1_abc123')}/extra`)).toBeUndefined();
    expect(cognitoPoolIdOf(42)).toBeUndefined();
  });
});

describe('TokenVerifier', () => {
  it('verifies an ID token of a configured pool', async () => {
    const { verifier } = verifierWith();

    const verified = await verifier.verify(idToken(OPERATOR));

    expect(verified?.userPoolId).toBe(OPERATOR.userPoolId);
    expect(verified?.payload.aud).toBe(OPERATOR.clientId);
  });

  it('refuses a pool it is not configured for without a resolver, and fetches no key for it', async () => {
    const { verifier, fetches } = verifierWith();

    expect(await verifier.verify(idToken(SILO_A))).toBeUndefined();
    expect(fetches).toEqual([]);
  });

  it('verifies a resolved pool against the app client the resolver names', async () => {
    const resolvePool = vi.fn<PoolResolver>(async (userPoolId) =>
      userPoolId === SILO_A.userPoolId ? SILO_A : undefined,
    );
    const { verifier } = verifierWith(resolvePool);

    const verified = await verifier.verify(idToken(SILO_A));

    expect(verified?.userPoolId).toBe(SILO_A.userPoolId);
    expect(resolvePool).toHaveBeenCalledWith(
      SILO_A.userPoolId,
      expect.objectContaining({ 'custom:tenantId': 'tenant-s' }),
    );
  });

  it('refuses a resolved pool’s token for another app client (audience)', async () => {
    const { verifier } = verifierWith(async () => SILO_A);

    expect(await verifier.verify(idToken({ ...SILO_A, clientId: 'another-client' }))).toBeUndefined();
  });

  it('refuses when the resolver names another pool than the token’s issuer, before fetching a key', async () => {
    const { verifier, fetches } = verifierWith(async () => SILO_B);

    expect(await verifier.verify(idToken(SILO_A))).toBeUndefined();
    expect(fetches).toEqual([]);
  });

  it('refuses a token re-issued under a resolved pool’s issuer but signed by another pool’s key', async () => {
    const { verifier } = verifierWith(async () => SILO_A);
    const forged = idToken(SILO_B, { iss: issuerOf(SILO_A.userPoolId), aud: SILO_A.clientId });

    expect(await verifier.verify(forged)).toBeUndefined();
  });

  it('refuses tokens that are not JWTs or come from a non-Cognito issuer, without asking the resolver', async () => {
    const resolvePool = vi.fn<PoolResolver>(async () => SILO_A);
    const { verifier } = verifierWith(resolvePool);

    expect(await verifier.verify('not.a.jwt')).toBeUndefined();
    expect(await verifier.verify(idToken(SILO_A, { iss: 'https://evil.example.com/us-east-1_siloA' }))).toBeUndefined();
    expect(resolvePool).not.toHaveBeenCalled();
  });

  it('rejects when the resolver fails (a registry outage is not an invalid token)', async () => {
    const { verifier } = verifierWith(async () => {
      throw new Error('registry unreachable');
    });

    await expect(verifier.verify(idToken(SILO_A))).rejects.toThrow('registry unreachable');
  });

  it('fetches each pool’s keys once for many tokens', async () => {
    const { verifier, fetches } = verifierWith(async (userPoolId) =>
      [SILO_A, SILO_B].find((pool) => pool.userPoolId === userPoolId),
    );

    for (let i = 0; i < 5; i++) {
      expect(await verifier.verify(idToken(SILO_A, { sub: `user-${i}` }))).toBeDefined();
      expect(await verifier.verify(idToken(SILO_B, { sub: `user-${i}` }))).toBeDefined();
      expect(await verifier.verify(idToken(OPERATOR, { sub: `user-${i}` }))).toBeDefined();
    }

    expect(fetches.sort()).toEqual(
      [OPERATOR, SILO_A, SILO_B].map((pool) => `${issuerOf(pool.userPoolId)}/.well-known/jwks.json`).sort(),
    );
  });
});

describe('TokenVerifier on the local cloud', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it("fetches the pools' keys from the Cognito emulator, and verifies as on AWS", async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229');
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (uri: string) => {
      fetched.push(uri);
      return new Response(jwksOf(uri.split('/')[3] ?? ''));
    });
    const verifier = new TokenVerifier({ pools: [OPERATOR] });

    const verified = await verifier.verify(idToken(OPERATOR));
    const otherClient = await verifier.verify(idToken({ ...OPERATOR, clientId: 'another-client' }));

    expect(verified?.userPoolId).toBe(OPERATOR.userPoolId);
    expect(otherClient).toBeUndefined();
    expect(fetched).toEqual([`http://127.0.0.1:9229/${OPERATOR.userPoolId}/.well-known/jwks.json`]);
  });
});
