import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type StepFunctionsService, startStepFunctions, type TaskInvoker } from './index';

const ACCOUNT = '000000000000';
const smArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

function named(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

type Handler = (payload: unknown) => unknown;

/** A TaskInvoker that records calls and answers from per-function / per-action handlers. */
class FakeInvoker implements TaskInvoker {
  readonly calls: { target: string; payload: unknown }[] = [];
  constructor(private readonly handlers: Record<string, Handler> = {}) {}

  /** Accepts a name or a function ARN, like the local Lambda service. */
  async invokeLambda(functionName: string, payload: unknown): Promise<unknown> {
    return this.run(functionName.replace(/^arn:.*:function:/, ''), payload);
  }

  async callAwsSdk(service: string, action: string, params: unknown): Promise<unknown> {
    return this.run(`${service}:${action}`, params);
  }

  count(target: string): number {
    return this.calls.filter((c) => c.target === target).length;
  }

  private async run(target: string, payload: unknown): Promise<unknown> {
    this.calls.push({ target, payload });
    const handler = this.handlers[target];
    if (!handler) throw named('ResourceNotFoundException', `no handler for ${target}`);
    return handler(payload);
  }
}

const dirs: string[] = [];
const services: StepFunctionsService[] = [];

async function start(invoker: TaskInvoker, dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sfn-test-')));
  if (!dataDir) dirs.push(dir);
  const service = await startStepFunctions({ dataDir: dir, invoker });
  services.push(service);
  const sfn = new SFNClient({
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { service, sfn, dir };
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

/** Waits until the invoker has been called `n` times for `target` (the execution runs in the background). */
async function waitForCall(invoker: FakeInvoker, target: string, n = 1): Promise<unknown> {
  for (let i = 0; i < 200 && invoker.count(target) < n; i++) await new Promise((r) => setTimeout(r, 5));
  const call = invoker.calls.filter((c) => c.target === target)[n - 1];
  if (!call) throw new Error(`${target} was not called ${n} time(s)`);
  return call.payload;
}

async function finished(service: StepFunctionsService, sfn: SFNClient, executionArn: string) {
  await service.idle();
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

/** Choice → Task (caught named error) or Task (retried) → SDK Task. */
const ONBOARDING = JSON.stringify({
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.tier', StringEquals: 'PLATINUM', Next: 'CreatePool' }],
      Default: 'CreateGroup',
    },
    CreatePool: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'create-pool', 'Payload.$': '$' },
      ResultSelector: { 'poolId.$': '$.Payload.poolId' },
      ResultPath: '$.pool',
      Retry: [{ ErrorEquals: ['ThrottledError'], IntervalSeconds: 0, MaxAttempts: 2 }],
      Next: 'Store',
    },
    CreateGroup: {
      Type: 'Task',
      Resource: fnArn('create-group'),
      ResultPath: '$.group',
      Catch: [{ ErrorEquals: ['GroupExistsError'], ResultPath: '$.groupError', Next: 'Store' }],
      Next: 'Store',
    },
    Store: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
      Parameters: { TableName: 'tenants', Item: { id: { 'S.$': '$.id' } } },
      ResultPath: null,
      End: true,
    },
  },
});

