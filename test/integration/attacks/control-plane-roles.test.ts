/**
 * Role matrix of the control-plane API: every non-public route × SystemAdmin, TenantAdmin and
 * TenantUser of a pool tenant and of a silo tenant, forged callers, none. Then the `/users`
 * routes across tenants: an admin of silo A reaches neither silo B's users nor a pool tenant's,
 * and the other way round.
 */
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Role, type RouteDefinition, routesOf } from '../../../contracts/routes';
import {
  addTenantUser,
  at,
  cognitoClient,
  decodeJwt,
  http,
  invitationOf,
  logIn,
  NEW_PASSWORD,
  operatorToken,
  type TenantConfig,
  uniqueName,
} from '../../support/client';
import { sharedSiloTenants, signJwt, tenantConfigOf } from '../../support/integration/attacks';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../../support/integration/cloud';

/** Each caller and the role it genuinely holds (none for forged and anonymous callers). */
const ROLE_OF = {
  SystemAdmin: 'SystemAdmin',
  TenantAdmin: 'TenantAdmin',
  TenantUser: 'TenantUser',
  SiloTenantAdmin: 'TenantAdmin',
  SiloTenantUser: 'TenantUser',
  // Tenant-pool users claiming SystemAdmin with a valid signature (cognito-local's published key).
  ForgedSystemAdmin: undefined,
  SiloForgedSystemAdmin: undefined,
  none: undefined,
} as const satisfies Record<string, Role | undefined>;
type CallerName = keyof typeof ROLE_OF;
const tokens: Partial<Record<CallerName, string>> = {};

let pool: TenantSession;
let siloA: TenantSession;
let siloB: TenantSession;
let configs: Record<'pool' | 'siloA' | 'siloB', TenantConfig>;

beforeAll(async () => {
  [pool, [siloA, siloB]] = await Promise.all([onboardedTenant('roles'), sharedSiloTenants()]);
  const [poolConfig, siloAConfig, siloBConfig] = await Promise.all([pool, siloA, siloB].map(tenantConfigOf));
  configs = { pool: poolConfig, siloA: siloAConfig, siloB: siloBConfig } as typeof configs;
  const [operator, tenantUser, siloUser] = await Promise.all([
    operatorToken(cloud()),
    addTenantUser(cloud(), configs.pool, `user@${pool.tenantName}.example.com`, 'TenantUser'),
    addTenantUser(cloud(), configs.siloA, `${uniqueName('user')}@${siloA.tenantName}.example.com`, 'TenantUser'),
  ]);
  tokens.SystemAdmin = operator;
  tokens.TenantAdmin = pool.idToken;
  tokens.TenantUser = tenantUser.IdToken;
  tokens.SiloTenantAdmin = siloA.idToken;
  tokens.SiloTenantUser = siloUser.IdToken;
  tokens.ForgedSystemAdmin = signJwt({ ...decodeJwt(pool.idToken), 'custom:userRole': 'SystemAdmin' });
  tokens.SiloForgedSystemAdmin = signJwt({ ...decodeJwt(siloA.idToken), 'custom:userRole': 'SystemAdmin' });
});

/** Concrete path of a route; ids that do not exist, so an allowed call changes nothing. */
const pathOf = (path: string) => path.replace(/\{[^}]+\}/g, 'no-such-id');

const ROUTES = routesOf('control-plane').filter((route) => route.access !== 'public');
const nameOf = (route: RouteDefinition) => `${route.method} ${route.path}`;

/**
 * What an allowed caller gets: lists answer 200; an id that does not exist 404; a body of `{}`
 * (every non-GET call sends one) fails validation where the route reads a body.
 */
const ALLOWED_STATUS: Record<string, number | Partial<Record<Role, number>>> = {
  'GET /registrations': 200,
  // No id to find, or (reject) no reason given: refused before anything is looked up.
  'POST /registrations/{registrationId}/approve': 404,
  'POST /registrations/{registrationId}/reject': 400,
  'GET /tenants': 200,
  'GET /tenants/{tenantId}': 404,
  'POST /tenants/{tenantId}/deactivate': 404,
  'POST /tenants/{tenantId}/activate': 404,
  'GET /executions': 200,
  'GET /executions/{executionId}': 404,
  'POST /executions/{executionId}/redrive': 404,
  'POST /executions/{executionId}/stop': 404,
  'POST /executions/{executionId}/approve': 404,
  'POST /executions/{executionId}/reject': 400,
  // `no-such-id` is not a tenant or trace id: refused before any filter is built.
  'GET /tenants/{tenantId}/traces': 400,
  'GET /tenants/{tenantId}/logs': 400,
  'GET /traces/{traceId}': 400,
  // A tenant admin reads only their own tenant's entries, and must say so (`?tenantId=`).
  'GET /audit': { SystemAdmin: 200, TenantAdmin: 403 },
  'GET /releases': 200,
  'GET /releases/{releaseId}': 404,
  'GET /users': 200,
  'POST /users': 400,
  'GET /users/{username}': 404,
  'POST /users/{username}/disable': 404,
  'POST /users/{username}/enable': 404,
};

