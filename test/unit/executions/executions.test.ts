import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../contracts/errors';
import { REGISTRATION_REJECTED_ERROR, STOPPED_BY_OPERATOR_ERROR } from '../../../contracts/onboarding-states';
import type { ApprovalRecord } from '../../../functions/approvals/approval-store';
import {
  approveExecution,
  type ExecutionsDeps,
  executionDetail,
  executionEvent,
  listExecutions,
  redriveExecution,
  rejectExecution,
  stopExecution,
  type WorkflowExecutions,
} from '../../../functions/executions/executions';
import { FIXED_NOW } from '../../support/unit/fake-tenant-table';

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:onboarding';
const arnOf = (name: string) => `arn:aws:states:eu-west-1:111122223333:execution:onboarding:${name}`;
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const DEFINITION = { StartAt: 'ValidateRegistration', States: {} };

const execution = (name: string, status: string, extra: Partial<DescribeExecutionOutput> = {}) =>
  ({
    executionArn: arnOf(name),
    stateMachineArn: MACHINE,
    name,
    status,
    startDate: at(0),
    input: JSON.stringify({ tenantId: `tenant-${name}`, tenantName: `Name ${name}` }),
    ...extra,
  }) as DescribeExecutionOutput;

/** A history whose StoreTenant step failed. */
const failedHistory: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: at(0), executionStartedEventDetails: { input: '{"a":1}' } },
  { id: 2, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'StoreTenant' } },
  {
    id: 3,
    type: 'TaskFailed',
    timestamp: at(2),
    taskFailedEventDetails: { resource: 'invoke', resourceType: 'lambda', error: 'Boom', cause: 'disk full' },
  },
  { id: 4, type: 'ExecutionFailed', timestamp: at(3), executionFailedEventDetails: { error: 'Boom' } },
];

/** Step Functions in memory: executions by ARN, each with its history; `calls` records the calls. */
class FakeWorkflow implements WorkflowExecutions {
  readonly executions = new Map<string, DescribeExecutionOutput>();
  readonly histories = new Map<string, HistoryEvent[]>();
  readonly calls: string[] = [];
  /** Executions that are listed but gone when described. */
  readonly vanished = new Set<string>();

  add(described: DescribeExecutionOutput, history: HistoryEvent[] = []): this {
    this.executions.set(described.executionArn as string, described);
    this.histories.set(described.executionArn as string, history);
    return this;
  }
  async page(stateMachineArn: string, query: Readonly<Record<string, string | undefined>>) {
    this.calls.push(`page ${stateMachineArn} ${JSON.stringify(query)}`);
    return { executionArns: [...this.executions.keys(), ...this.vanished], nextToken: 'page-2' };
  }
  async describe(executionArn: string) {
    this.calls.push(`describe ${executionArn}`);
    return this.executions.get(executionArn);
  }
  async history(executionArn: string) {
    this.calls.push(`history ${executionArn}`);
    return this.histories.get(executionArn) ?? [];
  }
  async definition(stateMachineArn: string) {
    this.calls.push(`definition ${stateMachineArn}`);
    return DEFINITION;
  }
  async redrive(executionArn: string) {
    this.calls.push(`redrive ${executionArn}`);
    const found = this.executions.get(executionArn);
    if (!found || !['FAILED', 'ABORTED', 'TIMED_OUT'].includes(found.status as string)) return false;
    this.executions.set(executionArn, { ...found, status: 'RUNNING', redriveCount: (found.redriveCount ?? 0) + 1 });
    return true;
  }
  async stop(executionArn: string, error: string, cause: string) {
    this.calls.push(`stop ${executionArn} ${error} ${cause}`);
    const found = this.executions.get(executionArn) as DescribeExecutionOutput;
    this.executions.set(executionArn, { ...found, status: 'ABORTED', stopDate: at(9), error, cause });
  }
}

/** Approvals held in memory, and the task answers Step Functions got (a token answers once). */
class FakeApprovals {
  readonly records = new Map<string, ApprovalRecord>();
  readonly answers: string[] = [];
  private readonly spent = new Set<string>();
  wait(executionId: string, kind = 'onboarding') {
    this.records.set(executionId, {
      executionId,
      kind,
      tenantId: `tenant-${executionId}`,
      taskToken: `token-${executionId}`,
      requestedAt: at(1).toISOString(),
    });
  }
  readonly store = {
    get: async (executionId: string) => this.records.get(executionId),
    delete: async (executionId: string) => void this.records.delete(executionId),
    pending: async () => [...this.records.values()],
  };
  readonly answerTask = {
    succeed: async (token: string, output: unknown) => this.answer(token, `succeed ${token} ${JSON.stringify(output)}`),
    fail: async (token: string, error: string, cause: string) => this.answer(token, `fail ${token} ${error} ${cause}`),
  };
  private answer(token: string, what: string) {
    if (this.spent.has(token)) return false;
    this.spent.add(token);
    this.answers.push(what);
    return true;
  }
}

