import { describe, expect, it } from 'vitest';
import { siloPoolResolver } from '../../../authorizer/silo-pools';
import type { TenantRecord } from '../../../contracts/tenant-record';

const tenant = (overrides: Partial<TenantRecord>): TenantRecord => ({
  tenantId: 'tenant-s',
  tenantName: 'silo',
  tenantNameKey: 'silo',
  tier: 'PLATINUM',
  deploymentModel: 'silo',
  status: 'ACTIVE',
  email: 'owner@silo.example',
  registrationId: 'r-1',
  userPoolId: 'us-east-1_siloS',
  appClientId: 'silo-s-client',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const REGISTRY = [
  tenant({}),
  tenant({ tenantId: 'tenant-t', userPoolId: 'us-east-1_siloT', appClientId: 'silo-t-client' }),
  tenant({ tenantId: 'tenant-p', deploymentModel: 'pool', tier: 'BASIC', userPoolId: 'us-east-1_pooled' }),
];
const resolve = siloPoolResolver(async (tenantId) => REGISTRY.find((t) => t.tenantId === tenantId));

describe('siloPoolResolver', () => {
  it('trusts the pool and app client the registry holds for the claimed silo tenant', async () => {
    expect(await resolve('us-east-1_siloS', { 'custom:tenantId': 'tenant-s' })).toEqual({
      userPoolId: 'us-east-1_siloS',
      clientId: 'silo-s-client',
    });
  });

  it.each([
    ['another silo tenant', 'us-east-1_siloS', 'tenant-t'],
    ['a pool tenant', 'us-east-1_siloS', 'tenant-p'],
    ['a pool tenant, from the pooled pool (configured, never resolved)', 'us-east-1_pooled', 'tenant-p'],
    ['a tenant the registry does not know', 'us-east-1_siloS', 'no-such-tenant'],
  ])('refuses a pool claiming %s', async (_name, userPoolId, tenantId) => {
    expect(await resolve(userPoolId, { 'custom:tenantId': tenantId })).toBeUndefined();
  });

  it('refuses a token without a tenant claim', async () => {
    expect(await resolve('us-east-1_siloS', {})).toBeUndefined();
    expect(await resolve('us-east-1_siloS', { 'custom:tenantId': '' })).toBeUndefined();
  });

  it('refuses a silo tenant whose app client is not recorded yet', async () => {
    const early = siloPoolResolver(async () => tenant({ appClientId: undefined }));

    expect(await early('us-east-1_siloS', { 'custom:tenantId': 'tenant-s' })).toBeUndefined();
  });
});
