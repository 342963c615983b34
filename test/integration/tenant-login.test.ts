import { describe, expect, it } from 'vitest';
import { decodeJwt, http, logIn, NEW_PASSWORD, signUp, uniqueName, welcomeMailOf } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';

describe('a new pool tenant admin', () => {
  it('finds the tenant config, logs in with the mailed temporary password, sets a new one and gets an ID token with its tenant and role', async () => {
    const tenantName = uniqueName('login');
    const registration = await signUp(cloud(), tenantName, 'STANDARD');

    const config = await http('GET', controlPlane(`/tenant-config/${tenantName}`));
    const mail = await welcomeMailOf(cloud(), tenantName);
    const idToken = await logIn(
      cloud(),
      config.body.appClientId,
      mail.variables.username as string,
      mail.variables.temporaryPassword as string,
      NEW_PASSWORD,
    );

    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      tenantId: registration.tenantId,
      tenantName,
      tier: 'STANDARD',
      deploymentModel: 'pool',
      status: 'ACTIVE',
      userPoolId: expect.stringMatching(/^us-east-1_\w+$/),
      appClientId: expect.any(String),
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
      region: 'us-east-1',
      cognitoEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const claims = decodeJwt(idToken);
    expect(claims['custom:tenantId']).toBe(registration.tenantId);
    expect(claims['custom:userRole']).toBe('TenantAdmin');
    expect(claims.token_use).toBe('id');
    expect(claims.aud).toBe(config.body.appClientId);
    // The new password is now the password.
    expect(await logIn(cloud(), config.body.appClientId, mail.variables.username as string, NEW_PASSWORD)).toEqual(
      expect.any(String),
    );
  });

  it('finds the tenant config whatever the case of the name', async () => {
    const tenantName = uniqueName('case');
    await signUp(cloud(), tenantName);

    const config = await http('GET', controlPlane(`/tenant-config/${tenantName.toUpperCase()}`));

    expect(config.status).toBe(200);
    expect(config.body.tenantName).toBe(tenantName);
  });

  it('gets 404 for an unknown tenant name', async () => {
    const response = await http('GET', controlPlane('/tenant-config/no-such-tenant-here'));

    expect(response.status).toBe(404);
  });
});
