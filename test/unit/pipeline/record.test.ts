import { describe, expect, it } from 'vitest';
import type { ReleaseSettings, TenantTarget } from '../../../functions/pipeline/fanout';
import {
  type DescribedStack,
  failureReason,
  type RecordDeps,
  recordDeployment,
} from '../../../functions/pipeline/record';

interface Row {
  tenantId: string;
  waitingTaskToken?: string;
  [key: string]: unknown;
}

/** TenantStackMapping rows and task tokens in memory, with the conditional semantics of the real deps. */
class FakeDeps implements RecordDeps {
  readonly rows = new Map<string, Row>();
  readonly calls: string[] = [];
  readonly sent: unknown[] = [];
  sendError?: Error;
  now = () => new Date('2025-02-03T04:05:06.000Z');

  async writeDeployed(tenantId: string, fields: Record<string, unknown>) {
    this.calls.push('writeDeployed');
    const row = this.rows.get(tenantId);
    if (!row) return false;
    delete row.lastDeployError;
    Object.assign(row, fields);
    return true;
  }
  async writeDeployError(tenantId: string, reason: string) {
    this.calls.push('writeDeployError');
    const row = this.rows.get(tenantId);
    if (!row) return false;
    row.lastDeployError = reason;
    return true;
  }
  async readToken(tenantId: string) {
    return this.rows.get(tenantId)?.waitingTaskToken;
  }
  async clearToken(tenantId: string, token: string) {
    this.calls.push('clearToken');
    const row = this.rows.get(tenantId);
    if (row?.waitingTaskToken === token) delete row.waitingTaskToken;
  }
  async sendTaskSuccess(token: string, output: string) {
    this.calls.push('sendTaskSuccess');
    if (this.sendError) throw this.sendError;
    this.sent.push({ token, output: JSON.parse(output) });
  }
  async sendTaskFailure(token: string, error: string, cause: string) {
    this.calls.push('sendTaskFailure');
    if (this.sendError) throw this.sendError;
    this.sent.push({ token, error, cause });
  }
}

const tenant: TenantTarget = { tenantId: 't1', stackName: 'tenantflow-silo-t1', parameters: [] };
const release: ReleaseSettings = {
  tenantId: '',
  version: 'v7',
  templateUrl: 'https://t/v7.json',
  waveSize: 10,
  pollSeconds: 0,
};
const deployed: DescribedStack = {
  StackId: 'arn:stack/tenantflow-silo-t1/1',
  StackStatus: 'UPDATE_COMPLETE',
  Outputs: [
    { OutputKey: 'TenantApiUrl', OutputValue: 'https://api/t1/' },
    { OutputKey: 'UsagePlanIdABC123', OutputValue: 'plan-1' },
  ],
};

function depsWith(row: Partial<Row> = {}): FakeDeps {
  const deps = new FakeDeps();
  deps.rows.set('t1', { tenantId: 't1', lastDeployError: 'old', ...row });
  return deps;
}

