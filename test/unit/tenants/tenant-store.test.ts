import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../contracts/errors';
import { tenantStore } from '../../../functions/tenants/tenant-store';
import { awsError, conditionFailed, fakeClient } from '../onboarding-steps/fakes';

const TABLES = { TENANT_DETAILS_TABLE: 'TenantDetails', TENANT_NAMES_TABLE: 'TenantNames' };
const token = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('the tenant store', () => {
  it('sets the status only from the expected one (or to the same), stamping the time, and tells the one it had', async () => {
    const db = fakeClient({ update: () => ({ Attributes: { tenantId: 't1', status: 'ACTIVE' } }) });

    await expect(tenantStore(db, TABLES).setStatus('t1', 'ACTIVE', 'INACTIVE', 'at')).resolves.toBe('ACTIVE');
    expect(db.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 't1' },
        UpdateExpression: 'SET #status = :to, updatedAt = :now',
        ConditionExpression: '#status IN (:from, :to)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':from': 'ACTIVE', ':to': 'INACTIVE', ':now': 'at' },
        ReturnValues: 'ALL_OLD',
      },
    ]);
  });

  it('answers undefined when the condition refuses the status change, and lets other errors through', async () => {
    const refused = fakeClient({
      update: () => {
        throw conditionFailed();
      },
    });
    const throttling = awsError('ProvisionedThroughputExceededException', 'slow down');
    const failing = fakeClient({
      update: () => {
        throw throttling;
      },
    });

    await expect(tenantStore(refused, TABLES).setStatus('t1', 'ACTIVE', 'INACTIVE', 'at')).resolves.toBeUndefined();
    await expect(tenantStore(failing, TABLES).setStatus('t1', 'ACTIVE', 'INACTIVE', 'at')).rejects.toBe(throttling);
  });

  it('finds the tenant a name key is reserved for', async () => {
    const db = fakeClient({
      get: ({ TableName }) => (TableName === 'TenantNames' ? { Item: { tenantId: 't1' } } : {}),
    });

    await expect(tenantStore(db, TABLES).tenantIdOfName('acme')).resolves.toBe('t1');
    expect(db.inputsOf('get')).toEqual([{ TableName: 'TenantNames', Key: { tenantNameKey: 'acme' } }]);
  });

  it('lists a page of the registry, continuing from the page token', async () => {
    const db = fakeClient({ scan: () => ({ Items: [{ tenantId: 't2' }], LastEvaluatedKey: { tenantId: 't2' } }) });

    const page = await tenantStore(db, TABLES).list(1, token({ tenantId: 't1' }));

    expect(page).toEqual({ items: [{ tenantId: 't2' }], nextToken: token({ tenantId: 't2' }) });
    expect(db.inputsOf('scan')).toEqual([
      { TableName: 'TenantDetails', Limit: 1, ExclusiveStartKey: { tenantId: 't1' } },
    ]);
  });

  it('refuses a page token that is not one, without a scan', async () => {
    const db = fakeClient();

    await expect(tenantStore(db, TABLES).list(1, 'not-a-token')).rejects.toStrictEqual(
      new ValidationError([{ field: 'nextToken', message: 'is not a valid page token' }]),
    );
    expect(db.sent).toEqual([]);
  });
});
