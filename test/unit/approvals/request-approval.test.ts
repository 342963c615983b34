import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalStore } from '../../../functions/approvals/approval-store';
import { requestApprovalWith } from '../../../functions/approvals/request-approval';
import { conditionFailed, fakeClient } from '../onboarding-steps/fakes';

beforeEach(() => {
  vi.stubEnv('APPROVALS_TABLE', 'Approvals');
  vi.stubEnv('TENANT_DETAILS_TABLE', 'TenantDetails');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const NOW = new Date('2026-12-02T10:00:00.000Z');
const REQUEST = {
  taskToken: 'token-1',
  executionId: 'reg-1',
  kind: 'onboarding',
  tenantId: 'tenant-1',
  tenantName: 'globex',
  tier: 'PLATINUM',
};

describe('requestApproval', () => {
  it('stores the task token under the execution and puts an onboarding tenant in AWAITING_APPROVAL', async () => {
    const dynamoDb = fakeClient({ put: () => ({}), update: () => ({}) });

    await requestApprovalWith({ dynamoDb, now: () => NOW }, REQUEST);

    expect(dynamoDb.inputsOf('put')).toEqual([
      { TableName: 'Approvals', Item: { ...REQUEST, requestedAt: NOW.toISOString() } },
    ]);
    expect(dynamoDb.inputsOf('update')).toEqual([
      expect.objectContaining({
        Key: { tenantId: 'tenant-1' },
        ConditionExpression: '#status = :onboarding',
        ExpressionAttributeValues: expect.objectContaining({ ':waiting': 'AWAITING_APPROVAL' }),
      }),
    ]);
  });

  it('overwrites the token of an earlier attempt, and leaves a tenant that is no longer ONBOARDING alone', async () => {
    const dynamoDb = fakeClient({
      put: () => ({}),
      update: () => {
        throw conditionFailed();
      },
    });

    await requestApprovalWith({ dynamoDb, now: () => NOW }, REQUEST);
    await requestApprovalWith({ dynamoDb, now: () => NOW }, { ...REQUEST, taskToken: 'token-2' });

    expect(dynamoDb.inputsOf('put').map((put) => (put.Item as { taskToken: string }).taskToken)).toEqual([
      'token-1',
      'token-2',
    ]);
  });

  it('does not touch the tenant for another kind of workflow', async () => {
    const dynamoDb = fakeClient({ put: () => ({}) });

    await requestApprovalWith({ dynamoDb, now: () => NOW }, { ...REQUEST, kind: 'offboarding' });

    expect(dynamoDb.inputsOf('update')).toEqual([]);
  });
});

describe('the approval store', () => {
  it('lists pending approvals oldest first, without their task tokens, across scan pages', async () => {
    const pages = [
      {
        Items: [{ executionId: 'b', kind: 'onboarding', tenantId: 't', requestedAt: '2026-12-02T10:00:02Z' }],
        LastEvaluatedKey: { executionId: 'b' },
      },
      { Items: [{ executionId: 'a', kind: 'onboarding', tenantId: 't', requestedAt: '2026-12-02T10:00:01Z' }] },
    ];
    const dynamoDb = fakeClient({ scan: () => pages.shift() });

    const pending = await approvalStore(dynamoDb, 'Approvals').pending('onboarding');

    expect(pending.map((approval) => approval.executionId)).toEqual(['a', 'b']);
    const scans = dynamoDb.inputsOf('scan');
    expect(scans).toHaveLength(2);
    expect(Object.values(scans[0]?.ExpressionAttributeNames as object)).not.toContain('taskToken');
    expect(scans[1]?.ExclusiveStartKey).toEqual({ executionId: 'b' });
  });
});
