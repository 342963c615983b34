import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../contracts/errors';
import type { TenantStatus } from '../../../contracts/tenant-record';
import type { LifecycleEvent } from '../../../functions/shared/lifecycle-events';
import {
  activateTenant,
  deactivateTenant,
  getTenant,
  listTenants,
  type TenantDeps,
  type TenantRecord,
  type TenantRegistry,
  tenantConfig,
} from '../../../functions/tenants/tenants';
import type { TenantUser } from '../../../functions/users/users';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { FIXED_NOW } from '../../support/unit/fake-tenant-table';

const POOLED: TenantRecord = {
  tenantId: 't-pool',
  tenantName: 'Acme',
  tenantNameKey: 'acme',
  tier: 'BASIC',
  deploymentModel: 'pool',
  status: 'ACTIVE',
  email: 'admin@acme.example',
  registrationId: 'r-1',
  userPoolId: 'pool-shared',
  appClientId: 'client-shared',
  apiUrl: 'https://stale.example/prod/',
  apiKeyId: 'key-1',
  apiKeyValue: 'secret-key-value',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const SILO: TenantRecord = {
  ...POOLED,
  tenantId: 't-silo',
  tenantName: 'Globex',
  tenantNameKey: 'globex',
  tier: 'PLATINUM',
  deploymentModel: 'silo',
  userPoolId: 'pool-globex',
  appClientId: 'client-globex',
  apiUrl: 'https://globex.example/prod/',
};
const SETTINGS = { pooledApiUrl: 'https://pooled.example/prod/', region: 'eu-west-1' };

/** TenantDetails and TenantNames in memory, with the conditional status write of the real store. */
class FakeRegistry implements TenantRegistry {
  readonly rows = new Map<string, TenantRecord>();
  readonly names = new Map<string, string>();

  constructor(...tenants: TenantRecord[]) {
    for (const tenant of tenants) {
      this.rows.set(tenant.tenantId, tenant);
      this.names.set(tenant.tenantNameKey, tenant.tenantId);
    }
  }
  async get(tenantId: string) {
    return this.rows.get(tenantId);
  }
  async tenantIdOfName(nameKey: string) {
    return this.names.get(nameKey);
  }
  async list(limit: number) {
    return { items: [...this.rows.values()].slice(0, limit), nextToken: 'next-page' };
  }
  async setStatus(tenantId: string, from: TenantStatus, to: TenantStatus, at: string) {
    const row = this.rows.get(tenantId);
    if (!row || (row.status !== from && row.status !== to)) return undefined;
    this.rows.set(tenantId, { ...row, status: to, updatedAt: at });
    return row.status;
  }
}

/** Group members of every pool in memory, `pageSize` a page; `calls` records the order of what happened. */
function fakeUsers(members: Record<string, string[]>, calls: string[], pageSize = 2) {
  const enabled = new Map<string, boolean>();
  const usersOf: TenantDeps['usersOf'] = (userPoolId) => ({
    async list(tenantId, _limit, nextToken) {
      const all = members[`${userPoolId}/${tenantId}`] ?? [];
      const start = Number(nextToken ?? 0);
      const items: TenantUser[] = all.slice(start, start + pageSize).map((username) => ({ username, enabled: true }));
      calls.push(`list ${userPoolId} ${tenantId} from ${start}`);
      return { items, nextToken: start + pageSize < all.length ? String(start + pageSize) : undefined };
    },
    async setEnabled(_tenantId, username, value) {
      calls.push(`${value ? 'enable' : 'disable'} ${username}`);
      enabled.set(username, value);
    },
  });
  return { usersOf, enabled };
}

function setup(tenants: TenantRecord[], members: Record<string, string[]> = {}) {
  const calls: string[] = [];
  const registry = new FakeRegistry(...tenants);
  const setStatus = registry.setStatus.bind(registry);
  registry.setStatus = async (...args) => {
    calls.push(`status ${args[0]} ${args[2]}`);
    return setStatus(...args);
  };
  const users = fakeUsers(members, calls);
  const events: LifecycleEvent[] = [];
  const publish: TenantDeps['publish'] = async (...put) => {
    calls.push(...put.map((e) => `event ${e.detailType}`));
    events.push(...put);
  };
  const deps: TenantDeps = { registry, usersOf: users.usersOf, now: () => FIXED_NOW, publish };
  return { deps, registry, calls, events, enabled: users.enabled };
}

describe('tenantConfig', () => {
  it("gives a pool tenant the pooled stack's API from the deployment, not the URL on its row", async () => {
    const { registry } = setup([POOLED]);

    const config = await tenantConfig(registry, 'Acme', SETTINGS);

    expect(config).toEqual({
      tenantId: 't-pool',
      tenantName: 'Acme',
      tier: 'BASIC',
      deploymentModel: 'pool',
      status: 'ACTIVE',
      userPoolId: 'pool-shared',
      appClientId: 'client-shared',
      apiUrl: 'https://pooled.example/prod/',
      region: 'eu-west-1',
    });
  });

  it("gives a silo tenant its own stack's API and pool", async () => {
    const { registry } = setup([SILO]);

    const config = await tenantConfig(registry, 'globex', SETTINGS);

    expect(config).toMatchObject({
      userPoolId: 'pool-globex',
      appClientId: 'client-globex',
      apiUrl: 'https://globex.example/prod/',
    });
  });

  it('finds the tenant whatever the case of the name', async () => {
    const { registry } = setup([POOLED]);

    await expect(tenantConfig(registry, 'ACME', SETTINGS)).resolves.toMatchObject({ tenantId: 't-pool' });
  });

  it('adds the Cognito endpoint only where one is set (the local cloud)', async () => {
    const { registry } = setup([POOLED]);

    const local = await tenantConfig(registry, 'acme', { ...SETTINGS, cognitoEndpoint: 'http://127.0.0.1:9229' });
    const aws = await tenantConfig(registry, 'acme', SETTINGS);

    expect(local.cognitoEndpoint).toBe('http://127.0.0.1:9229');
    expect(aws).not.toHaveProperty('cognitoEndpoint');
  });

  it('answers 404 for a name no tenant has', async () => {
    const { registry } = setup([POOLED]);

    await expect(tenantConfig(registry, 'initech', SETTINGS)).rejects.toStrictEqual(new NotFoundError('Tenant'));
  });

  it('answers 404 for a name reserved by a sign-up whose tenant row does not exist yet', async () => {
    const { registry } = setup([]);
    registry.names.set('initech', 't-new');

    await expect(tenantConfig(registry, 'initech', SETTINGS)).rejects.toStrictEqual(new NotFoundError('Tenant'));
  });
});

describe('tenants as operators see them', () => {
  it('lists a page of tenants without their API key values, with the next page token', async () => {
    const { registry } = setup([POOLED, SILO]);

    const page = await listTenants(registry, 1);

    expect(page.nextToken).toBe('next-page');
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ tenantId: 't-pool', tenantName: 'Acme' });
    expect(JSON.stringify(page)).not.toContain('secret-key-value');
    expect(page.items[0]).not.toHaveProperty('apiKeyId');
  });

  it('shows one tenant, and answers 404 for an unknown one', async () => {
    const { registry } = setup([POOLED]);

    await expect(getTenant(registry, 't-pool')).resolves.toMatchObject({ tenantId: 't-pool', status: 'ACTIVE' });
    await expect(getTenant(registry, 't-none')).rejects.toStrictEqual(new NotFoundError('Tenant'));
  });
});

