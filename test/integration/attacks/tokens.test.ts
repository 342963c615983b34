/** Forged, tampered, expired, misdirected and missing tokens on the tenant API → 401/403, never data. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  decodeJwt,
  http,
  NEW_PASSWORD,
  operatorToken,
  passwordLogin,
  type TenantConfig,
} from '../../support/client';
import {
  publishedCognitoLocalKey,
  sharedSiloTenants,
  signJwt,
  strangerKey,
  tamper,
  tenantConfigOf,
} from '../../support/integration/attacks';
import { cloud, onboardedTenant, type TenantSession } from '../../support/integration/cloud';

let acme: TenantSession;
let globex: TenantSession;
let config: TenantConfig;
let accessToken: string;
let operator: string;
let siloA: TenantSession;
let siloB: TenantSession;

beforeAll(async () => {
  [acme, globex, [siloA, siloB]] = await Promise.all([
    onboardedTenant('tok-a'),
    onboardedTenant('tok-b'),
    sharedSiloTenants(),
  ]);
  config = await tenantConfigOf(acme);
  const claims = decodeJwt(acme.idToken);
  accessToken =
    (await passwordLogin(cloud(), config.appClientId, String(claims['cognito:username']), NEW_PASSWORD)).AccessToken ??
    '';
  operator = await operatorToken(cloud());
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
    'the right claims signed with the key published in the cognito-local package',
    () => signJwt(claimsOf(), publishedCognitoLocalKey),
    401,
  ],
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

const issuerOf = (token: string) => String(decodeJwt(token).iss);

/** Each silo API trusts its own pool only; the pooled API trusts the pooled pool only. */
const CROSS_API: Array<[string, () => { apiUrl: string; token: string }]> = [
  ['another silo’s token on a silo API', () => ({ apiUrl: siloA.apiUrl, token: siloB.idToken })],
  ['a silo token on the pooled API', () => ({ apiUrl: acme.apiUrl, token: siloA.idToken })],
  ['a pooled token on a silo API', () => ({ apiUrl: siloA.apiUrl, token: acme.idToken })],
  ['an operator’s token on a silo API', () => ({ apiUrl: siloA.apiUrl, token: operator })],
  [
    'a silo user’s own claims signed with the key published in the cognito-local package',
    () => ({ apiUrl: siloA.apiUrl, token: signJwt(decodeJwt(siloA.idToken), publishedCognitoLocalKey) }),
  ],
  [
    'a silo token re-signed to claim the other silo (tenant and group), its issuer kept, on that silo’s API',
    () => ({
      apiUrl: siloB.apiUrl,
      token: signJwt({
        ...decodeJwt(siloA.idToken),
        'custom:tenantId': siloB.tenantId,
        'cognito:groups': [siloB.tenantId],
      }),
    }),
  ],
  [
    'a silo token re-signed under the other silo’s issuer, its own audience kept',
    () => ({ apiUrl: siloB.apiUrl, token: signJwt({ ...decodeJwt(siloA.idToken), iss: issuerOf(siloB.idToken) }) }),
  ],
  [
    'a pooled token re-signed under a silo’s issuer, the pooled audience kept',
    () => ({ apiUrl: siloA.apiUrl, token: signJwt({ ...decodeJwt(acme.idToken), iss: issuerOf(siloA.idToken) }) }),
  ],
];

describe('token attacks across silo and pooled APIs', () => {
  it.each(CROSS_API)('%s → 401', async (_name, attack) => {
    const { apiUrl, token } = attack();

    const response = await http('GET', at(apiUrl, '/products'), { token });

    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toContain('items');
  });

  it('each silo’s genuine token still works on its own API', async () => {
    for (const silo of [siloA, siloB]) expect((await silo.api('GET', '/products')).status).toBe(200);
  });
});
