/**
 * Runs the synthesized fan-out definition on the local interpreter (aws-local-stepfunctions, the
 * engine of the local cloud) with in-memory fakes: the Lambda steps run the real domain code
 * (planner, record, assess, summary) against a fake TenantStackMapping and fake task tokens, and
 * the CloudFormation SDK integrations hit a fake CloudFormation with real status transitions and
 * error names. No network.
 */
import '../../local/stepfunctions/promise-with-resolvers';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  advanceWaves,
  planWaves,
  type ReleasePlan,
  type ReleaseSummary,
  releaseSettingsOf,
  type StackMappingRow,
  type SummarizeInput,
  startProgress,
  summarizeRelease,
  type TenantResult,
  type WaveProgress,
} from '../../functions/pipeline/fanout';
import { FANOUT_STATES as S } from '../../functions/pipeline/fanout-states';
import {
  type DescribedStack,
  type RecordDeps,
  type RecordInput,
  recordDeployment,
} from '../../functions/pipeline/record';
import { type Asl, allStates, renderFanOut } from '../support/infra/fanout-asl';

type Behaviour = 'ok' | 'failCreate' | 'failUpdate';

interface FakeStack {
  id: string;
  name: string;
  status: string;
  reason?: string;
  templateUrl: string;
  parameters: string;
  /** The status the next describe reports (after an *_IN_PROGRESS one). */
  next?: { status: string; reason?: string };
  deleted?: boolean;
}

function cfnError(message: string): Error {
  return Object.assign(new Error(message), { name: 'CloudFormation.CloudFormationException' });
}

/** CloudFormation as the fan-out sees it: one in-progress describe per operation, then the final status. */
class FakeCloudFormation {
  readonly stacks = new Map<string, FakeStack>();
  readonly behaviour = new Map<string, Behaviour>();
  readonly calls: string[] = [];
  /** Stacks a parallel pipeline run creates between this run's describe and its create. */
  readonly createdByAnotherRun = new Set<string>();
  private seq = 0;

  private byNameOrId(nameOrId: string): FakeStack | undefined {
    return [...this.stacks.values()].find((s) => s.id === nameOrId || (s.name === nameOrId && !s.deleted));
  }

  seed(name: string, status: string, templateUrl = 'https://t/v0.json', parameters = ''): void {
    this.stacks.set(`${name}#${++this.seq}`, {
      id: `arn:stack/${name}/${this.seq}`,
      name,
      status,
      templateUrl,
      parameters,
    });
  }

  describeStacks({ StackName }: { StackName: string }) {
    this.calls.push(`describe ${StackName}`);
    if (this.createdByAnotherRun.delete(StackName)) {
      this.seed(StackName, 'CREATE_IN_PROGRESS');
      const created = this.byNameOrId(StackName) as FakeStack;
      created.next = { status: 'CREATE_COMPLETE' };
      throw cfnError(`Stack with id ${StackName} does not exist`);
    }
    const stack = this.byNameOrId(StackName);
    if (!stack) throw cfnError(`Stack with id ${StackName} does not exist`);
    if (stack.next) {
      const { next } = stack;
      stack.next = undefined;
      const out = this.view(stack);
      Object.assign(stack, next);
      if (stack.status === 'DELETE_COMPLETE') stack.deleted = true;
      return out;
    }
    return this.view(stack);
  }

  private view(stack: FakeStack) {
    const tenantId = stack.name.replace('tenantflow-silo-', '');
    const complete = stack.status === 'CREATE_COMPLETE' || stack.status.startsWith('UPDATE_');
    const described: DescribedStack = {
      StackId: stack.id,
      StackName: stack.name,
      StackStatus: stack.status,
      ...(stack.reason ? { StackStatusReason: stack.reason } : {}),
      ...(complete
        ? {
            Outputs: [
              { OutputKey: 'TenantApiUrl', OutputValue: `https://api/${tenantId}/` },
              { OutputKey: 'UsagePlanId', OutputValue: `plan-${tenantId}` },
            ],
          }
        : {}),
    };
    return { Stacks: [described] };
  }

  createStack(p: { StackName: string; TemplateURL: string; Parameters: unknown; Capabilities: string[] }) {
    this.calls.push(`create ${p.StackName}`);
    if (this.byNameOrId(p.StackName))
      throw Object.assign(new Error(`Stack [${p.StackName}] already exists`), {
        name: 'CloudFormation.AlreadyExistsException',
      });
    const fail = this.behaviour.get(p.StackName) === 'failCreate';
    const id = `arn:stack/${p.StackName}/${++this.seq}`;
    this.stacks.set(`${p.StackName}#${this.seq}`, {
      id,
      name: p.StackName,
      status: 'CREATE_IN_PROGRESS',
      templateUrl: p.TemplateURL,
      parameters: JSON.stringify(p.Parameters),
      next: fail
        ? { status: 'ROLLBACK_COMPLETE', reason: 'The following resource(s) failed to create: [ProductsTable].' }
        : { status: 'CREATE_COMPLETE' },
    });
    return { StackId: id };
  }

