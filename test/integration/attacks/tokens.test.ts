/** Forged, tampered, expired, misdirected and missing tokens on the tenant API → 401/403, never data. */
import { beforeAll, describe, expect, it } from 'vitest';
import { at, http, onboardedTenant, operatorToken, type TenantSession } from '../support/client';
import { decodeJwt } from '../support/jwt';
import { passwordLogin, signJwt, strangerKey, type TenantConfig, tamper, tenantConfigOf } from './support';

let acme: TenantSession;
let globex: TenantSession;
let config: TenantConfig;
let accessToken: string;
let operator: string;

beforeAll(async () => {
  [acme, globex] = await Promise.all([onboardedTenant('tok-a'), onboardedTenant('tok-b')]);
  config = await tenantConfigOf(acme);
  const claims = decodeJwt(acme.idToken);
  accessToken =
    (await passwordLogin(config.appClientId, String(claims['cognito:username']), 'Chosen-Passw0rd!x')).AccessToken ??
    '';
  operator = await operatorToken();
});

const now = () => Math.floor(Date.now() / 1000);
const claimsOf = () => decodeJwt(acme.idToken);

const ATTACKS: Array<[string, () => string | undefined, number]> = [
  ['no token', () => undefined, 401],
  ['a token that is not a JWT', () => 'not.a.jwt', 401],
  [
    'a tampered payload (tenant changed, signature kept)',
    () => tamper(acme.idToken, { 'custom:tenantId': globex.tenantId, 'cognito:groups': [globex.tenantId] }),
    401,
  ],
  [
    'a tampered payload (role raised, signature kept)',
    () => tamper(acme.idToken, { 'custom:userRole': 'SystemAdmin' }),
    401,
  ],
  ['the right claims signed with a stranger’s key', () => signJwt(claimsOf(), strangerKey), 401],
  [
    'alg "none" without signature',
    () =>
      `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'CognitoLocal' })).toString('base64url')}.${acme.idToken.split('.')[1]}.`,
    401,
  ],
  ['alg HS256 (key confusion)', () => signJwt(claimsOf(), strangerKey, { alg: 'HS256', kid: 'CognitoLocal' }), 401],
  ['an expired token (otherwise valid)', () => signJwt({ ...claimsOf(), iat: now() - 7200, exp: now() - 3600 }), 401],
  ['a token for another app client (wrong audience)', () => signJwt({ ...claimsOf(), aud: 'another-app-client' }), 401],
  [
    'a token of another user pool (wrong issuer)',
    () => signJwt({ ...claimsOf(), iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_NotTrusted' }),
    401,
  ],
  ['an access token instead of an ID token', () => accessToken, 401],
  ['an operator’s ID token (operator pool, not trusted by the tenant API)', () => operator, 401],
  [
    'a valid signature claiming another tenant without its group',
    () => signJwt({ ...claimsOf(), 'custom:tenantId': globex.tenantId }),
    403,
  ],
  [
    'a valid signature claiming SystemAdmin from the tenant pool',
    () => signJwt({ ...claimsOf(), 'custom:userRole': 'SystemAdmin' }),
    403,
  ],
  ['a valid signature with an unknown role', () => signJwt({ ...claimsOf(), 'custom:userRole': 'Root' }), 403],
  [
    'a valid signature for a tenant that does not exist',
    () => signJwt({ ...claimsOf(), 'custom:tenantId': 'no-such-tenant', 'cognito:groups': ['no-such-tenant'] }),
    403,
  ],
];

describe('token attacks on the tenant API', () => {
  it.each(ATTACKS)('%s → %i', async (_name, token, status) => {
    const response = await http('GET', at(acme.apiUrl, '/products'), { token: token() });

    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body)).not.toContain('items');
  });

  it('a Basic authorization header is not a bearer token → 401', async () => {
    const response = await http('GET', at(acme.apiUrl, '/products'), {
      headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });

    expect(response.status).toBe(401);
  });

  it('the genuine token still works (the attacks above are not false alarms)', async () => {
    expect((await http('GET', at(acme.apiUrl, '/products'), { token: acme.idToken })).status).toBe(200);
  });
});
