import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../contracts/errors';
import { type AuditQuery, monthsOf, readAudit } from '../../../functions/audit/audit';
import { type AuditEntry, auditEntryOf, auditKeyOf } from '../../../functions/shared/audit-trail';
import { json, router } from '../../../functions/shared/http';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const OPERATOR = { userRole: 'SystemAdmin', username: 'ops@example.com', userPoolId: 'us-east-1_ops' };

const event = (method: string, resource: string, params: Record<string, string>, authorizer: object = OPERATOR) =>
  ({
    httpMethod: method,
    resource,
    pathParameters: params,
    requestContext: { requestId: 'req-1', authorizer },
  }) as unknown as APIGatewayProxyEvent;

describe('the audit trail of the router', () => {
  it('records an audited route’s call with who, what, target tenant, request id and outcome', async () => {
    const written: AuditEntry[] = [];
    const handle = router(
      { 'POST /executions/{executionId}/approve': async () => json(200, { executionId: 'r-1', tenantId: 't-1' }) },
      () => undefined,
      { audit: async (entry) => void written.push(entry), now: () => NOW },
    );

    await handle(event('POST', '/executions/{executionId}/approve', { executionId: 'r-1' }));

    expect(written).toEqual([
      {
        auditId: expect.any(String),
        at: NOW.toISOString(),
        actor: { username: 'ops@example.com', role: 'SystemAdmin', userPoolId: 'us-east-1_ops' },
        action: 'execution.approve',
        tenantId: 't-1',
        target: 'r-1',
        requestId: 'req-1',
        outcome: 'SUCCEEDED',
        statusCode: 200,
      },
    ]);
  });

  it('records refused calls too, and nothing for routes that change nothing', async () => {
    const written: AuditEntry[] = [];
    const handle = router(
      {
        'POST /tenants/{tenantId}/deactivate': async () => {
          throw new ConflictError('not active');
        },
        'GET /tenants/{tenantId}': async () => json(200, {}),
      },
      () => undefined,
      { audit: async (entry) => void written.push(entry), now: () => NOW },
    );

    const refused = await handle(event('POST', '/tenants/{tenantId}/deactivate', { tenantId: 't-9' }));
    await handle(event('GET', '/tenants/{tenantId}', { tenantId: 't-9' }));

    expect(refused.statusCode).toBe(409);
    expect(written.map((entry) => [entry.action, entry.tenantId, entry.outcome, entry.statusCode])).toEqual([
      ['tenant.deactivate', 't-9', 'REFUSED', 409],
    ]);
  });

  it('answers the request even when the audit entry cannot be written, and says so in the log', async () => {
    const logged: string[] = [];
    const handle = router({ 'POST /users': async () => json(201, {}) }, (message) => void logged.push(message), {
      audit: async () => {
        throw new Error('table unavailable');
      },
    });

    const response = await handle(
      event('POST', '/users', {}, { ...OPERATOR, tenantId: 't-2', userRole: 'TenantAdmin' }),
    );

    expect(response.statusCode).toBe(201);
    expect(logged).toEqual(['Audit entry not written']);
  });

  it('names a tenant admin’s own tenant as the actor’s and as the target tenant', () => {
    const entry = auditEntryOf(
      'user.disable',
      event(
        'POST',
        '/users/{username}/disable',
        { username: 'bob' },
        { userRole: 'TenantAdmin', username: 'ann', userPoolId: 'p', tenantId: 't-3' },
      ),
      { statusCode: 200, body: '{}' },
      NOW,
      'a-1',
    );

    expect(entry).toMatchObject({ actor: { tenantId: 't-3', role: 'TenantAdmin' }, tenantId: 't-3', target: 'bob' });
    expect(auditKeyOf(entry)).toEqual({ month: '2026-12', sk: '2026-12-02T10:00:00.000Z#a-1' });
  });
});

