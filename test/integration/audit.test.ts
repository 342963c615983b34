/**
 * The audit log: operators' and tenant admins' state-changing calls are recorded (refused ones
 * too) with who, what, the tenant and the request id; operators read all of it, a tenant admin
 * only their own tenant's entries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { http, operatorToken, waitFor } from '../support/client';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../support/integration/cloud';

interface Entry {
  readonly action: string;
  readonly tenantId?: string;
  readonly target?: string;
  readonly outcome: string;
  readonly statusCode: number;
  readonly requestId: string;
  readonly at: string;
  readonly actor: {
    readonly username: string;
    readonly role: string;
    readonly userPoolId: string;
    readonly tenantId?: string;
  };
}

let operator: string;
let tenant: TenantSession;
let other: TenantSession;
const ops = (method: string, path: string, body?: unknown) =>
  http(method, controlPlane(path), { token: operator, body });

/** The tenant's audit entries (newest first) once `count` of them are there. */
const entriesOf = (tenantId: string, count: number, token = operator) =>
  waitFor(async () => {
    const page = await http('GET', controlPlane(`/audit?tenantId=${tenantId}&limit=100`), { token });
    return page.status === 200 && page.body.items.length >= count ? (page.body.items as Entry[]) : undefined;
  }, `${count} audit entries of ${tenantId}`);

beforeAll(async () => {
  operator = await operatorToken(cloud());
  [tenant, other] = await Promise.all([onboardedTenant('audited'), onboardedTenant('unaudited')]);
});

describe('the audit log', () => {
  it('records an operator’s deactivate and activate, and a refused second activate, newest first', async () => {
    const deactivated = await ops('POST', `/tenants/${tenant.tenantId}/deactivate`);
    await ops('POST', `/tenants/${tenant.tenantId}/activate`);
    const refused = await ops('POST', `/tenants/${tenant.tenantId}/activate`);

    const entries = await entriesOf(tenant.tenantId, 3);
    expect(entries.slice(0, 3).map((entry) => [entry.action, entry.outcome])).toEqual([
      ['tenant.activate', refused.status < 400 ? 'SUCCEEDED' : 'REFUSED'],
      ['tenant.activate', 'SUCCEEDED'],
      ['tenant.deactivate', 'SUCCEEDED'],
    ]);
    expect(entries[2]).toMatchObject({
      tenantId: tenant.tenantId,
      statusCode: deactivated.status,
      actor: { username: cloud().operatorEmail, role: 'SystemAdmin', userPoolId: expect.stringMatching(/_/) },
      requestId: expect.any(String),
    });
    const all = await ops('GET', '/audit?limit=100');
    expect(all.body.items.map((entry: Entry) => entry.at)).toEqual(
      [...all.body.items.map((entry: Entry) => entry.at)].sort().reverse(),
    );
  });

  it('records a tenant admin’s user changes, which that admin reads and no other tenant’s admin can', async () => {
    const created = await http('POST', controlPlane('/users'), {
      token: tenant.idToken,
      body: { username: 'audited-user', email: 'audited-user@example.com', role: 'TenantUser' },
    });
    expect(created.status).toBe(201);

    const entries = await entriesOf(tenant.tenantId, 1, tenant.idToken);
    expect(entries.find((entry) => entry.action === 'user.create')).toMatchObject({
      target: 'audited-user',
      tenantId: tenant.tenantId,
      outcome: 'SUCCEEDED',
      actor: { role: 'TenantAdmin', tenantId: tenant.tenantId },
    });
    expect(
      (await http('GET', controlPlane(`/audit?tenantId=${tenant.tenantId}`), { token: other.idToken })).status,
    ).toBe(403);
    expect((await http('GET', controlPlane('/audit'), { token: tenant.idToken })).status).toBe(403);
    expect(
      (await http('GET', controlPlane(`/audit?tenantId=${other.tenantId}`), { token: tenant.idToken })).status,
    ).toBe(403);
  });

  it('answers 400 naming the field for a bad period or tenant id, 401 without a token', async () => {
    expect((await ops('GET', '/audit?from=soon')).body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    expect((await ops('GET', '/audit?from=2024-01-01&to=2026-01-01')).body.errors).toEqual([
      expect.objectContaining({ field: 'from' }),
    ]);
    expect((await ops('GET', '/audit?tenantId=nope')).body.errors).toEqual([
      expect.objectContaining({ field: 'tenantId' }),
    ]);
    expect((await http('GET', controlPlane('/audit'))).status).toBe(401);
  });
});
