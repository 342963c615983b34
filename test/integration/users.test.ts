import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  decodeJwt,
  http,
  invitationOf,
  logIn,
  NEW_PASSWORD,
  operatorToken,
  uniqueName,
  waitFor,
} from '../support/client';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../support/integration/cloud';

let acme: TenantSession;
let globex: TenantSession;
const users = (session: TenantSession, method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: session.idToken, body });

beforeAll(async () => {
  [acme, globex] = await Promise.all([onboardedTenant('users-a'), onboardedTenant('users-b')]);
});

describe('tenant admins manage their users', () => {
  it('creates a user who is mailed a temporary password, must set a new one, and then works as TenantUser', async () => {
    const username = uniqueName('bob');

    const created = await users(acme, 'POST', '/users', {
      username,
      email: `${username}@acme.example.com`,
      role: 'TenantUser',
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username,
      email: `${username}@acme.example.com`,
      role: 'TenantUser',
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
    });
    const invite = await invitationOf(cloud(), username);
    expect(invite.variables.tenantName).toBe(acme.tenantName);
    const config = (await http('GET', controlPlane(`/tenant-config/${acme.tenantName}`))).body;
    const token = await logIn(
      cloud(),
      config.appClientId,
      username,
      invite.variables.temporaryPassword as string,
      NEW_PASSWORD,
    );
    expect(decodeJwt(token)).toMatchObject({ 'custom:tenantId': acme.tenantId, 'custom:userRole': 'TenantUser' });
    expect((await http('GET', at(acme.apiUrl, '/products'), { token })).status).toBe(200);
    expect((await http('GET', controlPlane('/users'), { token })).status).toBe(403);
    const listed = await users(acme, 'GET', '/users');
    expect(listed.body.items.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining([username, `${acme.tenantName}-admin`]),
    );
  });

  it('disables and enables a user; a disabled user cannot log in', async () => {
    const username = uniqueName('carol');
    await users(acme, 'POST', '/users', { username, email: 'carol@acme.example.com', role: 'TenantAdmin' });
    const invite = await invitationOf(cloud(), username);
    const config = (await http('GET', controlPlane(`/tenant-config/${acme.tenantName}`))).body;
    await logIn(cloud(), config.appClientId, username, invite.variables.temporaryPassword as string, NEW_PASSWORD);

    const disabled = await users(acme, 'POST', `/users/${username}/disable`);

    expect(disabled.body.enabled).toBe(false);
    await expect(logIn(cloud(), config.appClientId, username, NEW_PASSWORD)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User is disabled.',
    });
    expect((await users(acme, 'POST', `/users/${username}/enable`)).body.enabled).toBe(true);
    expect(await logIn(cloud(), config.appClientId, username, NEW_PASSWORD)).toEqual(expect.any(String));
  });

  it('refuses a disabled user’s still-valid ID tokens on the tenant API; a tenant reactivation leaves the user disabled', async () => {
    const username = uniqueName('dave');
    await users(acme, 'POST', '/users', { username, email: 'dave@acme.example.com', role: 'TenantUser' });
    const invite = await invitationOf(cloud(), username);
    const config = (await http('GET', controlPlane(`/tenant-config/${acme.tenantName}`))).body;
    await logIn(cloud(), config.appClientId, username, invite.variables.temporaryPassword as string, NEW_PASSWORD);
    // Tokens taken before the disable, each used once at most (so the authorizer's result cache cannot answer for them).
    const tokens = await Promise.all(
      Array.from({ length: 12 }, () => logIn(cloud(), config.appClientId, username, NEW_PASSWORD)),
    );

    await users(acme, 'POST', `/users/${username}/disable`);

    // Refused once the authorizer's copy of the tenant row (cached 5 s) turns over.
    await waitFor(
      async () => {
        const token = tokens.shift();
        if (!token) throw new Error('ran out of unused tokens');
        return (await http('GET', at(acme.apiUrl, '/products'), { token })).status === 403 ? true : undefined;
      },
      'the disabled user to be refused',
      11_000,
      1_000,
    );
    const operator = await operatorToken(cloud());
    await http('POST', controlPlane(`/tenants/${acme.tenantId}/deactivate`), { token: operator });
    await http('POST', controlPlane(`/tenants/${acme.tenantId}/activate`), { token: operator });
    expect((await users(acme, 'GET', `/users/${username}`)).body.enabled).toBe(false);
    expect((await users(acme, 'POST', `/users/${username}/enable`)).body.enabled).toBe(true);
    // Enabled again: a fresh token is let in once the tenant row's cached copy turns over (5 s).
    await waitFor(
      async () => {
        const token = await logIn(cloud(), config.appClientId, username, NEW_PASSWORD);
        return (await http('GET', at(acme.apiUrl, '/products'), { token })).status === 200 ? true : undefined;
      },
      'the enabled user to be let in',
      15_000,
      1_000,
    );
  }, 60_000);

  it('never shows or changes another tenant’s users (404)', async () => {
    const globexAdmin = `${globex.tenantName}-admin`;

    expect((await users(acme, 'GET', `/users/${globexAdmin}`)).status).toBe(404);
    expect((await users(acme, 'POST', `/users/${globexAdmin}/disable`)).status).toBe(404);
    expect((await users(globex, 'GET', `/users/${globexAdmin}`)).body.enabled).toBe(true);
    const listed = await users(acme, 'GET', '/users');
    expect(listed.body.items.map((u: { username: string }) => u.username)).not.toContain(globexAdmin);
  });

  it('refuses a taken username (409), bad input (400), disabling oneself (409), operators (403) and anonymous callers (401)', async () => {
    // Usernames are unique in the pooled pool: one another pool tenant holds is taken.
    const held = `held-${globex.tenantName}`;
    expect(
      (await users(globex, 'POST', '/users', { username: held, email: 'x@y.co', role: 'TenantUser' })).status,
    ).toBe(201);
    const taken = await users(acme, 'POST', '/users', { username: held, email: 'x@y.co', role: 'TenantUser' });
    const bad = await users(acme, 'POST', '/users', { username: 'a b', email: 'nope', role: 'Owner' });
    const self = await users(acme, 'POST', `/users/${acme.tenantName}-admin/disable`);
    const operator = await http('GET', controlPlane('/users'), { token: await operatorToken(cloud()) });

    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([expect.objectContaining({ field: 'username' })]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'role', 'username']);
    expect(self.status).toBe(409);
    expect(operator.status).toBe(403);
    expect((await http('GET', controlPlane('/users'))).status).toBe(401);
  });
});
