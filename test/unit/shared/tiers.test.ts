import { describe, expect, it } from 'vitest';
import { isTierName, TIER_NAMES, TIERS } from '../../../contracts/tiers';

describe('tier catalog', () => {
  it('has exactly the usage-plan limits of the design table', () => {
    const limits = Object.fromEntries(TIER_NAMES.map((name) => [name, TIERS[name].usagePlan]));

    expect(limits).toEqual({
      BASIC: { rateLimit: 50, burstLimit: 50, quotaPerDay: 1_000 },
      STANDARD: { rateLimit: 75, burstLimit: 100, quotaPerDay: 3_000 },
      PREMIUM: { rateLimit: 100, burstLimit: 200, quotaPerDay: 5_000 },
      PLATINUM: { rateLimit: 300, burstLimit: 300, quotaPerDay: 10_000 },
    });
  });

  it('deploys only PLATINUM as silo', () => {
    const models = Object.fromEntries(TIER_NAMES.map((name) => [name, TIERS[name].deploymentModel]));

    expect(models).toEqual({ BASIC: 'pool', STANDARD: 'pool', PREMIUM: 'pool', PLATINUM: 'silo' });
  });

  it('names each definition after its key', () => {
    for (const name of TIER_NAMES) expect(TIERS[name].name).toBe(name);
  });

  it('recognises tier names exactly (case-sensitive, strings only)', () => {
    expect(TIER_NAMES.every(isTierName)).toBe(true);
    expect(isTierName('basic')).toBe(false);
    expect(isTierName('GOLD')).toBe(false);
    expect(isTierName(undefined)).toBe(false);
    expect(isTierName(['BASIC'])).toBe(false);
  });
});