function setup(workflow = new FakeWorkflow(), approvals = new FakeApprovals()) {
  const marked: string[] = [];
  const deps: ExecutionsDeps = {
    stateMachineArn: MACHINE,
    executions: workflow,
    markOnboardingAgain: async (tenantId, when, from, since) =>
      void marked.push([tenantId, when, from, since].filter(Boolean).join(' ')),
    approvals: approvals.store,
    answerTask: approvals.answerTask,
    // The execution fixtures' tenants: 00000000-0000-4000-8000-<12-digit name>.
    onboardingOf: async (tenantId) => TENANTS.get(tenantId),
    now: () => FIXED_NOW,
  };
  return { deps, workflow, marked, approvals };
}

const TENANT_R1 = '00000000-0000-4000-8000-000000000001';
const TENANTS = new Map([[TENANT_R1, 'r1']]);

describe('listExecutions filters', () => {
  it('lists a tenant’s onboarding alone, by its registration, with the status filter applied', async () => {
    const workflow = new FakeWorkflow().add(execution('r1', 'SUCCEEDED')).add(execution('r2', 'FAILED'));
    const { deps } = setup(workflow);

    const mine = await listExecutions(deps, { tenantId: TENANT_R1 });
    const filtered = await listExecutions(deps, { tenantId: TENANT_R1, status: 'FAILED' });
    const unknown = await listExecutions(deps, { tenantId: '00000000-0000-4000-8000-000000000009' });

    expect(mine.items.map((item) => item.executionId)).toEqual(['r1']);
    expect(filtered.items).toEqual([]);
    expect(unknown.items).toEqual([]);
    expect(workflow.calls.some((call) => call.startsWith('page'))).toBe(false);
  });

  it('answers onboardings for kind=onboarding, none for a workflow not deployed yet, 400 for an unknown kind', async () => {
    const { deps } = setup(new FakeWorkflow().add(execution('r1', 'SUCCEEDED')));

    expect((await listExecutions(deps, { kind: 'onboarding' })).items).toHaveLength(1);
    expect((await listExecutions(deps, { kind: 'offboarding' })).items).toEqual([]);
    await expect(listExecutions(deps, { kind: 'migration' })).rejects.toMatchObject({ errors: [{ field: 'kind' }] });
    await expect(listExecutions(deps, { tenantId: 'x" or 1' })).rejects.toMatchObject({
      errors: [{ field: 'tenantId' }],
    });
    await expect(listExecutions(deps, { tenantId: TENANT_R1, status: 'DONE' })).rejects.toMatchObject({
      errors: [{ field: 'status' }],
    });
  });
});

