import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../contracts/errors';
import type { ReleasePlan, ReleaseSummary, TenantResult } from '../../../functions/pipeline/fanout';
import {
  getRelease,
  listReleases,
  type ReleaseExecution,
  type ReleasesDeps,
  releaseDetail,
  releaseItem,
  type TenantFacts,
} from '../../../functions/releases/releases';

const target = (tenantId: string) => ({ tenantId, stackName: `tenantflow-silo-${tenantId}`, parameters: [] });
const plan: ReleasePlan = {
  release: { tenantId: '', version: 'v2', templateUrl: 'file:///t.json', waveSize: 2, pollSeconds: 0 },
  waves: [[target('a'), target('b')], [target('c')]],
  tenantCount: 3,
  skipped: [{ tenantId: 'z', reason: 'the mapping row has no stackParameters' }],
};
const input = JSON.stringify({ tenantId: 'ALL', version: 'v2', templateUrl: 'file:///t.json', waveSize: 2 });
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
let id = 0;
const entered = (name: string, second: number, value: unknown = {}): HistoryEvent => ({
  id: ++id,
  type: 'TaskStateEntered',
  timestamp: at(second),
  stateEnteredEventDetails: { name, input: JSON.stringify(value) },
});
const exited = (name: string, second: number, value: unknown): HistoryEvent => ({
  id: ++id,
  type: 'TaskStateExited',
  timestamp: at(second),
  stateExitedEventDetails: { name, output: JSON.stringify(value) },
});
const result = (tenantId: string, outcome: TenantResult['outcome'], reason?: string): TenantResult => ({
  tenantId,
  stackName: `tenantflow-silo-${tenantId}`,
  outcome,
  ...(reason ? { reason } : {}),
});

/** The history of a release whose first wave is done and whose second is deploying. */
const secondWaveRunning: HistoryEvent[] = [
  exited('PlanRelease', 1, { plan, progress: {} }),
  entered('DeployWaveTenants', 2),
  entered('DescribeTenantStack', 2, { tenant: target('a') }),
  exited('RecordTenantDeployed', 4, result('a', 'succeeded')),
  exited('RecordTenantFailed', 5, result('b', 'failed', 'UPDATE_ROLLBACK_COMPLETE: boom')),
  exited('DeployWaveTenants', 5, []),
  exited('AssessWave', 6, {
    progress: { wave: 1, results: [result('a', 'succeeded'), result('b', 'failed', 'UPDATE_ROLLBACK_COMPLETE: boom')] },
  }),
  entered('DeployWaveTenants', 7),
];