/** Entries by month partition, newest first, answered a page at a time like DynamoDB. */
function fakeLog(entries: AuditEntry[]) {
  const queries: AuditQuery[] = [];
  return {
    queries,
    deps: {
      now: () => NOW,
      async query(query: AuditQuery) {
        queries.push(query);
        const inPartition = entries
          .filter((entry) =>
            'month' in query.partition
              ? entry.at.startsWith(query.partition.month)
              : entry.tenantId === query.partition.tenantId,
          )
          .map((entry) => ({ entry, sk: auditKeyOf(entry).sk }))
          .filter(({ sk }) => sk >= query.fromSk && sk <= query.toSk)
          .sort((a, b) => b.sk.localeCompare(a.sk));
        const start = query.startKey ? inPartition.findIndex(({ sk }) => sk < String(query.startKey?.sk)) : 0;
        const page = inPartition.slice(
          start < 0 ? inPartition.length : start,
          (start < 0 ? inPartition.length : start) + query.limit,
        );
        const last = page.at(-1);
        const more = last && inPartition.indexOf(last) < inPartition.length - 1;
        return {
          items: page.map(({ entry }) => entry),
          lastKey: more
            ? {
                ...auditKeyOf(last.entry),
                ...('tenantId' in query.partition ? { tenantId: query.partition.tenantId } : {}),
              }
            : undefined,
        };
      },
    },
  };
}

const entryAt = (at: string, tenantId = 't-1'): AuditEntry => ({
  auditId: at,
  at,
  actor: { username: 'ops', role: 'SystemAdmin', userPoolId: 'p' },
  action: 'tenant.activate',
  tenantId,
  requestId: 'r',
  outcome: 'SUCCEEDED',
  statusCode: 200,
});

describe('reading the audit log', () => {
  const entries = [
    entryAt('2026-12-01T09:00:00.000Z'),
    entryAt('2026-11-20T09:00:00.000Z', 't-2'),
    entryAt('2026-11-10T09:00:00.000Z'),
    entryAt('2026-10-01T09:00:00.000Z'),
  ];

  it('pages newest first across months, every entry once', async () => {
    const { deps } = fakeLog(entries);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await readAudit(
        deps,
        { from: '2026-09-15', limit: '1', ...(nextToken ? { nextToken } : {}) },
        { role: 'SystemAdmin' },
      );
      seen.push(...page.items.map((item) => item.at));
      nextToken = page.nextToken;
    } while (nextToken);

    expect(seen).toEqual(entries.map((entry) => entry.at));
  });

  it('reads one tenant’s entries from its index, and keeps to the period', async () => {
    const { deps, queries } = fakeLog(entries);

    const page = await readAudit(
      deps,
      { tenantId: UUID_T1, from: '2026-11-01', to: '2026-11-30' },
      { role: 'SystemAdmin' },
    );

    expect(page.items).toEqual([]);
    expect(queries[0]?.partition).toEqual({ tenantId: UUID_T1 });
    expect(queries[0]?.toSk.startsWith('2026-11-30T23:59:59.999Z')).toBe(true);
  });

  it('lets a tenant admin read only their own tenant (403 otherwise)', async () => {
    const { deps } = fakeLog(entries);
    const admin = { role: 'TenantAdmin', tenantId: UUID_T1 };

    await expect(readAudit(deps, { tenantId: UUID_T1 }, admin)).resolves.toMatchObject({ items: [] });
    await expect(readAudit(deps, {}, admin)).rejects.toMatchObject({ statusCode: 403 });
    await expect(readAudit(deps, { tenantId: '00000000-0000-4000-8000-000000000002' }, admin)).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45' }, 'to'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'from'],
    [{ from: '2024-01-01', to: '2026-01-01' }, 'from'],
    [{ tenantId: 'x" OR 1=1' }, 'tenantId'],
    [{ limit: '0' }, 'limit'],
  ])('refuses %j with a 400 naming %s', async (query, field) => {
    await expect(readAudit(fakeLog([]).deps, query, { role: 'SystemAdmin' })).rejects.toMatchObject({
      statusCode: 400,
      errors: [expect.objectContaining({ field })],
    });
  });

  it('lists the months of a period newest first', () => {
    expect(monthsOf(new Date('2025-11-30T00:00:00Z'), new Date('2026-02-01T00:00:00Z'))).toEqual([
      '2026-02',
      '2026-01',
      '2025-12',
      '2025-11',
    ]);
  });
});

const UUID_T1 = '00000000-0000-4000-8000-000000000001';
