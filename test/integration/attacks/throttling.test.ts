/**
 * One tenant's flood is throttled on its own usage plan and does not throttle other tenants: a
 * pool neighbour on the same API, or a silo tenant on its own API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TIERS } from '../../../contracts/tiers';
import type { HttpResult } from '../../support/client';
import { sharedSiloTenants } from '../../support/integration/attacks';
import { onboardedTenant, type TenantSession } from '../../support/integration/cloud';

let flooder: TenantSession;
let poolNeighbour: TenantSession;
let siloNeighbour: TenantSession;

beforeAll(async () => {
  [flooder, poolNeighbour, [siloNeighbour]] = await Promise.all([
    onboardedTenant('flood', 'BASIC'),
    onboardedTenant('calm', 'PREMIUM'),
    sharedSiloTenants(),
  ]);
  // Warm every path (authorizer, STS session, function) so the flood measures the usage plan.
  await Promise.all([flooder, poolNeighbour, siloNeighbour].map((tenant) => tenant.api('GET', '/products')));
});

/** Well within the tenant's rate, a few at a time. */
async function calmRequests(tenant: TenantSession): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  for (let i = 0; i < 6; i++)
    results.push(...(await Promise.all(Array.from({ length: 5 }, () => tenant.api('GET', '/products')))));
  return results;
}

describe('usage plans under a flood', () => {
  it('a BASIC tenant flooding gets 429 with Retry-After while a PREMIUM pool tenant’s and a PLATINUM silo tenant’s concurrent requests all succeed', async () => {
    const floodSize = TIERS.BASIC.usagePlan.burstLimit * 3;

    const [flood, pool, silo] = await Promise.all([
      Promise.all(Array.from({ length: floodSize }, () => flooder.api('GET', '/products'))),
      calmRequests(poolNeighbour),
      calmRequests(siloNeighbour),
    ]);

    const throttled = flood.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(flood.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(throttled[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(pool.map((r) => r.status)).toEqual(pool.map(() => 200));
    expect(silo.map((r) => r.status)).toEqual(silo.map(() => 200));
  });
});
