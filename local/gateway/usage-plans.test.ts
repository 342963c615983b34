import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from './api-key-store';
import { GATEWAY_RESPONSES } from './gateway-responses';
import { type ApiKeyLookup, UsagePlans } from './usage-plans';

const T0 = Date.UTC(2030, 0, 2, 12);

const key = (id: string, enabled = true): ApiKeyRecord => ({
  id,
  value: `value-${id}`,
  name: id,
  enabled,
  createdDate: T0,
  lastUpdatedDate: T0,
  tags: {},
});

/** Keys k1 (plan p1), k2 (disabled, plan p1), k3 (no plan). */
const KEYS: ApiKeyLookup = {
  findByValue: (value) => [key('k1'), key('k2', false), key('k3')].find((k) => k.value === value),
  planIdsOfKey: (keyId) => (keyId === 'k3' ? [] : ['p1']),
};

function plans() {
  const result = new UsagePlans(KEYS);
  result.register({
    id: 'p1',
    name: 'small',
    throttle: { rateLimit: 1, burstLimit: 1 },
    quota: { limit: 3, period: 'DAY' },
    apiStages: [{ restApiId: 'api', stage: 'prod' }],
  });
  return result;
}

describe('UsagePlans.admit', () => {
  it('admits a planned key with its record', () => {
    expect(plans().admit('value-k1', 'api', 'prod', T0)).toEqual({ ok: true, key: key('k1') });
  });

  it('answers 403 Forbidden for a missing, unknown, disabled or unplanned key, or another stage', () => {
    const p = plans();
    const forbidden = { ok: false, response: GATEWAY_RESPONSES.FORBIDDEN };

    expect(p.admit(null, 'api', 'prod', T0)).toEqual(forbidden);
    expect(p.admit('nope', 'api', 'prod', T0)).toEqual(forbidden);
    expect(p.admit('value-k2', 'api', 'prod', T0)).toEqual(forbidden);
    expect(p.admit('value-k3', 'api', 'prod', T0)).toEqual(forbidden);
    expect(p.admit('value-k1', 'api', 'dev', T0)).toEqual(forbidden);
  });

  it('throttles past the burst, then refuses over the quota, each with Retry-After', () => {
    const p = plans();
    p.admit('value-k1', 'api', 'prod', T0);

    expect(p.admit('value-k1', 'api', 'prod', T0)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.THROTTLED,
      limited: 'THROTTLED',
      headers: { 'Retry-After': '1' },
    });
    p.admit('value-k1', 'api', 'prod', T0 + 1000);
    p.admit('value-k1', 'api', 'prod', T0 + 2000);
    expect(p.admit('value-k1', 'api', 'prod', T0 + 3000)).toEqual({
      ok: false,
      response: GATEWAY_RESPONSES.QUOTA_EXCEEDED,
      limited: 'QUOTA_EXCEEDED',
      headers: { 'Retry-After': String(12 * 3600 - 3) },
    });
  });

  it('starts a forgotten key over, and forbids every key of an unregistered plan', () => {
    const p = plans();
    p.admit('value-k1', 'api', 'prod', T0);

    p.forgetKey('k1');
    expect(p.admit('value-k1', 'api', 'prod', T0).ok).toBe(true);
    p.unregister('p1');
    expect(p.admit('value-k1', 'api', 'prod', T0 + 5000)).toEqual({ ok: false, response: GATEWAY_RESPONSES.FORBIDDEN });
    expect(p.all().size).toBe(0);
  });
});
