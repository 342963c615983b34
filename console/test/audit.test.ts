import { describe, expect, it } from 'vitest';
import { auditPath, auditSearchText, filterErrorsOf, OUTCOME_LOOKS } from '../src/shared/audit';

const params = (path: string) => Object.fromEntries(new URL(path, 'http://x').searchParams);

describe('the audit log query of the web apps', () => {
  it('asks for a page of 100 with the filters given, and leaves blank filters to the API’s defaults', () => {
    expect(auditPath({})).toBe('/audit?limit=100');
    expect(params(auditPath({ tenantId: ' t-1 ', from: '2025-01-01', to: '' }, 'next'))).toEqual({
      limit: '100',
      tenantId: 't-1',
      from: '2025-01-01',
      nextToken: 'next',
    });
  });

  it('escapes what a person typed instead of letting it add parameters', () => {
    expect(params(auditPath({ tenantId: 'a&tenantId=b' }))).toEqual({ limit: '100', tenantId: 'a&tenantId=b' });
  });

  it('puts each field error of a refused query under its filter as a sentence, the first per field', () => {
    expect(
      filterErrorsOf([
        { field: 'from', message: 'must not be after to' },
        { field: 'from', message: 'the period must not exceed 366 days' },
        { field: 'tenantId', message: 'Must be a tenant id.' },
      ]),
    ).toEqual({ from: 'Must not be after to.', tenantId: 'Must be a tenant id.' });
    expect(filterErrorsOf([])).toEqual({});
  });

  it('names every outcome in words', () => {
    expect(Object.values(OUTCOME_LOOKS).map((look) => look.text)).toEqual(['Succeeded', 'Refused', 'Failed']);
  });

  it('searches an entry by action, actor, tenant, target, request id, outcome and status code', () => {
    const texts = auditSearchText({
      auditId: 'a1',
      at: '2025-01-01T00:00:00.000Z',
      actor: { username: 'ops@example.com', role: 'SystemAdmin', userPoolId: 'pool' },
      action: 'tenant.deactivate',
      tenantId: 't-1',
      target: 't-1',
      requestId: 'req-1',
      outcome: 'REFUSED',
      statusCode: 409,
    });
    for (const text of ['tenant.deactivate', 'ops@example.com', 'SystemAdmin', 't-1', 'req-1', 'REFUSED', '409'])
      expect(texts).toContain(text);
  });
});