/** No token: 401. A role the route allows: the route's own answer. Any other caller: 403. */
function expectedStatus(route: RouteDefinition, caller: CallerName): number | undefined {
  const role: Role | undefined = ROLE_OF[caller];
  if (caller === 'none') return 401;
  if (!role || !(route.access as readonly string[]).includes(role)) return 403;
  const allowed = ALLOWED_STATUS[nameOf(route)];
  return typeof allowed === 'number' ? allowed : allowed?.[role];
}

describe('control-plane role matrix', () => {
  it('covers every non-public route of the route table', () => {
    expect(Object.keys(ALLOWED_STATUS).sort()).toEqual(ROUTES.map(nameOf).sort());
  });

  it.each(
    ROUTES.flatMap((route) =>
      (Object.keys(ROLE_OF) as CallerName[]).map(
        (caller) => [nameOf(route), caller, expectedStatus(route, caller), route] as const,
      ),
    ),
  )('%s as %s → %i', async (_name, caller, status, route) => {
    const response = await http(route.method, controlPlane(pathOf(route.path)), {
      token: tokens[caller],
      body: route.method === 'GET' ? undefined : {},
    });

    expect(response.status).toBe(status);
  });
});

const ADMINS = { pool: () => pool, siloA: () => siloA, siloB: () => siloB } as const;
type AdminKey = keyof typeof ADMINS;
const adminUsername = (session: TenantSession) => String(decodeJwt(session.idToken)['cognito:username']);
const users = (session: TenantSession, method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: session.idToken, body });

describe('control-plane /users across pool and silo tenants', () => {
  const pairs = (Object.keys(ADMINS) as AdminKey[]).flatMap((attacker) =>
    (Object.keys(ADMINS) as AdminKey[]).filter((victim) => victim !== attacker).map((victim) => [attacker, victim]),
  );

  it.each(pairs)('the admin of %s neither lists, reads, disables nor enables the admin of %s', async (a, v) => {
    const attacker = ADMINS[a as AdminKey]();
    const victim = adminUsername(ADMINS[v as AdminKey]());

    const listed = await users(attacker, 'GET', '/users');
    const read = await users(attacker, 'GET', `/users/${victim}`);
    const disabled = await users(attacker, 'POST', `/users/${victim}/disable`);
    const enabled = await users(attacker, 'POST', `/users/${victim}/enable`);

    expect(listed.status).toBe(200);
    expect(listed.body.items.map((u: { username: string }) => u.username)).toContain(adminUsername(attacker));
    expect(JSON.stringify(listed.body)).not.toContain(victim);
    expect([read.status, disabled.status, enabled.status]).toEqual([404, 404, 404]);
  });

  it('leaves every admin enabled in its own pool', async () => {
    for (const key of Object.keys(ADMINS) as AdminKey[]) {
      const user = await cognitoClient(cloud()).send(
        new AdminGetUserCommand({
          UserPoolId: configs[key].userPoolId,
          Username: adminUsername(ADMINS[key]()),
        }),
      );
      expect(user.Enabled).toBe(true);
    }
  });

  it('a silo admin creates users in its own pool only; they log in with the silo’s app client', async () => {
    const username = uniqueName('silo-bob');
    const silo = configs.siloA;

    const created = await users(siloA, 'POST', '/users', {
      username,
      email: `${username}@silo.example.com`,
      role: 'TenantUser',
    });

    expect(created.status).toBe(201);
    const invite = await invitationOf(cloud(), username);
    const token = await logIn(
      cloud(),
      silo.appClientId,
      username,
      invite.variables.temporaryPassword as string,
      NEW_PASSWORD,
    );
    expect(decodeJwt(token)).toMatchObject({ 'custom:tenantId': siloA.tenantId, 'cognito:groups': [siloA.tenantId] });
    expect((await http('GET', at(siloA.apiUrl, '/products'), { token })).status).toBe(200);
    await expect(
      cognitoClient(cloud()).send(
        new AdminGetUserCommand({ UserPoolId: cloud().pooledUserPoolId, Username: username }),
      ),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect((await users(siloB, 'GET', `/users/${username}`)).status).toBe(404);
  });
});
