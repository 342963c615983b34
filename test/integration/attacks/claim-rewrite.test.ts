/** A tenant user (of the pooled pool or of a silo tenant's own pool) who rewrites its own tenant and role claims gains nothing. */
import { UpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  cognitoClient,
  decodeJwt,
  http,
  NEW_PASSWORD,
  passwordLogin,
  type TenantConfig,
} from '../../support/client';
import { sharedSiloTenants, signJwt, tenantConfigOf } from '../../support/integration/attacks';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../../support/integration/cloud';

interface Pair {
  attacker: TenantSession;
  victim: TenantSession;
  config: TenantConfig;
  victimProductId: string;
}

const pairs = {} as Record<'pool' | 'silo', Pair>;
let pooledVictim: TenantSession;

async function pair(attacker: TenantSession, victim: TenantSession): Promise<Pair> {
  const victimProductId = (await victim.api('POST', '/products', { name: 'Victim secret', price: 3 })).body.productId;
  return { attacker, victim, config: await tenantConfigOf(attacker), victimProductId };
}

beforeAll(async () => {
  const [poolA, poolB, [siloA, siloB]] = await Promise.all([
    onboardedTenant('rewrite-a'),
    onboardedTenant('rewrite-b'),
    sharedSiloTenants(),
  ]);
  pooledVictim = poolB;
  [pairs.pool, pairs.silo] = await Promise.all([pair(poolA, poolB), pair(siloA, siloB)]);
});

const usernameOf = (session: TenantSession) => String(decodeJwt(session.idToken)['cognito:username']);

describe.each(['pool', 'silo'] as const)(
  'rewriting custom:tenantId / custom:userRole as a %s tenant’s user',
  (kind) => {
    it.each([
      ['custom:tenantId', () => pairs[kind].victim.tenantId],
      ['custom:userRole', () => 'SystemAdmin'],
    ])('UpdateUserAttributes of %s is refused (NotAuthorizedException)', async (name, value) => {
      const { attacker, config } = pairs[kind];
      const { AccessToken } = await passwordLogin(cloud(), config.appClientId, usernameOf(attacker), NEW_PASSWORD);

      const update = cognitoClient(cloud()).send(
        new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: name, Value: value() }] }),
      );

      await expect(update).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    });

    it('leaves the claims of a fresh login unchanged and the user confined to its tenant', async () => {
      const { attacker, config, victimProductId } = pairs[kind];
      const { IdToken } = await passwordLogin(cloud(), config.appClientId, usernameOf(attacker), NEW_PASSWORD);
      const claims = decodeJwt(IdToken ?? '');

      expect(claims['custom:tenantId']).toBe(attacker.tenantId);
      expect(claims['custom:userRole']).toBe('TenantAdmin');
      expect((await http('GET', at(attacker.apiUrl, `/products/${victimProductId}`), { token: IdToken })).status).toBe(
        404,
      );
    });

    it('a token whose tenant claim was rewritten anyway (validly signed) is refused on its API', async () => {
      const { attacker, victim, victimProductId } = pairs[kind];
      const rewritten = signJwt({ ...decodeJwt(attacker.idToken), 'custom:tenantId': victim.tenantId });

      const response = await http('GET', at(attacker.apiUrl, `/products/${victimProductId}`), { token: rewritten });

      expect(response.status).toBe(403);
    });
  },
);

describe('a silo user’s rewritten token on the control plane', () => {
  const rewritten = (claims: Record<string, unknown>) =>
    signJwt({ ...decodeJwt(pairs.silo.attacker.idToken), ...claims });
  // The issuer stays the silo's pool: the control plane trusts it only for the tenant it belongs to.
  const attacks: Array<[string, () => string, string, number]> = [
    [
      'claiming the other silo tenant (and its group)',
      () =>
        rewritten({ 'custom:tenantId': pairs.silo.victim.tenantId, 'cognito:groups': [pairs.silo.victim.tenantId] }),
      '/users',
      401,
    ],
    [
      'claiming a pool tenant (and its group)',
      () => rewritten({ 'custom:tenantId': pooledVictim.tenantId, 'cognito:groups': [pooledVictim.tenantId] }),
      '/users',
      401,
    ],
    ['claiming SystemAdmin', () => rewritten({ 'custom:userRole': 'SystemAdmin' }), '/tenants', 403],
  ];

  it.each(attacks)('%s → %i', async (_name, token, path, status) => {
    const response = await http('GET', controlPlane(path), { token: token() });

    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body)).not.toContain('items');
  });
});
