/**
 * One signing key per user pool, as on AWS. cognito-local signs every pool's tokens with one RSA
 * key that ships in its npm package, so with it anyone could mint a token that any local pool's
 * JWKS accepts. The local Cognito therefore re-signs the tokens cognito-local issues with the
 * issuing pool's own key (generated at the pool's first sign-in, kept under the data directory
 * so tokens survive a restart) and publishes that key as the pool's JWKS.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readJson, writeJsonAtomic } from './json-file-store';

const generateRsaKeyPair = promisify(generateKeyPair);
const POOL_ID = /^[\w-]+_[0-9A-Za-z]+$/;

interface PoolKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

type Claims = Record<string, unknown>;

function decodePart(part: string | undefined): Claims | undefined {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** `https://cognito-idp.<region>.amazonaws.com/<poolId>` → poolId (undefined for anything else). */
function poolIdOf(claims: Claims | undefined): string | undefined {
  const issuer = claims?.iss;
  const poolId = typeof issuer === 'string' ? issuer.slice(issuer.lastIndexOf('/') + 1) : '';
  return POOL_ID.test(poolId) ? poolId : undefined;
}

export class PoolSigningKeys {
  private readonly keys = new Map<string, Promise<PoolKey>>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The pool's JWKS document (its one public key), as Cognito serves it. */
  async jwks(poolId: string): Promise<{ keys: Claims[] }> {
    const key = await this.keyOf(poolId);
    return { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** The token with the same claims, signed by its issuing pool's own key. */
  async resign(token: string): Promise<string> {
    const [, payload] = token.split('.');
    const poolId = poolIdOf(decodePart(payload));
    if (!payload || !poolId) throw new Error('Not a token of a local user pool');
    const key = await this.keyOf(poolId);
    const header = Buffer.from(JSON.stringify({ kid: key.kid, alg: 'RS256' })).toString('base64url');
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key.privateKey);
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }

  /** The token's claims if its issuing pool's key signed it (RS256), else undefined. Expiry is the caller's. */
  async verify(token: unknown): Promise<Claims | undefined> {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const claims = decodePart(payload);
    const poolId = poolIdOf(claims);
    if (!poolId || decodePart(header)?.alg !== 'RS256') return undefined;
    // A pool that never signed anything has no key: a made-up issuer must not make one.
    const key = await this.keyOf(poolId, { create: false });
    if (!key) return undefined;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      key.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    return signed ? claims : undefined;
  }

  /** Loads the pool's key, or creates it once (concurrent first uses share one generation). */
  private keyOf(poolId: string): Promise<PoolKey>;
  private keyOf(poolId: string, options: { create: false }): Promise<PoolKey | undefined>;
  private keyOf(poolId: string, options = { create: true }): Promise<PoolKey | undefined> {
    const known = this.keys.get(poolId);
    if (known) return known;
    const stored = this.load(poolId);
    if (!stored && !options.create) return Promise.resolve(undefined);
    const key = stored ? Promise.resolve(stored) : this.create(poolId);
    this.keys.set(poolId, key);
    key.catch(() => this.keys.delete(poolId));
    return key;
  }

  private load(poolId: string): PoolKey | undefined {
    const stored = readJson(join(this.dir, `${poolId}.json`)) as
      | { kid: string; privateJwk: Record<string, unknown> }
      | undefined;
    if (!stored) return undefined;
    const privateKey = createPrivateKey({ key: stored.privateJwk as never, format: 'jwk' });
    return { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
  }

  private async create(poolId: string): Promise<PoolKey> {
    const file = join(this.dir, `${poolId}.json`);
    const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    writeJsonAtomic(file, { kid, privateJwk: privateKey.export({ format: 'jwk' }) });
    return { kid, privateKey, publicKey };
  }
}