describe('local Step Functions', () => {
  it('sends execution status changes to its subscribers, as EventBridge gets them', async () => {
    const { service, sfn } = await start(new FakeInvoker());
    const statuses: unknown[] = [];
    service.subscribe((event) => statuses.push([event['detail-type'], event.detail.status]));
    service.registerStateMachine({
      arn: smArn('pass'),
      name: 'pass',
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
    });

    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('pass') }));
    await finished(service, sfn, executionArn);

    expect(statuses).toEqual([
      ['Step Functions Execution Status Change', 'RUNNING'],
      ['Step Functions Execution Status Change', 'SUCCEEDED'],
    ]);
  });

  it('routes with a Choice and catches a named function error', async () => {
    const invoker = new FakeInvoker({
      'create-group': () => {
        throw named('GroupExistsError', 'group t1 exists');
      },
      'dynamodb:putItem': () => ({ $metadata: { httpStatusCode: 200 } }),
    });
    const { service, sfn } = await start(invoker);
    service.registerStateMachine({ arn: smArn('onboarding'), name: 'onboarding', definition: ONBOARDING });

    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: smArn('onboarding'), input: '{"id":"t1","tier":"BASIC"}' }),
    );
    const done = await finished(service, sfn, executionArn);

    expect(executionArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:onboarding:${done.name}`);
    expect(done.cause).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '');
    expect(output.groupError.Error).toBe('GroupExistsError');
    expect(JSON.parse(output.groupError.Cause)).toEqual({
      errorType: 'GroupExistsError',
      errorMessage: 'group t1 exists',
    });
    const events = await history(sfn, executionArn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[6]?.lambdaFunctionFailedEventDetails?.error).toBe('GroupExistsError');
    expect(events[8]?.stateEnteredEventDetails?.name).toBe('Store');
    expect(events[9]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'aws-sdk:dynamodb',
      resource: 'putItem',
      parameters: '{"TableName":"tenants","Item":{"id":{"S":"t1"}}}',
    });
    expect(events[11]?.taskSucceededEventDetails?.output).toBe('{}');
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('retries a failed task and wraps lambda:invoke results like the real integration', async () => {
    let attempts = 0;
    const invoker = new FakeInvoker({
      'create-pool': () => {
        attempts += 1;
        if (attempts === 1) throw named('ThrottledError', 'slow down');
        return { poolId: 'us-east-1_abc' };
      },
      'dynamodb:putItem': () => ({}),
    });
    const { service, sfn } = await start(invoker);
    service.registerStateMachine({ arn: smArn('onboarding'), name: 'onboarding', definition: ONBOARDING });

    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: smArn('onboarding'),
        name: 't2',
        input: '{"id":"t2","tier":"PLATINUM"}',
      }),
    );
    const done = await finished(service, sfn, executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ id: 't2', tier: 'PLATINUM', pool: { poolId: 'us-east-1_abc' } });
    expect(invoker.count('create-pool')).toBe(2);
    const types = (await history(sfn, executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(1);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(3);
  });

  it('names AWS SDK integration errors ServiceName.ErrorNameException for Catch', async () => {
    const invoker = new FakeInvoker({
      'cognitoidentityprovider:adminCreateUser': () => {
        throw Object.assign(named('UsernameExistsException', 'User account already exists'), {
          $metadata: { httpStatusCode: 400, requestId: 'req-1' },
        });
      },
    });
    const { service, sfn } = await start(invoker);
    const definition = JSON.stringify({
      StartAt: 'CreateUser',
      States: {
        CreateUser: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:cognitoidentityprovider:adminCreateUser',
          Parameters: { UserPoolId: 'p', Username: 'u' },
          Catch: [{ ErrorEquals: ['CognitoIdentityProvider.UsernameExistsException'], Next: 'Exists' }],
          End: true,
        },
        Exists: { Type: 'Pass', End: true },
      },
    });
    service.registerStateMachine({ arn: smArn('users'), name: 'users', definition });

    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('users') }));
    const done = await finished(service, sfn, executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({
      Error: 'CognitoIdentityProvider.UsernameExistsException',
      Cause: 'User account already exists (Service: CognitoIdentityProvider, Status Code: 400, Request ID: req-1)',
    });
  });

  it('times out the execution after the definition TimeoutSeconds and passes the context object', async () => {
    const invoker = new FakeInvoker({ hang: () => new Promise(() => undefined) });
    const { service, sfn } = await start(invoker);
    const definition = JSON.stringify({
      StartAt: 'Hang',
      TimeoutSeconds: 0.05,
      States: {
        Hang: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'hang', Payload: { 'id.$': '$$.Execution.Id', 'sm.$': '$$.StateMachine.Name' } },
          End: true,
        },
      },
    });
    service.registerStateMachine({ arn: smArn('slow'), name: 'slow', definition });

    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('slow') }));
    const done = await finished(service, sfn, executionArn);

    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', redriveStatus: 'REDRIVABLE' });
    expect(invoker.calls[0]?.payload).toEqual({ id: executionArn, sm: 'slow' });
    expect((await history(sfn, executionArn)).at(-1)?.type).toBe('ExecutionTimedOut');
  });

  describe('waitForTaskToken', () => {
    const definition = JSON.stringify({
      StartAt: 'Approve',
      States: {
        Approve: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'request-approval', Payload: { 'token.$': '$$.Task.Token', 'id.$': '$.id' } },
          End: true,
        },
      },
    });

    async function startWaiting(extra?: Record<string, unknown>) {
      const invoker = new FakeInvoker({ 'request-approval': () => ({ sent: true }) });
      const { service, sfn } = await start(invoker);
      const def = extra
        ? JSON.stringify({
            ...JSON.parse(definition),
            States: { Approve: { ...JSON.parse(definition).States.Approve, ...extra } },
          })
        : definition;
      service.registerStateMachine({ arn: smArn('approval'), name: 'approval', definition: def });
      const { executionArn = '' } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: smArn('approval'), input: '{"id":"t3"}' }),
      );
      const payload = (await waitForCall(invoker, 'request-approval')) as { token: string; id: string };
      return { service, sfn, executionArn, token: payload.token, payload };
    }

    it('completes the state with the output of SendTaskSuccess', async () => {
      const { service, sfn, executionArn, token, payload } = await startWaiting();
      expect(payload.id).toBe('t3');

      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
      const done = await finished(service, sfn, executionArn);

      expect(done.status).toBe('SUCCEEDED');
      expect(done.output).toBe('{"approved":true}');
      const types = (await history(sfn, executionArn)).map((e) => e.type);
      expect(types).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
        TaskTimedOut,
      );
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))).rejects.toBeInstanceOf(
        InvalidToken,
      );
    });

    it('fails the state with the error and cause of SendTaskFailure', async () => {
      const { service, sfn, executionArn, token } = await startWaiting();

      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'RejectedError', cause: 'no budget' }));
      const done = await finished(service, sfn, executionArn);

      expect(done).toMatchObject({ status: 'FAILED', error: 'RejectedError', cause: 'no budget' });
      const failed = (await history(sfn, executionArn)).find((e) => e.type === 'TaskFailed');
      expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'RejectedError', cause: 'no budget' });
    });

    it('times out on HeartbeatSeconds and TimeoutSeconds', async () => {
      const beat = await startWaiting({ HeartbeatSeconds: 0.05 });
      await beat.sfn.send(new SendTaskHeartbeatCommand({ taskToken: beat.token }));
      expect(await finished(beat.service, beat.sfn, beat.executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'States.HeartbeatTimeout',
      });

      const slow = await startWaiting({ TimeoutSeconds: 0.05 });
      expect(await finished(slow.service, slow.sfn, slow.executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'States.Timeout',
      });
      const timedOut = (await history(slow.sfn, slow.executionArn)).find((e) => e.type === 'TaskTimedOut');
      expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
      await expect(
        slow.sfn.send(new SendTaskSuccessCommand({ taskToken: slow.token, output: '{}' })),
      ).rejects.toBeInstanceOf(TaskTimedOut);
    });

    it('aborts on StopExecution', async () => {
      const { service, sfn, executionArn, token } = await startWaiting();

      await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by operator' }));
      const done = await finished(service, sfn, executionArn);

      expect(done).toMatchObject({
        status: 'ABORTED',
        error: 'Cancelled',
        cause: 'by operator',
        redriveStatus: 'REDRIVABLE',
      });
      expect((await history(sfn, executionArn)).slice(-2).map((e) => e.type)).toEqual([
        'TaskStateAborted',
        'ExecutionAborted',
      ]);
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
        TaskTimedOut,
      );
    });
  });

  it('redrives from the failed state without re-running the states that succeeded', async () => {
    const invoker = new FakeInvoker({
      'step-a': () => ({ a: 1 }),
      'step-b': () => ({ b: 2 }),
      'step-c': () => ({ c: 3 }),
    });
    const { service, sfn } = await start(invoker);
    const task = (fn: string, next?: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn, 'Payload.$': '$' },
      ResultSelector: { 'value.$': '$.Payload' },
      ResultPath: `$.${fn.replace('-', '_')}`,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 0, MaxAttempts: 1 }],
      ...(next ? { Next: next } : { End: true }),
    });
    const definition = JSON.stringify({
      StartAt: 'A',
      States: { A: task('step-a', 'B'), B: task('step-b', 'C'), C: task('step-c') },
    });
    service.registerStateMachine({ arn: smArn('three'), name: 'three', definition });
    service.setFault('B', -1);

    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('three') }));
    const failed = await finished(service, sfn, executionArn);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'InjectedFaultError', redriveStatus: 'REDRIVABLE' });
    expect(failed.cause).toContain("'B'");
    const failedEvents = await history(sfn, executionArn);
    const lastEntered = failedEvents.filter((e) => e.type === 'TaskStateEntered').at(-1);
    expect(lastEntered?.stateEnteredEventDetails?.name).toBe('B');
    expect(invoker.count('step-b')).toBe(0);

    service.clearFaults();
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const done = await finished(service, sfn, executionArn);

    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    expect(JSON.parse(done.output ?? '')).toEqual({
      step_a: { value: { a: 1 } },
      step_b: { value: { b: 2 } },
      step_c: { value: { c: 3 } },
    });
    expect([invoker.count('step-a'), invoker.count('step-b'), invoker.count('step-c')]).toEqual([1, 1, 1]);
    const events = await history(sfn, executionArn);
    expect(events.slice(0, failedEvents.length)).toEqual(failedEvents);
    expect(events[failedEvents.length]).toMatchObject({
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(
      ExecutionNotRedrivable,
    );
  });

  it('runs Task states inside Map and Parallel', async () => {
    const invoker = new FakeInvoker({
      double: (p) => (p as number) * 2,
      'sqs:sendMessage': () => ({ MessageId: 'm' }),
    });
    const { service, sfn } = await start(invoker);
    const definition = JSON.stringify({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemProcessor: {
                    StartAt: 'Double',
                    States: { Double: { Type: 'Task', Resource: fnArn('double'), End: true } },
                  },
                  End: true,
                },
              },
            },
            {
              StartAt: 'Notify',
              States: {
                Notify: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::sqs:sendMessage',
                  Parameters: { QueueUrl: 'q' },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    });
    service.registerStateMachine({ arn: smArn('fan'), name: 'fan', definition });

    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: smArn('fan'), input: '{"items":[1,2,3]}' }),
    );
    const done = await finished(service, sfn, executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual([[2, 4, 6], { MessageId: 'm' }]);
    const types = (await history(sfn, executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(3);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(3);
    expect(types.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
  });

  it('keeps executions across a restart and aborts the one that was running', async () => {
    const invoker = new FakeInvoker({
      'request-approval': () => ({}),
      'dynamodb:putItem': () => ({}),
      'create-group': () => ({}),
    });
    const first = await start(invoker);
    first.service.registerStateMachine({ arn: smArn('onboarding'), name: 'onboarding', definition: ONBOARDING });
    const waiting = JSON.stringify({
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'request-approval', Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    first.service.registerStateMachine({ arn: smArn('approval'), name: 'approval', definition: waiting });
    const done = await first.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: smArn('onboarding'),
        name: 'done',
        input: '{"id":"t9","tier":"BASIC"}',
      }),
    );
    await first.service.idle();
    const running = await first.sfn.send(
      new StartExecutionCommand({ stateMachineArn: smArn('approval'), name: 'running' }),
    );
    await waitForCall(invoker, 'request-approval');
    const doneHistory = await history(first.sfn, done.executionArn ?? '');
    await first.service.close();

    const second = await start(invoker, first.dir);
    const reloaded = await second.sfn.send(new DescribeExecutionCommand({ executionArn: done.executionArn }));
    const aborted = await second.sfn.send(new DescribeExecutionCommand({ executionArn: running.executionArn }));

    expect(reloaded.status).toBe('SUCCEEDED');
    expect(await history(second.sfn, done.executionArn ?? '')).toEqual(doneHistory);
    expect(aborted).toMatchObject({ status: 'ABORTED', error: 'States.Aborted', cause: 'Local cloud restarted' });
    expect(
      (await second.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('approval') }))).definition,
    ).toBe(waiting);

    await second.sfn.send(new RedriveExecutionCommand({ executionArn: running.executionArn }));
    const payload = (await waitForCall(invoker, 'request-approval', 2)) as { token: string };
    await second.sfn.send(new SendTaskSuccessCommand({ taskToken: payload.token, output: '"ok"' }));
    const redriven = await finished(second.service, second.sfn, running.executionArn ?? '');
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', output: '"ok"', redriveCount: 1 });
  });

  describe('API', () => {
    it('is idempotent for a running execution with the same name and input', async () => {
      const invoker = new FakeInvoker({ 'create-group': () => new Promise(() => undefined) });
      const { service, sfn } = await start(invoker);
      service.registerStateMachine({ arn: smArn('onboarding'), name: 'onboarding', definition: ONBOARDING });
      const req = { stateMachineArn: smArn('onboarding'), name: 'same', input: '{"id":"t1","tier":"BASIC"}' };

      const a = await sfn.send(new StartExecutionCommand(req));
      const b = await sfn.send(new StartExecutionCommand(req));

      expect(b.executionArn).toBe(a.executionArn);
      await expect(
        sfn.send(new StartExecutionCommand({ ...req, input: '{"id":"t2","tier":"BASIC"}' })),
      ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
      await sfn.send(new StopExecutionCommand({ executionArn: a.executionArn }));
    });

    it('lists executions newest first with filters and pages, and pages history', async () => {
      const invoker = new FakeInvoker({ 'create-group': () => ({}), 'dynamodb:putItem': () => ({}) });
      const { service, sfn } = await start(invoker);
      service.registerStateMachine({ arn: smArn('onboarding'), name: 'onboarding', definition: ONBOARDING });
      for (const name of ['e1', 'e2', 'e3']) {
        await sfn.send(
          new StartExecutionCommand({ stateMachineArn: smArn('onboarding'), name, input: '{"id":"x","tier":"BASIC"}' }),
        );
      }
      await service.idle();

      const first = await sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('onboarding'), maxResults: 2 }));
      const rest = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: smArn('onboarding'), maxResults: 2, nextToken: first.nextToken }),
      );
      const failed = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: smArn('onboarding'), statusFilter: 'FAILED' }),
      );
      const e1 = first.executions?.[0]?.executionArn?.replace(/e3$/, 'e1') ?? '';
      const page1 = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: e1, maxResults: 3, reverseOrder: true }),
      );
      const page2 = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: e1,
          maxResults: 3,
          reverseOrder: true,
          nextToken: page1.nextToken,
        }),
      );

      expect([...(first.executions ?? []), ...(rest.executions ?? [])].map((e) => e.name)).toEqual(['e3', 'e2', 'e1']);
      expect(rest.nextToken).toBeUndefined();
      expect(failed.executions).toEqual([]);
      expect([...(page1.events ?? []), ...(page2.events ?? [])].map((e) => e.id)).toEqual([14, 13, 12, 11, 10, 9]);
      const machines = await sfn.send(new ListStateMachinesCommand({}));
      expect(machines.stateMachines?.map((m) => m.name)).toEqual(['onboarding']);
    });

    it('answers with named errors', async () => {
      const { service, sfn } = await start(new FakeInvoker());
      const missing = `arn:aws:states:us-east-1:${ACCOUNT}:execution:nope:nope`;

      await expect(sfn.send(new DescribeExecutionCommand({ executionArn: missing }))).rejects.toBeInstanceOf(
        ExecutionDoesNotExist,
      );
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('nope') }))).rejects.toBeInstanceOf(
        StateMachineDoesNotExist,
      );
      const res = await fetch(service.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
        body: '{}',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });
  });
});
