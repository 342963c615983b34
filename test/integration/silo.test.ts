/**
 * PLATINUM (silo) tenants: their own user pool, their own stack deployed by the tenant
 * pipeline, and APIs that refuse every other tenant's tokens.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardingTasks } from '../../contracts/onboarding-states';
import { at, http, operatorToken } from '../support/client';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../support/integration/cloud';

let platinum: TenantSession;
let otherPlatinum: TenantSession;
let pooled: TenantSession;

beforeAll(async () => {
  [platinum, otherPlatinum, pooled] = await Promise.all([
    onboardedTenant('plat-a', 'PLATINUM'),
    onboardedTenant('plat-b', 'PLATINUM'),
    onboardedTenant('pool-c', 'BASIC'),
  ]);
}, 180_000);

describe('a PLATINUM tenant', () => {
  it('is onboarded through every silo step and gets its own user pool and its own API', async () => {
    const config = (await http('GET', controlPlane(`/tenant-config/${platinum.tenantName}`))).body;
    const pooledConfig = (await http('GET', controlPlane(`/tenant-config/${pooled.tenantName}`))).body;

    expect(config).toMatchObject({ tier: 'PLATINUM', deploymentModel: 'silo', status: 'ACTIVE' });
    expect(config.userPoolId).not.toBe(pooledConfig.userPoolId);
    expect(config.apiUrl).not.toBe(pooledConfig.apiUrl);
    expect(config.apiUrl).not.toBe(
      (await http('GET', controlPlane(`/tenant-config/${otherPlatinum.tenantName}`))).body.apiUrl,
    );
    expect(platinum.registration.steps.map((step) => [step.name, step.status])).toEqual(
      // PLATINUM waits for an operator's approval first (default context approvalTiers).
      onboardingTasks('silo', true).map((name) => [name, 'SUCCEEDED']),
    );
  });

  it('uses products and orders on its own API', async () => {
    const product = await platinum.api('POST', '/products', { name: 'Platinum widget', price: 99.5 });
    const order = await platinum.api('POST', '/orders', {
      lines: [{ productId: product.body.productId, quantity: 2 }],
    });

    expect(product.status).toBe(201);
    expect(order.status).toBe(201);
    expect(order.body.total).toBe(199);
    expect((await platinum.api('GET', '/products')).body.items).toEqual([product.body]);
  });

  it('keeps its data in its own tables: the pooled API and the other silo never see it', async () => {
    const product = (await platinum.api('POST', '/products', { name: 'Only mine', price: 1 })).body;

    expect((await pooled.api('GET', `/products/${product.productId}`)).status).toBe(404);
    expect((await otherPlatinum.api('GET', `/products/${product.productId}`)).status).toBe(404);
    expect((await otherPlatinum.api('GET', '/products')).body.items).toEqual([]);
  });

  it('refuses a pool tenant’s token, another silo’s token and an operator token on its API (401: not its pool); its token is refused elsewhere', async () => {
    const onSilo = (token: string) => http('GET', at(platinum.apiUrl, '/products'), { token });
    const operator = await operatorToken(cloud());

    expect((await onSilo(pooled.idToken)).status).toBe(401);
    expect((await onSilo(otherPlatinum.idToken)).status).toBe(401);
    expect((await onSilo(operator)).status).toBe(401);
    expect((await http('GET', at(pooled.apiUrl, '/products'), { token: platinum.idToken })).status).toBe(401);
    expect((await http('GET', at(otherPlatinum.apiUrl, '/products'), { token: platinum.idToken })).status).toBe(401);
  });
});
