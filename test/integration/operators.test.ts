import { describe, expect, it } from 'vitest';
import { at, decodeJwt, http, operatorToken } from '../support/client';
import { cloud, controlPlane, onboardedTenant } from '../support/integration/cloud';

/** Every tenant, page by page: the list is in table order, and other test files add tenants. */
async function allTenants(token: string): Promise<{ statuses: number[]; items: Array<Record<string, unknown>> }> {
  const statuses: number[] = [];
  const items: Array<Record<string, unknown>> = [];
  let nextToken: string | undefined;
  do {
    const query = nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : '';
    const page = await http('GET', controlPlane(`/tenants?limit=100${query}`), { token });
    statuses.push(page.status);
    items.push(...(page.body.items ?? []));
    nextToken = page.body.nextToken;
  } while (nextToken);
  return { statuses, items };
}

describe('discovery and the operator', () => {
  it('serves config.json as docs/api.md describes', async () => {
    const config = await http('GET', at(cloud().consoleUrl, '/config.json'));

    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      region: 'us-east-1',
      controlPlaneApiUrl: cloud().controlPlaneApiUrl,
      operatorUserPoolId: expect.stringMatching(/^us-east-1_\w+$/),
      operatorClientId: expect.any(String),
      cognitoEndpoint: cloud().cognitoEndpoint,
    });
  });

  it('logs the seeded operator in with its permanent password as SystemAdmin', async () => {
    const token = await operatorToken(cloud());

    expect(decodeJwt(token)['custom:userRole']).toBe('SystemAdmin');
  });

  it('lets the operator list and read tenants, and refuses tenant admins (403) and anonymous callers (401)', async () => {
    const tenant = await onboardedTenant('ops');
    const token = await operatorToken(cloud());

    const list = await allTenants(token);
    const one = await http('GET', controlPlane(`/tenants/${tenant.tenantId}`), { token });

    expect(list.statuses).toEqual(list.statuses.map(() => 200));
    expect(list.items.filter((item) => item.tenantId === tenant.tenantId)).toEqual([
      expect.objectContaining({ tenantId: tenant.tenantId, status: 'ACTIVE' }),
    ]);
    expect(one.body).toMatchObject({
      tenantId: tenant.tenantId,
      tenantName: tenant.tenantName,
      tier: 'BASIC',
      deploymentModel: 'pool',
    });
    expect(one.body).not.toHaveProperty('apiKeyValue');
    expect((await http('GET', controlPlane('/tenants'), { token: tenant.idToken })).status).toBe(403);
    expect((await http('GET', controlPlane('/tenants'))).status).toBe(401);
    expect((await http('GET', controlPlane('/tenants/no-such-tenant'), { token })).status).toBe(404);
  });

  it('refuses an operator token on the tenant API', async () => {
    const token = await operatorToken(cloud());

    expect((await http('GET', at(cloud().pooledApiUrl, '/products'), { token })).status).toBe(401);
  });
});