describe('release view', () => {
  it('shows a running release wave by wave: done tenants with their outcome, the running wave in progress', () => {
    const execution = { name: 'rel-1', status: 'RUNNING', startDate: at(0), input };

    const detail = releaseDetail(
      execution,
      secondWaveRunning,
      new Map([['a', { tenantName: 'acme', deployedVersion: 'v2' }]]),
    );

    expect(detail).toMatchObject({
      releaseId: 'rel-1',
      version: 'v2',
      status: 'RUNNING',
      waveSize: 2,
      counts: { tenants: 4, updated: 1, unchanged: 0, failed: 1, skipped: 1, pending: 1, notDeployed: 0 },
    });
    expect(detail.waves.map((w) => [w.wave, w.status, w.tenants])).toEqual([
      [1, 'DONE', 2],
      [2, 'IN_PROGRESS', 1],
    ]);
    expect(detail.tenants).toEqual([
      expect.objectContaining({
        tenantId: 'a',
        tenantName: 'acme',
        version: 'v2',
        wave: 1,
        status: 'UPDATED',
        startedAt: at(2).toISOString(),
        endedAt: at(4).toISOString(),
      }),
      expect.objectContaining({ tenantId: 'b', wave: 1, status: 'FAILED', error: 'UPDATE_ROLLBACK_COMPLETE: boom' }),
      expect.objectContaining({ tenantId: 'c', wave: 2, status: 'IN_PROGRESS', startedAt: at(7).toISOString() }),
      { tenantId: 'z', status: 'SKIPPED', error: 'the mapping row has no stackParameters' },
    ]);
  });

  it('counts a finished release from its summary alone, without the history', () => {
    const summary: ReleaseSummary = {
      version: 'v2',
      tenantId: '',
      tenantCount: 3,
      succeeded: ['a'],
      unchanged: ['c'],
      failed: [{ tenantId: 'b', reason: 'boom' }],
      skipped: [],
      notStarted: [],
      unconfirmed: [],
    };
    const execution = {
      name: 'rel-2',
      status: 'SUCCEEDED',
      startDate: at(0),
      stopDate: at(9),
      input,
      output: JSON.stringify(summary),
    };

    expect(releaseItem(execution)).toEqual({
      releaseId: 'rel-2',
      version: 'v2',
      status: 'SUCCEEDED',
      startedAt: at(0).toISOString(),
      stoppedAt: at(9).toISOString(),
      counts: { tenants: 3, updated: 1, unchanged: 1, failed: 1, skipped: 0, pending: 0, notDeployed: 0 },
    });
  });

  it('explains a release that a wave stopped, and marks the later waves not deployed', () => {
    const summary: ReleaseSummary = {
      version: 'v2',
      tenantId: '',
      tenantCount: 3,
      succeeded: [],
      unchanged: [],
      failed: [
        { tenantId: 'a', reason: 'x' },
        { tenantId: 'b', reason: 'y' },
      ],
      skipped: [],
      notStarted: ['c'],
      unconfirmed: [],
      stopped: {
        error: 'ReleaseStoppedError',
        reason: '2 of 2 tenants failed in wave 1 of 2; at most 10% may fail',
        wave: 0,
      },
    };
    const execution = {
      name: 'rel-3',
      status: 'FAILED',
      startDate: at(0),
      stopDate: at(9),
      input,
      error: 'ReleaseStoppedError',
      cause: JSON.stringify(summary),
    };
    const history = secondWaveRunning.slice(0, 4);

    const detail = releaseDetail(execution, history);

    expect(detail.error).toBe('Stopped in wave 1: 2 of 2 tenants failed in wave 1 of 2; at most 10% may fail');
    expect(detail.tenants.find((t) => t.tenantId === 'c')?.status).toBe('NOT_DEPLOYED');
    expect(detail.waves[1]?.status).toBe('NOT_DEPLOYED');
    expect(detail.counts).toMatchObject({ failed: 2, notDeployed: 1 });
  });

  it('says why a release with invalid input failed, with no tenants', () => {
    const execution = {
      name: 'rel-4',
      status: 'FAILED',
      startDate: at(0),
      input: '{}',
      error: 'InvalidReleaseInputError',
      cause: 'version must be a non-empty string',
    };

    expect(releaseDetail(execution, [])).toMatchObject({
      error: 'InvalidReleaseInputError: version must be a non-empty string',
      tenants: [],
      waves: [],
      counts: { tenants: 0 },
    });
  });
});

const FANOUT = 'arn:aws:states:eu-west-1:111122223333:stateMachine:tenantflow-release-fanout';
const releaseArn = (name: string) =>
  `arn:aws:states:eu-west-1:111122223333:execution:tenantflow-release-fanout:${name}`;
const finishedSummary: ReleaseSummary = {
  version: 'v2',
  tenantId: '',
  tenantCount: 1,
  succeeded: ['a'],
  unchanged: [],
  failed: [],
  skipped: [],
  notStarted: [],
  unconfirmed: [],
};