describe('deactivateTenant', () => {
  it('sets an ACTIVE tenant INACTIVE first, then disables every user of its group, page by page', async () => {
    const { deps, calls, enabled } = setup([POOLED], { 'pool-shared/t-pool': ['ann', 'bob', 'cid'] });

    const tenant = await deactivateTenant(deps, 't-pool', 'req-1');

    expect(tenant).toMatchObject({ tenantId: 't-pool', status: 'INACTIVE', updatedAt: FIXED_NOW.toISOString() });
    expect(calls).toEqual([
      'status t-pool INACTIVE',
      'list pool-shared t-pool from 0',
      'disable ann',
      'disable bob',
      'list pool-shared t-pool from 2',
      'disable cid',
      'event deactivateSuccess',
    ]);
    expect([...enabled.values()]).toEqual([false, false, false]);
  });

  it("disables the users in a silo tenant's own pool", async () => {
    const { deps, calls } = setup([SILO], { 'pool-globex/t-silo': ['gus'] });

    await deactivateTenant(deps, 't-silo', 'req-1');

    expect(calls).toContain('list pool-globex t-silo from 0');
    expect(calls).toContain('disable gus');
  });

  it('deactivates an INACTIVE tenant again, disabling its users again (a retry after a partial failure)', async () => {
    const { deps, calls } = setup([{ ...POOLED, status: 'INACTIVE' }], { 'pool-shared/t-pool': ['ann'] });

    await expect(deactivateTenant(deps, 't-pool', 'req-1')).resolves.toMatchObject({ status: 'INACTIVE' });
    expect(calls).toContain('disable ann');
  });

  it.each(['ONBOARDING', 'FAILED'] as const)(
    'answers 409 for a tenant that is %s, touching no user',
    async (status) => {
      const { deps, registry, calls } = setup([{ ...POOLED, status }], { 'pool-shared/t-pool': ['ann'] });

      await expect(deactivateTenant(deps, 't-pool', 'req-1')).rejects.toStrictEqual(
        new ConflictError('Tenant is not active'),
      );
      expect(calls).toEqual(['status t-pool INACTIVE']);
      expect(registry.rows.get('t-pool')?.status).toBe(status);
    },
  );

  it('answers 404 for an unknown tenant, changing nothing', async () => {
    const { deps, calls } = setup([POOLED]);

    await expect(deactivateTenant(deps, 't-none', 'req-1')).rejects.toStrictEqual(new NotFoundError('Tenant'));
    expect(calls).toEqual([]);
  });

  it('changes only the status of a tenant without a user pool (onboarding stopped before it had one)', async () => {
    const { userPoolId: _none, ...withoutPool } = POOLED;
    const { deps, calls } = setup([withoutPool]);

    await expect(deactivateTenant(deps, 't-pool', 'req-1')).resolves.toMatchObject({ status: 'INACTIVE' });
    expect(calls).toEqual(['status t-pool INACTIVE', 'event deactivateSuccess']);
  });
});

