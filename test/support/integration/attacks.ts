/**
 * What an attacker (and the attack tests) can do beyond an ordinary client (../client): forge
 * and tamper with tokens, steal a pool's key; and the silo tenants the attack files share.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJwt, type TenantConfig, tenantConfig, waitFor } from '../client';
import { cloud, onboardedTenant, sessionOf, type TenantSession } from './cloud';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The key cognito-local ships in its npm package. The local Cognito does not sign with it (each
 * pool has its own key, as on AWS), so a token signed with it must be refused like a stranger's.
 */
export const publishedCognitoLocalKey: KeyObject = createPrivateKey({
  key: (require('cognito-local/lib/keys/cognitoLocal.private.json') as { jwk: Record<string, unknown> }).jwk as never,
  format: 'jwk',
});

/** A key nobody trusts. */
export const strangerKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/**
 * The private key of the pool that issued `payload` (by its `iss`), read from the local cloud's
 * data directory: the tests play an attacker who stole a pool's key, to show that the other
 * rules (expiry, audience, token use, issuer, registry, group) hold even when the signature is
 * valid. Undefined for an issuer that is no local pool.
 */
function issuingPoolKey(payload: Record<string, unknown>): { key: KeyObject; kid: string } | undefined {
  const issuer = String(payload.iss ?? '');
  const file = path.join(cloud().dataDir, 'cognito', 'pool-keys', `${issuer.slice(issuer.lastIndexOf('/') + 1)}.json`);
  if (!fs.existsSync(file)) return undefined;
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { kid: string; privateJwk: Record<string, unknown> };
  return { key: createPrivateKey({ key: stored.privateJwk as never, format: 'jwk' }), kid: stored.kid };
}

/** Signs `payload` with `key`, by default with the issuing pool's own key (a stolen key). */
export function signJwt(payload: Record<string, unknown>, key?: KeyObject, header?: Record<string, unknown>): string {
  const insider = key ? undefined : issuingPoolKey(payload);
  const signingKey = key ?? insider?.key ?? publishedCognitoLocalKey;
  const unsigned = `${encode(header ?? { alg: 'RS256', kid: insider?.kid ?? 'CognitoLocal' })}.${encode(payload)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), signingKey).toString('base64url')}`;
}

/** A genuine token with its payload replaced and the original signature kept. */
export function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode({ ...decodeJwt(token), ...changes })}.${signature}`;
}

/** The tenant config of a session's tenant. */
export async function tenantConfigOf(session: TenantSession): Promise<TenantConfig> {
  return (await tenantConfig(cloud(), session.tenantName)).body;
}

type SessionData = Omit<TenantSession, 'api'>;

let sharedSilos: Promise<readonly [TenantSession, TenantSession]> | undefined;

/**
 * Two PLATINUM (silo) tenants shared by every attack file. A silo onboarding (pipeline and stack
 * deployment) takes seconds, so the first file that asks onboards them once per run and leaves
 * them in the run's data directory for the others (each file has its own module instance). A
 * lock keeps a second file that asks meanwhile from onboarding another pair. Attack files must
 * leave them as they found them: no deactivation, no disabled admin.
 */
export function sharedSiloTenants(): Promise<readonly [TenantSession, TenantSession]> {
  sharedSilos ??= loadOrOnboardSilos();
  return sharedSilos;
}

async function loadOrOnboardSilos(): Promise<readonly [TenantSession, TenantSession]> {
  const file = path.join(cloud().dataDir, 'attack-silo-tenants.json');
  const read = () => {
    const shared = JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions?: SessionData[]; error?: string };
    if (!shared.sessions) throw new Error(`the shared silo tenants could not be onboarded: ${shared.error}`);
    return shared.sessions.map(sessionOf) as [TenantSession, TenantSession];
  };
  try {
    fs.mkdirSync(`${file}.lock`);
  } catch {
    await waitFor(async () => (fs.existsSync(file) ? true : undefined), 'the shared silo tenants', 60_000);
    return read();
  }
  try {
    const sessions = await Promise.all([onboardedTenant('silo-a', 'PLATINUM'), onboardedTenant('silo-b', 'PLATINUM')]);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ sessions: sessions.map(({ api: _api, ...data }) => data) }));
    fs.renameSync(`${file}.tmp`, file);
    return sessions;
  } catch (error) {
    fs.writeFileSync(file, JSON.stringify({ error: String(error) }));
    throw error;
  }
}