/** The fan-out's executions and the tenant rows in memory; `calls` records what was read. */
function releasesDeps(executions: Record<string, { execution: ReleaseExecution; history?: HistoryEvent[] }>) {
  const calls: string[] = [];
  const deps: ReleasesDeps = {
    stateMachineArn: FANOUT,
    executions: {
      async page(stateMachineArn, query) {
        calls.push(`page ${stateMachineArn} ${JSON.stringify(query)}`);
        return { executionArns: Object.keys(executions).map(releaseArn), nextToken: query.nextToken && 'page-3' };
      },
      async describe(executionArn) {
        calls.push(`describe ${executionArn}`);
        return Object.entries(executions).find(([name]) => releaseArn(name) === executionArn)?.[1].execution;
      },
      async history(executionArn) {
        calls.push(`history ${executionArn}`);
        return Object.entries(executions).find(([name]) => releaseArn(name) === executionArn)?.[1].history ?? [];
      },
    },
    async tenantFacts(tenantIds) {
      calls.push(`facts ${tenantIds.join(',')}`);
      return new Map(
        tenantIds.map((tenantId): [string, TenantFacts] => [tenantId, { tenantName: `name-${tenantId}` }]),
      );
    },
  };
  return { deps, calls };
}

describe('listReleases', () => {
  it('counts finished releases from their summary and reads the history only of the others', async () => {
    const { deps, calls } = releasesDeps({
      'rel-done': {
        execution: {
          name: 'rel-done',
          status: 'SUCCEEDED',
          startDate: at(0),
          input,
          output: JSON.stringify(finishedSummary),
        },
      },
      'rel-run': {
        execution: { name: 'rel-run', status: 'RUNNING', startDate: at(1), input },
        history: secondWaveRunning,
      },
    });

    const page = await listReleases(deps, { limit: '5' });

    expect(page.items.map((item) => [item.releaseId, item.counts.tenants])).toEqual([
      ['rel-done', 1],
      ['rel-run', 4],
    ]);
    expect(calls.filter((call) => call.startsWith('history'))).toEqual([`history ${releaseArn('rel-run')}`]);
    expect(page).not.toHaveProperty('nextToken');
  });

  it('passes the next page token on when there is one', async () => {
    const { deps } = releasesDeps({});

    await expect(listReleases(deps, { nextToken: 'page-2' })).resolves.toEqual({ items: [], nextToken: 'page-3' });
  });
});

describe('getRelease', () => {
  it("shows a release with the names from its tenants' rows", async () => {
    const { deps, calls } = releasesDeps({
      'rel-run': {
        execution: { name: 'rel-run', status: 'RUNNING', startDate: at(1), input },
        history: secondWaveRunning,
      },
    });

    const detail = await getRelease(deps, 'rel-run');

    expect(detail.tenants.map((t) => [t.tenantId, t.tenantName])).toEqual([
      ['a', 'name-a'],
      ['b', 'name-b'],
      ['c', 'name-c'],
      ['z', 'name-z'],
    ]);
    expect(calls).toEqual([`describe ${releaseArn('rel-run')}`, `history ${releaseArn('rel-run')}`, 'facts a,b,c,z']);
  });

  it('asks once for the rows of a tenant with two rows in the release (BatchGetItem refuses repeated keys)', async () => {
    const summary: ReleaseSummary = { ...finishedSummary, skipped: [{ tenantId: 'a', reason: 'also skipped' }] };
    const { deps, calls } = releasesDeps({
      'rel-done': {
        execution: { name: 'rel-done', status: 'SUCCEEDED', startDate: at(0), input, output: JSON.stringify(summary) },
        history: secondWaveRunning.slice(0, 1),
      },
    });

    const detail = await getRelease(deps, 'rel-done');

    expect(detail.tenants.filter((t) => t.tenantId === 'a')).toHaveLength(2);
    expect(calls.filter((call) => call.startsWith('facts'))).toEqual(['facts a,b,c']);
  });

  it('answers 404 for an unknown release', async () => {
    const { deps } = releasesDeps({});

    await expect(getRelease(deps, 'rel-none')).rejects.toStrictEqual(new NotFoundError('Release'));
  });

  it('answers 404 for an id that cannot name a release, without asking Step Functions', async () => {
    const { deps, calls } = releasesDeps({});

    await expect(getRelease(deps, 'rel 1')).rejects.toStrictEqual(new NotFoundError('Release'));
    expect(calls).toEqual([]);
  });
});
