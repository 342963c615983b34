/** One tenant's flood is throttled on its own usage plan and does not throttle another tenant. */
import { beforeAll, describe, expect, it } from 'vitest';
import { TIERS } from '../../../functions/shared/tiers';
import { type HttpResult, onboardedTenant, type TenantSession } from '../support/client';

let flooder: TenantSession;
let neighbour: TenantSession;

beforeAll(async () => {
  [flooder, neighbour] = await Promise.all([onboardedTenant('flood', 'BASIC'), onboardedTenant('calm', 'PREMIUM')]);
  // Warm both paths (authorizer, STS session, function) so the flood measures the usage plan.
  await Promise.all([flooder.api('GET', '/products'), neighbour.api('GET', '/products')]);
});

describe('usage plans under a flood', () => {
  it('a BASIC tenant flooding gets 429 with Retry-After while a concurrent tenant’s requests all succeed', async () => {
    const floodSize = TIERS.BASIC.usagePlan.burstLimit * 3;

    const [flood, calm] = await Promise.all([
      Promise.all(Array.from({ length: floodSize }, () => flooder.api('GET', '/products'))),
      (async () => {
        const results: HttpResult[] = [];
        // Well within PREMIUM's rate, a few at a time, during the flood.
        for (let i = 0; i < 6; i++)
          results.push(...(await Promise.all(Array.from({ length: 5 }, () => neighbour.api('GET', '/products')))));
        return results;
      })(),
    ]);

    const throttled = flood.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(flood.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(throttled[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(calm.map((r) => r.status)).toEqual(calm.map(() => 200));
  });
});
