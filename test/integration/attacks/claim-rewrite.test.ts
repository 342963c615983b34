/** A tenant user who rewrites its own tenant and role claims gains nothing. */
import { UpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, cognitoClient, http, NEW_PASSWORD, onboardedTenant, type TenantSession } from '../support/client';
import { decodeJwt } from '../support/jwt';
import { passwordLogin, signJwt, type TenantConfig, tenantConfigOf } from './support';

let attacker: TenantSession;
let victim: TenantSession;
let config: TenantConfig;
let victimProductId: string;

beforeAll(async () => {
  [attacker, victim] = await Promise.all([onboardedTenant('rewrite-a'), onboardedTenant('rewrite-b')]);
  config = await tenantConfigOf(attacker);
  victimProductId = (await victim.api('POST', '/products', { name: 'Victim secret', price: 3 })).body.productId;
});

const email = () => String(decodeJwt(attacker.idToken)['cognito:username']);

describe('rewriting custom:tenantId / custom:userRole', () => {
  it.each([
    ['custom:tenantId', () => victim.tenantId],
    ['custom:userRole', () => 'SystemAdmin'],
  ])('UpdateUserAttributes of %s is refused (NotAuthorizedException)', async (name, value) => {
    const { AccessToken } = await passwordLogin(config.appClientId, email(), NEW_PASSWORD);

    const update = cognitoClient().send(
      new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: name, Value: value() }] }),
    );

    await expect(update).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('leaves the claims of a fresh login unchanged and the user confined to its tenant', async () => {
    const { IdToken } = await passwordLogin(config.appClientId, email(), NEW_PASSWORD);
    const claims = decodeJwt(IdToken ?? '');

    expect(claims['custom:tenantId']).toBe(attacker.tenantId);
    expect(claims['custom:userRole']).toBe('TenantAdmin');
    expect((await http('GET', at(attacker.apiUrl, `/products/${victimProductId}`), { token: IdToken })).status).toBe(
      404,
    );
  });

  it('a token whose tenant claim was rewritten anyway (validly signed) is refused: the user is not in that tenant’s group', async () => {
    const rewritten = signJwt({ ...decodeJwt(attacker.idToken), 'custom:tenantId': victim.tenantId });

    const response = await http('GET', at(attacker.apiUrl, `/products/${victimProductId}`), { token: rewritten });

    expect(response.status).toBe(403);
  });
});