describe('activateTenant', () => {
  it('leaves the users its admin had disabled disabled', async () => {
    const { deps, calls } = setup([{ ...POOLED, status: 'INACTIVE', disabledUsers: new Set(['bob']) }], {
      'pool-shared/t-pool': ['ann', 'Bob', 'cid'],
    });

    await activateTenant(deps, 't-pool', 'req-1');

    expect(calls.filter((call) => call.startsWith('enable'))).toEqual(['enable ann', 'enable cid']);
  });

  it('sets an INACTIVE tenant ACTIVE, then enables its users', async () => {
    const { deps, calls, enabled } = setup([{ ...POOLED, status: 'INACTIVE' }], { 'pool-shared/t-pool': ['ann'] });

    await expect(activateTenant(deps, 't-pool', 'req-1')).resolves.toMatchObject({ status: 'ACTIVE' });
    expect(calls).toEqual([
      'status t-pool ACTIVE',
      'list pool-shared t-pool from 0',
      'enable ann',
      'event activateSuccess',
    ]);
    expect(enabled.get('ann')).toBe(true);
  });

  it('answers 409 for a tenant that is neither INACTIVE nor ACTIVE', async () => {
    const { deps } = setup([{ ...POOLED, status: 'FAILED' }]);

    await expect(activateTenant(deps, 't-pool', 'req-1')).rejects.toStrictEqual(
      new ConflictError('Tenant is not inactive'),
    );
  });
});

describe('status change events', () => {
  it('puts deactivateSuccess, keyed by the request, after the users are disabled', async () => {
    const { deps, events } = setup([POOLED], { 'pool-shared/t-pool': ['ann'] });

    await deactivateTenant(deps, 't-pool', 'req-7');

    expect(events).toEqual([
      {
        detailType: 'deactivateSuccess',
        detail: {
          eventKey: 'req-7:deactivateSuccess',
          at: FIXED_NOW.toISOString(),
          tenantId: 't-pool',
          tenantName: POOLED.tenantName,
          tier: POOLED.tier,
          deploymentModel: 'pool',
          requestId: 'req-7',
          status: 'INACTIVE',
        },
      },
    ]);
    expect(lifecycleDetailErrors('deactivateSuccess', events[0]?.detail)).toEqual([]);
  });

  it('puts activateSuccess when an INACTIVE tenant is activated', async () => {
    const { deps, events } = setup([{ ...SILO, status: 'INACTIVE' }]);

    await activateTenant(deps, 't-silo', 'req-8');

    expect(events.map((e) => [e.detailType, e.detail.eventKey, e.detail.deploymentModel])).toEqual([
      ['activateSuccess', 'req-8:activateSuccess', 'silo'],
    ]);
    expect(lifecycleDetailErrors('activateSuccess', events[0]?.detail)).toEqual([]);
  });

  it('puts nothing when the status did not change (deactivated again, activated again) or was refused', async () => {
    const again = setup([{ ...POOLED, status: 'INACTIVE' }]);
    const active = setup([POOLED]);
    const refused = setup([{ ...POOLED, status: 'FAILED' }]);

    await deactivateTenant(again.deps, 't-pool', 'req-1');
    await activateTenant(active.deps, 't-pool', 'req-2');
    await expect(activateTenant(refused.deps, 't-pool', 'req-3')).rejects.toBeInstanceOf(ConflictError);

    expect([...again.events, ...active.events, ...refused.events]).toEqual([]);
  });
});
