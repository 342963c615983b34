import { describe, expect, it } from 'vitest';
import {
  advanceWaves,
  InvalidReleaseInputError,
  planWaves,
  releaseSettingsOf,
  type StackMappingRow,
  startProgress,
  summarizeRelease,
  type TenantResult,
} from '../../../functions/pipeline/fanout';

const silo = (tenantId: string, extra: Partial<StackMappingRow> = {}): StackMappingRow => ({
  tenantId,
  stackName: `tenantflow-silo-${tenantId}`,
  deploymentModel: 'silo',
  stackParameters: { TenantId: tenantId, UserPoolId: `pool-${tenantId}`, AppClientId: `client-${tenantId}` },
  ...extra,
});
const pool = (tenantId: string): StackMappingRow => ({
  tenantId,
  stackName: 'tenantflow-pooled',
  deploymentModel: 'pool',
});
const settings = (extra: Record<string, unknown> = {}) =>
  releaseSettingsOf({ tenantId: '', version: 'v2', templateUrl: 'https://t/v2.json', ...extra });
const result = (tenantId: string, outcome: TenantResult['outcome']): TenantResult => ({
  tenantId,
  stackName: `tenantflow-silo-${tenantId}`,
  outcome,
  ...(outcome === 'failed' ? { reason: `${tenantId} broke` } : {}),
});

describe('release settings', () => {
  it('defaults waveSize to 10 and pollSeconds to 10', () => {
    expect(settings()).toEqual({
      tenantId: '',
      version: 'v2',
      templateUrl: 'https://t/v2.json',
      waveSize: 10,
      pollSeconds: 10,
    });
  });

  it('reads the pipeline default ALL as every tenant', () => {
    expect(settings({ tenantId: 'ALL' }).tenantId).toBe('');
  });

  it.each([
    [{ version: '' }, 'version'],
    [{ templateUrl: 3 }, 'templateUrl'],
    [{ waveSize: 0 }, 'waveSize'],
    [{ waveSize: 2.5 }, 'waveSize'],
    [{ pollSeconds: -1 }, 'pollSeconds'],
  ])('rejects %j', (extra, field) => {
    expect(() => settings(extra)).toThrow(InvalidReleaseInputError);
    expect(() => settings(extra)).toThrow(field);
  });
});

describe('wave planner', () => {
  it('cuts the silo tenants, in tenant id order, into waves of waveSize with their stack parameters', () => {
    const rows = ['t05', 't01', 't03', 't02', 't04'].map((id) => silo(id));

    const plan = planWaves(settings({ waveSize: 2 }), [...rows, pool('p1')]);

    expect(plan.waves.map((wave) => wave.map((t) => t.tenantId))).toEqual([['t01', 't02'], ['t03', 't04'], ['t05']]);
    expect(plan.tenantCount).toBe(5);
    expect(plan.skipped).toEqual([]);
    expect(plan.waves[0]?.[0]).toEqual({
      tenantId: 't01',
      stackName: 'tenantflow-silo-t01',
      parameters: [
        { ParameterKey: 'TenantId', ParameterValue: 't01' },
        { ParameterKey: 'UserPoolId', ParameterValue: 'pool-t01' },
        { ParameterKey: 'AppClientId', ParameterValue: 'client-t01' },
        { ParameterKey: 'ReleaseVersion', ParameterValue: plan.release.version },
      ],
    });
  });

  it('plans only the named tenant', () => {
    const plan = planWaves(settings({ tenantId: 't02' }), [silo('t01'), silo('t02')]);

    expect(plan.waves).toEqual([[expect.objectContaining({ tenantId: 't02' })]]);
  });

  it('skips a named tenant that is missing or pooled, and silo rows it cannot deploy', () => {
    expect(planWaves(settings({ tenantId: 'nope' }), [silo('t01')]).skipped).toEqual([
      { tenantId: 'nope', reason: 'no TenantStackMapping row' },
    ]);
    expect(planWaves(settings({ tenantId: 'p1' }), [pool('p1')]).skipped).toEqual([
      { tenantId: 'p1', reason: 'deployment model is pool, not silo' },
    ]);
    const plan = planWaves(settings(), [
      silo('t01', { stackParameters: undefined }),
      silo('t02', { stackName: 'tenantflow-pooled' }),
    ]);
    expect(plan.tenantCount).toBe(0);
    expect(plan.skipped.map((s) => s.tenantId)).toEqual(['t01', 't02']);
    expect(plan.skipped[1]?.reason).toContain('tenantflow-silo-');
  });

  it('plans no wave when there is no silo tenant', () => {
    const plan = planWaves(settings(), [pool('p1')]);

    expect(plan.waves).toEqual([]);
    expect(startProgress(plan)).toMatchObject({ more: false, tenants: [] });
  });
});

