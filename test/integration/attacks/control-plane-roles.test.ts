/** Role matrix of the control-plane API: every non-public route × SystemAdmin, TenantAdmin, TenantUser, none. */
import { beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../../functions/shared/routes';
import { controlPlane, http, onboardedTenant, operatorToken } from '../support/client';
import { decodeJwt } from '../support/jwt';
import { addTenantUser, signJwt, tenantConfigOf } from './support';

const tokens: Record<string, string | undefined> = {};

beforeAll(async () => {
  const tenant = await onboardedTenant('roles');
  const config = await tenantConfigOf(tenant);
  tokens.SystemAdmin = await operatorToken();
  tokens.TenantAdmin = tenant.idToken;
  tokens.TenantUser = (await addTenantUser(config, `user@${tenant.tenantName}.example.com`, 'TenantUser')).IdToken;
  // A tenant-pool user claiming SystemAdmin with a valid signature (cognito-local's published key).
  tokens.ForgedSystemAdmin = signJwt({ ...decodeJwt(tenant.idToken), 'custom:userRole': 'SystemAdmin' });
  tokens.none = undefined;
});

/** Concrete path of a route; ids that do not exist, so an allowed call changes nothing. */
const pathOf = (path: string) => path.replace(/\{[^}]+\}/g, 'no-such-id');

const ROUTES = routesOf('control-plane').filter((route) => route.access !== 'public');
const CALLERS = ['SystemAdmin', 'TenantAdmin', 'TenantUser', 'ForgedSystemAdmin', 'none'] as const;

describe('control-plane role matrix', () => {
  it.each(
    ROUTES.flatMap((route) => CALLERS.map((caller) => [`${route.method} ${route.path}`, caller, route] as const)),
  )('%s as %s', async (_name, caller, route) => {
    const response = await http(route.method, controlPlane(pathOf(route.path)), {
      token: tokens[caller],
      body: route.method === 'GET' ? undefined : {},
    });

    const allowed =
      caller !== 'none' && caller !== 'ForgedSystemAdmin' && (route.access as readonly string[]).includes(caller);
    if (caller === 'none') expect(response.status).toBe(401);
    else if (allowed) expect([401, 403]).not.toContain(response.status);
    else expect(response.status).toBe(403);
  });
});