describe('recording a deployed tenant', () => {
  it('records version, time, API URL and usage plan, and clears lastDeployError', async () => {
    const deps = depsWith();

    const result = await recordDeployment(
      { outcome: 'succeeded', state: { tenant, release, describe: { Stacks: [deployed] } } },
      deps,
    );

    expect(result).toEqual({
      tenantId: 't1',
      stackName: 'tenantflow-silo-t1',
      outcome: 'succeeded',
      apiUrl: 'https://api/t1/',
      stackStatus: 'UPDATE_COMPLETE',
    });
    expect(deps.rows.get('t1')).toEqual({
      tenantId: 't1',
      deployedVersion: 'v7',
      deployedAt: '2025-02-03T04:05:06.000Z',
      apiUrl: 'https://api/t1/',
      usagePlanId: 'plan-1',
    });
    expect(deps.sent).toEqual([]);
  });

  it('resumes the waiting onboarding with apiUrl, usagePlanId and stackName, then removes the token', async () => {
    const deps = depsWith({ waitingTaskToken: 'tok' });

    await recordDeployment(
      { outcome: 'unchanged', state: { tenant, release, describe: { Stacks: [deployed] } } },
      deps,
    );

    expect(deps.sent).toEqual([
      { token: 'tok', output: { apiUrl: 'https://api/t1/', usagePlanId: 'plan-1', stackName: 'tenantflow-silo-t1' } },
    ]);
    expect(deps.calls).toEqual(['writeDeployed', 'sendTaskSuccess', 'clearToken']);
    expect(deps.rows.get('t1')?.waitingTaskToken).toBeUndefined();
  });

  it('treats a token Step Functions no longer knows as sent, and removes it', async () => {
    const deps = depsWith({ waitingTaskToken: 'tok' });
    deps.sendError = Object.assign(new Error('gone'), { name: 'TaskTimedOut' });

    await recordDeployment(
      { outcome: 'succeeded', state: { tenant, release, describe: { Stacks: [deployed] } } },
      deps,
    );

    expect(deps.rows.get('t1')?.waitingTaskToken).toBeUndefined();
  });

  it('keeps the token when sending fails for another reason, so a retry sends it again', async () => {
    const deps = depsWith({ waitingTaskToken: 'tok' });
    deps.sendError = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });

    await expect(
      recordDeployment({ outcome: 'succeeded', state: { tenant, release, describe: { Stacks: [deployed] } } }, deps),
    ).rejects.toThrow('throttled');
    expect(deps.rows.get('t1')?.waitingTaskToken).toBe('tok');
  });

  it('fails a deployed stack without a TenantApiUrl output', async () => {
    const deps = depsWith({ waitingTaskToken: 'tok' });

    const result = await recordDeployment(
      { outcome: 'succeeded', state: { tenant, release, describe: { Stacks: [{ StackStatus: 'CREATE_COMPLETE' }] } } },
      deps,
    );

    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'CREATE_COMPLETE: the stack has no TenantApiUrl output',
    });
    expect(deps.sent).toEqual([
      {
        token: 'tok',
        error: 'TenantStackDeployFailed',
        cause: 'CREATE_COMPLETE: the stack has no TenantApiUrl output',
      },
    ]);
  });

  it('reports a row deleted during the release as failed', async () => {
    const deps = new FakeDeps();

    const result = await recordDeployment(
      { outcome: 'succeeded', state: { tenant, release, describe: { Stacks: [deployed] } } },
      deps,
    );

    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('deleted') });
  });
});

describe('recording a failed tenant', () => {
  it('records the stack status reason and fails the waiting onboarding with TenantStackDeployFailed', async () => {
    const deps = depsWith({ waitingTaskToken: 'tok', deployedVersion: 'v6' });
    const stack = { StackStatus: 'UPDATE_ROLLBACK_COMPLETE', StackStatusReason: 'Resource ProductsTable failed' };

    const result = await recordDeployment(
      { outcome: 'failed', state: { tenant, release, lastError: { Error: 'TenantStackDeployFailed', stack } } },
      deps,
    );

    const reason = 'UPDATE_ROLLBACK_COMPLETE: Resource ProductsTable failed';
    expect(result).toEqual({
      tenantId: 't1',
      stackName: 'tenantflow-silo-t1',
      outcome: 'failed',
      reason,
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
    });
    expect(deps.rows.get('t1')).toMatchObject({ deployedVersion: 'v6', lastDeployError: reason });
    expect(deps.sent).toEqual([{ token: 'tok', error: 'TenantStackDeployFailed', cause: reason }]);
    expect(deps.rows.get('t1')?.waitingTaskToken).toBeUndefined();
  });

  it('words a caught error as Error: Cause, and prefers it over an earlier describe', () => {
    expect(
      failureReason({
        tenant,
        release,
        describe: { Stacks: [{ StackStatus: 'UPDATE_COMPLETE' }] },
        lastError: { Error: 'CloudFormation.CloudFormationException', Cause: 'Stack is in UPDATE_IN_PROGRESS state' },
      }),
    ).toBe('CloudFormation.CloudFormationException: Stack is in UPDATE_IN_PROGRESS state');
  });
});