  updateStack(p: { StackName: string; TemplateURL: string; Parameters: unknown }) {
    this.calls.push(`update ${p.StackName}`);
    const stack = this.byNameOrId(p.StackName);
    if (!stack) throw cfnError(`Stack [${p.StackName}] does not exist`);
    if (stack.status.endsWith('_IN_PROGRESS'))
      throw cfnError(`Stack ${p.StackName} is in ${stack.status} state and can not be updated.`);
    if (stack.templateUrl === p.TemplateURL && stack.parameters === JSON.stringify(p.Parameters)) {
      throw cfnError('No updates are to be performed.');
    }
    const fail = this.behaviour.get(p.StackName) === 'failUpdate';
    stack.status = 'UPDATE_IN_PROGRESS';
    if (fail) {
      stack.next = {
        status: 'UPDATE_ROLLBACK_COMPLETE',
        reason: 'Resource handler returned message: "Rate exceeded" (ProductsFunction)',
      };
    } else {
      stack.templateUrl = p.TemplateURL;
      stack.parameters = JSON.stringify(p.Parameters);
      stack.next = { status: 'UPDATE_COMPLETE', reason: undefined };
    }
    return { StackId: stack.id };
  }

  deleteStack({ StackName }: { StackName: string }) {
    this.calls.push(`delete ${StackName}`);
    const stack = this.byNameOrId(StackName);
    if (stack) {
      stack.status = 'DELETE_IN_PROGRESS';
      stack.next = { status: 'DELETE_COMPLETE' };
    }
    return {};
  }
}

/** TenantStackMapping and task tokens in memory. */
class FakeRecordDeps implements RecordDeps {
  readonly rows = new Map<string, StackMappingRow>();
  readonly sent: { token: string; kind: 'success' | 'failure'; output?: unknown; error?: string; cause?: string }[] =
    [];
  now = () => new Date('2025-01-02T03:04:05.000Z');

  async writeDeployed(tenantId: string, fields: Record<string, unknown>) {
    const row = this.rows.get(tenantId);
    if (!row) return false;
    const { lastDeployError: _dropped, ...rest } = row;
    this.rows.set(tenantId, { ...rest, ...fields } as StackMappingRow);
    return true;
  }
  async writeDeployError(tenantId: string, reason: string) {
    const row = this.rows.get(tenantId);
    if (!row) return false;
    this.rows.set(tenantId, { ...row, lastDeployError: reason });
    return true;
  }
  async readToken(tenantId: string) {
    return this.rows.get(tenantId)?.waitingTaskToken;
  }
  async clearToken(tenantId: string, token: string) {
    const row = this.rows.get(tenantId);
    if (row?.waitingTaskToken === token) {
      const { waitingTaskToken: _removed, ...rest } = row;
      this.rows.set(tenantId, rest as StackMappingRow);
    }
  }
  async sendTaskSuccess(token: string, output: string) {
    this.sent.push({ token, kind: 'success', output: JSON.parse(output) });
  }
  async sendTaskFailure(token: string, error: string, cause: string) {
    this.sent.push({ token, kind: 'failure', error, cause });
  }
}

let asl: Asl;

beforeAll(() => {
  asl = renderFanOut(10).asl;
});

const tenantIds = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);

function siloRow(tenantId: string, extra: Partial<StackMappingRow> = {}): StackMappingRow {
  return {
    tenantId,
    stackName: `tenantflow-silo-${tenantId}`,
    deploymentModel: 'silo',
    stackParameters: { TenantId: tenantId, UserPoolId: `us-east-1_${tenantId}`, AppClientId: `client-${tenantId}` },
    ...extra,
  };
}

interface Run {
  status: 'SUCCEEDED' | 'FAILED';
  output?: ReleaseSummary;
  error?: { name: string; message: string };
  /** Task states run, per tenant, in order (the interpreter's event stream drops nested events, so handlers note them). */
  entered: Map<string, string[]>;
}

