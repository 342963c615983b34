import { describe, expect, it } from 'vitest';
import {
  InvalidTenantIdError,
  MAX_SESSION_POLICY_LENGTH,
  serializeSessionPolicy,
  TENANT_ITEM_ACTIONS,
  tenantSessionName,
  tenantSessionPolicy,
} from '../../../authorizer/isolation-policy';

const PRODUCTS = 'arn:aws:dynamodb:us-east-1:111122223333:table/tenantflow-pooled-Products';
const ORDERS = 'arn:aws:dynamodb:us-east-1:111122223333:table/tenantflow-pooled-Orders';

describe('tenant session policy', () => {
  it('allows only item actions on the given tables and their indexes', () => {
    const policy = tenantSessionPolicy('tenant-a', [PRODUCTS, ORDERS]);

    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: [...TENANT_ITEM_ACTIONS],
      Resource: [PRODUCTS, `${PRODUCTS}/index/*`, ORDERS, `${ORDERS}/index/*`],
    });
    expect(TENANT_ITEM_ACTIONS).not.toContain('dynamodb:Scan');
    expect(TENANT_ITEM_ACTIONS.every((action) => action.startsWith('dynamodb:') && !action.includes('*'))).toBe(true);
  });

  it('limits dynamodb:LeadingKeys to the tenant with ForAllValues:StringEquals and a Null guard', () => {
    const { Condition } = tenantSessionPolicy('tenant-a', [PRODUCTS]).Statement[0] as { Condition: unknown };

    expect(Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['tenant-a'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });

  it('names each tenant in its own policy', () => {
    const a = JSON.stringify(tenantSessionPolicy('tenant-a', [PRODUCTS]));
    const b = JSON.stringify(tenantSessionPolicy('tenant-b', [PRODUCTS]));

    expect(a).toContain('"tenant-a"');
    expect(a).not.toContain('tenant-b');
    expect(b).toContain('"tenant-b"');
  });

  it.each(['*', 'tenant-*', 'a?b', '${aws:username}', '', 'x'.repeat(129), 'with space'])(
    'refuses tenant id %j that would widen or break the grant',
    (tenantId) => {
      expect(() => tenantSessionPolicy(tenantId, [PRODUCTS])).toThrow(InvalidTenantIdError);
    },
  );

  it('refuses a policy without tables', () => {
    expect(() => tenantSessionPolicy('tenant-a', [])).toThrow(/at least one table/);
  });

  it("fits STS's 2,048-character limit for the longest tenant id and long table names", () => {
    const longTable = `arn:aws:dynamodb:ap-southeast-2:111122223333:table/${'t'.repeat(200)}`;

    const text = serializeSessionPolicy(tenantSessionPolicy('x'.repeat(128), [longTable, `${longTable}2`]));

    expect(text.length).toBeLessThanOrEqual(MAX_SESSION_POLICY_LENGTH);
    expect(JSON.parse(text)).toEqual(tenantSessionPolicy('x'.repeat(128), [longTable, `${longTable}2`]));
  });

  it('refuses to serialize a policy over the STS limit', () => {
    const tables = Array.from(
      { length: 20 },
      (_, i) => `arn:aws:dynamodb:us-east-1:111122223333:table/${'t'.repeat(60)}${i}`,
    );

    expect(() => serializeSessionPolicy(tenantSessionPolicy('tenant-a', tables))).toThrow(/2048/);
  });

  it('derives a valid RoleSessionName from the tenant id', () => {
    expect(tenantSessionName('3f2a-9c')).toBe('tenant-3f2a-9c');
    expect(tenantSessionName('x'.repeat(100))).toHaveLength(64);
    expect(tenantSessionName('a b/c')).toMatch(/^[\w+=,.@-]+$/);
  });
});