describe('approvals', () => {
  it('approving resumes the waiting task once, moves an onboarding tenant back to ONBOARDING and clears the approval', async () => {
    const workflow = new FakeWorkflow().add(execution('r1', 'RUNNING'), []);
    const { deps, approvals, marked } = setup(workflow);
    approvals.wait('r1');

    const item = await approveExecution(deps, 'r1');

    expect(approvals.answers).toEqual([`succeed token-r1 {"approved":true,"approvedAt":"${FIXED_NOW.toISOString()}"}`]);
    expect(marked).toEqual([`tenant-r1 ${FIXED_NOW.toISOString()} AWAITING_APPROVAL`]);
    expect(approvals.records.has('r1')).toBe(false);
    expect(item.awaitingApproval).toBeUndefined();
  });

  it('rejecting fails the waiting task with ApprovalRejected and the reason as cause', async () => {
    const workflow = new FakeWorkflow().add(execution('r1', 'RUNNING'), []);
    const { deps, approvals, marked } = setup(workflow);
    approvals.wait('r1');

    await rejectExecution(deps, 'r1', 'not a real company');

    expect(approvals.answers).toEqual(['fail token-r1 ApprovalRejected not a real company']);
    expect(marked).toEqual([]);
  });

  it('answers 409 for an execution that is not waiting, and for a second answer to the same request', async () => {
    const workflow = new FakeWorkflow().add(execution('r1', 'RUNNING'), []).add(execution('r2', 'RUNNING'), []);
    const { deps, approvals } = setup(workflow);
    approvals.wait('r2');
    const twin = { ...approvals.records.get('r2') } as ApprovalRecord;

    await expect(approveExecution(deps, 'r1')).rejects.toBeInstanceOf(ConflictError);
    await approveExecution(deps, 'r2');
    // A second operator who read the approval before it was cleared.
    approvals.records.set('r2', twin);
    await expect(rejectExecution(deps, 'r2', 'too late')).rejects.toBeInstanceOf(ConflictError);
    expect(approvals.answers).toHaveLength(1);
    expect(approvals.records.has('r2')).toBe(false);
  });

  it('answers 404 for an unknown execution', async () => {
    await expect(approveExecution(setup().deps, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks the waiting executions in the list and in the detail', async () => {
    const workflow = new FakeWorkflow().add(execution('r1', 'RUNNING'), []).add(execution('r2', 'RUNNING'), []);
    const { deps, approvals } = setup(workflow);
    approvals.wait('r2');

    const page = await listExecutions(deps, {});
    const detail = await executionDetail(deps, 'r2');

    expect(Object.fromEntries(page.items.map((item) => [item.executionId, item.awaitingApproval ?? false]))).toEqual({
      r1: false,
      r2: true,
    });
    expect(detail.awaitingApproval).toBe(true);
  });

  it('refuses to redrive a registration that was not approved', async () => {
    const workflow = new FakeWorkflow().add(
      execution('r1', 'FAILED', { error: REGISTRATION_REJECTED_ERROR, cause: 'The registration was not approved' }),
      [],
    );

    await expect(redriveExecution(setup(workflow).deps, 'r1')).rejects.toBeInstanceOf(ConflictError);
    expect(workflow.calls.filter((call: string) => call.startsWith('redrive'))).toEqual([]);
  });
});

describe('listExecutions', () => {
  it('lists a page of onboarding executions, reading the history only of unsuccessful ones', async () => {
    const { deps, workflow } = setup(
      new FakeWorkflow()
        .add(execution('ok', 'SUCCEEDED', { stopDate: at(5) }))
        .add(execution('bad', 'FAILED', { stopDate: at(3) }), failedHistory),
    );

    const page = await listExecutions(deps, { status: 'FAILED', limit: '10' });

    expect(page).toEqual({
      items: [
        {
          executionId: 'ok',
          kind: 'onboarding',
          tenantId: 'tenant-ok',
          tenantName: 'Name ok',
          status: 'SUCCEEDED',
          startedAt: at(0).toISOString(),
          stoppedAt: at(5).toISOString(),
          redriveCount: undefined,
          failedStep: undefined,
          error: undefined,
        },
        expect.objectContaining({
          executionId: 'bad',
          status: 'FAILED',
          failedStep: 'StoreTenant',
          error: 'Boom: disk full',
        }),
      ],
      nextToken: 'page-2',
    });
    expect(workflow.calls[0]).toBe(`page ${MACHINE} {"status":"FAILED","limit":"10"}`);
    expect(workflow.calls.filter((call: string) => call.startsWith('history'))).toEqual([`history ${arnOf('bad')}`]);
  });

  it('leaves out an execution that is listed but gone when described', async () => {
    const workflow = new FakeWorkflow().add(execution('ok', 'SUCCEEDED'));
    workflow.vanished.add(arnOf('gone'));
    const { deps } = setup(workflow);

    const page = await listExecutions(deps, {});

    expect(page.items.map((item) => item.executionId)).toEqual(['ok']);
  });
});

describe('executionDetail', () => {
  it("shows the execution with its state machine's definition and its history as flat events", async () => {
    const { deps } = setup(new FakeWorkflow().add(execution('bad', 'FAILED'), failedHistory));

    const detail = await executionDetail(deps, 'bad');

    expect(detail).toMatchObject({ executionId: 'bad', failedStep: 'StoreTenant', definition: DEFINITION });
    expect(detail.events).toHaveLength(4);
    expect(detail.events[0]).toEqual({
      id: 1,
      type: 'ExecutionStarted',
      timestamp: at(0).toISOString(),
      stateName: undefined,
      input: { a: 1 },
      output: undefined,
      error: undefined,
      cause: undefined,
    });
    expect(detail.events[2]).toMatchObject({ type: 'TaskFailed', error: 'Boom', cause: 'disk full' });
  });

  it('answers 404 for an unknown execution', async () => {
    const { deps } = setup();

    await expect(executionDetail(deps, 'nope')).rejects.toStrictEqual(new NotFoundError('Execution'));
  });

  it('answers 404 for an id that cannot name an execution, without asking Step Functions', async () => {
    const { deps, workflow } = setup();

    await expect(executionDetail(deps, '../other-machine:x')).rejects.toStrictEqual(new NotFoundError('Execution'));
    await expect(executionDetail(deps, 'x'.repeat(81))).rejects.toStrictEqual(new NotFoundError('Execution'));
    expect(workflow.calls).toEqual([]);
  });
});

describe('redriveExecution', () => {
  it('redrives a failed onboarding, sets its tenant back to ONBOARDING and shows it running', async () => {
    const { deps, workflow, marked } = setup(new FakeWorkflow().add(execution('bad', 'FAILED'), failedHistory));

    const redriven = await redriveExecution(deps, 'bad');

    expect(redriven).toMatchObject({ executionId: 'bad', status: 'RUNNING', redriveCount: 1, failedStep: undefined });
    // Only if the tenant was not written since the redrive (by the redriven workflow itself).
    expect(marked).toEqual([`tenant-bad ${FIXED_NOW.toISOString()} FAILED ${FIXED_NOW.toISOString()}`]);
    expect(workflow.calls).toEqual([`describe ${arnOf('bad')}`, `redrive ${arnOf('bad')}`, `describe ${arnOf('bad')}`]);
  });

  it('answers 409 naming the status when Step Functions cannot redrive it, leaving the tenant alone', async () => {
    const { deps, marked } = setup(new FakeWorkflow().add(execution('ok', 'SUCCEEDED')));

    await expect(redriveExecution(deps, 'ok')).rejects.toStrictEqual(
      new ConflictError('Execution is SUCCEEDED and cannot be redriven; only FAILED, ABORTED or TIMED_OUT ones can'),
    );
    expect(marked).toEqual([]);
  });

  it('redrives an execution whose input names no tenant without touching the registry', async () => {
    const { deps, marked } = setup(new FakeWorkflow().add(execution('bad', 'TIMED_OUT', { input: 'not json' })));

    await expect(redriveExecution(deps, 'bad')).resolves.toMatchObject({ status: 'RUNNING' });
    expect(marked).toEqual([]);
  });

  it('answers 404 for an unknown execution', async () => {
    const { deps } = setup();

    await expect(redriveExecution(deps, 'nope')).rejects.toStrictEqual(new NotFoundError('Execution'));
  });
});

describe('stopExecution', () => {
  it('stops a running onboarding with the error its cleanup matches on, and shows it aborted', async () => {
    const { deps, workflow } = setup(new FakeWorkflow().add(execution('run', 'RUNNING')));

    const stopped = await stopExecution(deps, 'run');

    expect(workflow.calls).toContain(
      `stop ${arnOf('run')} ${STOPPED_BY_OPERATOR_ERROR} Stopped by an operator; what it created is removed`,
    );
    expect(stopped).toMatchObject({
      executionId: 'run',
      status: 'ABORTED',
      stoppedAt: at(9).toISOString(),
      error: `${STOPPED_BY_OPERATOR_ERROR}: Stopped by an operator; what it created is removed`,
    });
  });

  it.each(['SUCCEEDED', 'FAILED', 'ABORTED'])('answers 409 for a %s execution, stopping nothing', async (status) => {
    const { deps, workflow } = setup(new FakeWorkflow().add(execution('done', status)));

    await expect(stopExecution(deps, 'done')).rejects.toStrictEqual(
      new ConflictError(`Execution is ${status}; only RUNNING executions can be stopped`),
    );
    expect(workflow.calls.some((call) => call.startsWith('stop'))).toBe(false);
  });

  it('answers 404 for an unknown execution', async () => {
    const { deps } = setup();

    await expect(stopExecution(deps, 'nope')).rejects.toStrictEqual(new NotFoundError('Execution'));
  });
});

describe('executionEvent', () => {
  it('reads the state name of state events and keeps text that is not JSON as text', () => {
    const event = executionEvent({
      id: 7,
      type: 'TaskStateExited',
      timestamp: at(4),
      stateExitedEventDetails: { name: 'StoreTenant', output: 'plain text' },
    });

    expect(event).toMatchObject({ id: 7, stateName: 'StoreTenant', output: 'plain text' });
  });
});