async function runFanOut(input: unknown, cfn: FakeCloudFormation, deps: FakeRecordDeps): Promise<Run> {
  const entered = new Map<string, string[]>();
  const note = (tenantId: string, name: string) => entered.set(tenantId, [...(entered.get(tenantId) ?? []), name]);
  const tenantOf = (params: unknown) =>
    (params as { state?: { tenant?: { tenantId?: string } } }).state?.tenant?.tenantId;
  const sdk = (name: string, call: (p: never) => unknown) => async (params: unknown) => {
    const stackName = String((params as { StackName?: string }).StackName ?? '');
    note(/tenantflow-silo-([^/]+)/.exec(stackName)?.[1] ?? '?', name);
    return call(params as never);
  };
  const handlers: Record<string, (params: unknown) => Promise<unknown>> = {
    [S.planRelease]: async (event) => {
      const plan = planWaves(releaseSettingsOf(event), [...deps.rows.values()]);
      return { plan, progress: startProgress(plan) };
    },
    [S.assessWave]: async (event) => {
      const e = event as {
        plan: ReleasePlan;
        progress: WaveProgress;
        waveResults: TenantResult[];
        toleratedFailurePercentage: number;
      };
      return advanceWaves(e.plan, e.progress, e.waveResults, e.toleratedFailurePercentage);
    },
    [S.summarizeRelease]: async (event) => summarizeRelease(event as SummarizeInput),
    [S.describeStack]: sdk(S.describeStack, (p) => cfn.describeStacks(p)),
    [S.pollStack]: sdk(S.pollStack, (p) => cfn.describeStacks(p)),
    [S.pollDeletion]: sdk(S.pollDeletion, (p) => cfn.describeStacks(p)),
    [S.createStack]: sdk(S.createStack, (p) => cfn.createStack(p)),
    [S.updateStack]: sdk(S.updateStack, (p) => cfn.updateStack(p)),
    [S.deleteRolledBackStack]: sdk(S.deleteRolledBackStack, (p) => cfn.deleteStack(p)),
  };
  for (const name of [S.recordDeployed, S.recordUnchanged, S.recordFailed]) {
    handlers[name] = async (event) => {
      note(tenantOf(event) ?? '?', name);
      return recordDeployment(event as RecordInput, deps);
    };
  }
  const handled = new Set(Object.keys(handlers));
  const tasks = [...allStates(asl)].filter(([, s]) => s.Type === 'Task').map(([name]) => name);
  expect(tasks.filter((name) => !handled.has(name))).toEqual([]);

  const machine = new StateMachine(asl as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never } });
  try {
    const output = (await execution.result) as unknown as ReleaseSummary;
    return { status: 'SUCCEEDED', output, entered };
  } catch (error) {
    const err = error as Error & { cause?: Error };
    const cause = err.cause ?? err;
    return { status: 'FAILED', error: { name: cause.name, message: cause.message }, entered };
  }
}

const release = (version: string, extra: Record<string, unknown> = {}) => ({
  tenantId: '',
  version,
  templateUrl: `https://t/${version}.json`,
  waveSize: 10,
  pollSeconds: 0,
  ...extra,
});