describe('waves', () => {
  const plan = planWaves(
    settings({ waveSize: 4 }),
    ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => silo(id)),
  );

  it('goes on to the next wave while the failed share is at most the tolerated percentage', () => {
    const progress = advanceWaves(
      plan,
      startProgress(plan),
      [result('a', 'succeeded'), result('b', 'unchanged'), result('c', 'failed'), result('d', 'succeeded')],
      25,
    );

    expect(progress).toMatchObject({ wave: 1, more: true, exceeded: false });
    expect(progress.tenants.map((t) => t.tenantId)).toEqual(['e', 'f', 'g', 'h']);
    expect(progress.results).toHaveLength(4);
  });

  it('stops when the failed share exceeds the tolerated percentage', () => {
    const progress = advanceWaves(
      plan,
      startProgress(plan),
      [result('a', 'failed'), result('b', 'failed'), result('c', 'succeeded'), result('d', 'succeeded')],
      25,
    );

    expect(progress).toMatchObject({ wave: 0, more: false, exceeded: true, tenants: [] });
    expect(progress.reason).toBe('2 of 4 tenants failed in wave 1 of 2; at most 25% may fail');
  });

  it('ends after the last wave', () => {
    const second = advanceWaves(plan, startProgress(plan), [result('a', 'succeeded')], 10);
    const done = advanceWaves(plan, second, [result('e', 'succeeded')], 10);

    expect(done).toMatchObject({ wave: 1, more: false, exceeded: false });
    expect(done.results.map((r) => r.tenantId)).toEqual(['a', 'e']);
  });
});

describe('release summary', () => {
  const plan = planWaves(
    settings({ waveSize: 2 }),
    ['a', 'b', 'c', 'd', 'e'].map((id) => silo(id)),
  );

  it('lists succeeded, unchanged and failed tenants with reasons', () => {
    const progress = {
      ...startProgress(plan),
      more: false,
      results: [result('a', 'succeeded'), result('b', 'unchanged'), result('c', 'failed')],
    };

    const summary = summarizeRelease({ plan, progress });

    expect(summary).toEqual({
      version: 'v2',
      tenantId: '',
      tenantCount: 5,
      succeeded: ['a'],
      unchanged: ['b'],
      failed: [{ tenantId: 'c', reason: 'c broke' }],
      skipped: [],
      notStarted: [],
      unconfirmed: [],
    });
  });

  it('names the later waves not started and carries itself as the Cause when too many failed', () => {
    const progress = advanceWaves(plan, startProgress(plan), [result('a', 'failed'), result('b', 'failed')], 10);

    const summary = summarizeRelease({ plan, progress });

    expect(summary.notStarted).toEqual(['c', 'd', 'e']);
    expect(summary.stopped).toEqual({
      error: 'ReleaseStoppedError',
      reason: '2 of 2 tenants failed in wave 1 of 3; at most 10% may fail',
      wave: 0,
    });
    expect(JSON.parse(summary.cause ?? '')).toMatchObject({ failed: [{ tenantId: 'a' }, { tenantId: 'b' }] });
  });

  it('reports the tenants of a wave whose Map failed outright as unconfirmed', () => {
    const second = advanceWaves(plan, startProgress(plan), [result('a', 'succeeded'), result('b', 'succeeded')], 10);

    const summary = summarizeRelease({
      plan,
      progress: second,
      stopped: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'too many' },
    });

    expect(summary).toMatchObject({
      succeeded: ['a', 'b'],
      unconfirmed: ['c', 'd'],
      notStarted: ['e'],
      stopped: { error: 'States.ExceedToleratedFailureThreshold', wave: 1 },
    });
  });
});