describe('release fan-out on the local interpreter', () => {
  it('creates missing stacks, records versions and outputs, and resumes a waiting onboarding', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    for (const id of tenantIds(3)) deps.rows.set(id, siloRow(id));
    deps.rows.set('t02', { ...siloRow('t02'), waitingTaskToken: 'token-2' });
    deps.rows.set('pool1', { tenantId: 'pool1', stackName: 'tenantflow-pooled', deploymentModel: 'pool' });

    const run = await runFanOut(release('v1', { waveSize: 2 }), cfn, deps);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({
      version: 'v1',
      tenantCount: 3,
      succeeded: ['t01', 't02', 't03'],
      unchanged: [],
      failed: [],
    });
    expect(deps.rows.get('t01')).toMatchObject({
      deployedVersion: 'v1',
      deployedAt: '2025-01-02T03:04:05.000Z',
      apiUrl: 'https://api/t01/',
      usagePlanId: 'plan-t01',
    });
    expect(deps.sent).toEqual([
      {
        token: 'token-2',
        kind: 'success',
        output: { apiUrl: 'https://api/t02/', usagePlanId: 'plan-t02', stackName: 'tenantflow-silo-t02' },
      },
    ]);
    expect(deps.rows.get('t02')?.waitingTaskToken).toBeUndefined();
    expect(cfn.calls.filter((c) => c.startsWith('create'))).toHaveLength(3);
    expect(cfn.calls.some((c) => c.includes('pooled'))).toBe(false);
    expect(run.entered.get('t01')).toEqual([
      S.describeStack,
      S.createStack,
      S.pollStack,
      S.pollStack,
      S.recordDeployed,
    ]);
  });

  it('reports every tenant unchanged when a second release has no change', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    for (const id of tenantIds(4)) deps.rows.set(id, siloRow(id));
    await runFanOut(release('v1'), cfn, deps);
    cfn.calls.length = 0;

    const run = await runFanOut(release('v1'), cfn, deps);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ succeeded: [], unchanged: tenantIds(4), failed: [] });
    expect(cfn.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(run.entered.get('t01')).toEqual([S.describeStack, S.updateStack, S.recordUnchanged]);
  });

  it('updates 19 of 20 tenants when one fails, reports it with its reason and fails its waiting onboarding', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    for (const id of tenantIds(20)) deps.rows.set(id, siloRow(id));
    await runFanOut(release('v1'), cfn, deps);
    cfn.behaviour.set('tenantflow-silo-t07', 'failUpdate');
    deps.rows.set('t07', { ...(deps.rows.get('t07') as StackMappingRow), waitingTaskToken: 'token-7' });

    const run = await runFanOut(release('v2'), cfn, deps);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output?.succeeded).toHaveLength(19);
    const reason = 'UPDATE_ROLLBACK_COMPLETE: Resource handler returned message: "Rate exceeded" (ProductsFunction)';
    expect(run.output?.failed).toEqual([{ tenantId: 't07', reason }]);
    expect(deps.rows.get('t07')).toMatchObject({ deployedVersion: 'v1', lastDeployError: reason });
    expect(deps.rows.get('t08')).toMatchObject({ deployedVersion: 'v2' });
    expect(deps.sent).toEqual([{ token: 'token-7', kind: 'failure', error: 'TenantStackDeployFailed', cause: reason }]);
    expect(run.entered.get('t07')).toEqual([S.describeStack, S.updateStack, S.pollStack, S.pollStack, S.recordFailed]);
  });

  it('deletes a stack left in ROLLBACK_COMPLETE and creates it again', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    deps.rows.set('t01', siloRow('t01', { lastDeployError: 'ROLLBACK_COMPLETE: earlier' }));
    cfn.seed('tenantflow-silo-t01', 'ROLLBACK_COMPLETE');

    const run = await runFanOut(release('v3', { tenantId: 't01' }), cfn, deps);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ tenantId: 't01', succeeded: ['t01'] });
    expect(cfn.calls).toEqual([
      'describe tenantflow-silo-t01',
      'delete arn:stack/tenantflow-silo-t01/1',
      'describe arn:stack/tenantflow-silo-t01/1',
      'describe arn:stack/tenantflow-silo-t01/1',
      'create tenantflow-silo-t01',
      'describe tenantflow-silo-t01',
      'describe tenantflow-silo-t01',
    ]);
    expect(deps.rows.get('t01')).toMatchObject({ deployedVersion: 'v3' });
    expect(deps.rows.get('t01')?.lastDeployError).toBeUndefined();
  });

  it('waits for a stack a parallel pipeline run created meanwhile, then deploys over it', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    deps.rows.set('t01', siloRow('t01'));
    cfn.createdByAnotherRun.add('tenantflow-silo-t01');

    const run = await runFanOut(release('v4', { tenantId: 't01' }), cfn, deps);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ succeeded: ['t01'] });
    expect(cfn.calls.slice(0, 5)).toEqual([
      'describe tenantflow-silo-t01',
      'create tenantflow-silo-t01',
      'describe tenantflow-silo-t01',
      'describe tenantflow-silo-t01',
      'update tenantflow-silo-t01',
    ]);
    expect(deps.rows.get('t01')).toMatchObject({ deployedVersion: 'v4' });
  });

  it('stops after a wave whose failures exceed the tolerated percentage, and never starts the next waves', async () => {
    const cfn = new FakeCloudFormation();
    const deps = new FakeRecordDeps();
    for (const id of tenantIds(6)) deps.rows.set(id, siloRow(id));
    cfn.behaviour.set('tenantflow-silo-t03', 'failCreate');
    cfn.behaviour.set('tenantflow-silo-t04', 'failCreate');

    const run = await runFanOut(release('v1', { waveSize: 2 }), cfn, deps);

    expect(run.status).toBe('FAILED');
    expect(run.error?.name).toBe('ReleaseStoppedError');
    const summary = JSON.parse(run.error?.message ?? '{}') as ReleaseSummary;
    expect(summary).toMatchObject({
      succeeded: ['t01', 't02'],
      failed: [
        { tenantId: 't03', reason: expect.stringContaining('ROLLBACK_COMPLETE') },
        { tenantId: 't04', reason: expect.stringContaining('ROLLBACK_COMPLETE') },
      ],
      notStarted: ['t05', 't06'],
      unconfirmed: [],
      stopped: {
        error: 'ReleaseStoppedError',
        reason: '2 of 2 tenants failed in wave 2 of 3; at most 10% may fail',
        wave: 1,
      },
    });
    expect(cfn.calls.some((c) => c.includes('t05') || c.includes('t06'))).toBe(false);
    expect(deps.rows.get('t01')).toMatchObject({ deployedVersion: 'v1' });
  });

  it('succeeds with an empty summary when there is no silo tenant', async () => {
    const run = await runFanOut(release('v1'), new FakeCloudFormation(), new FakeRecordDeps());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ tenantCount: 0, succeeded: [], failed: [], skipped: [] });
  });
});
