/**
 * The execution engine behind the local Step Functions API: state machines, executions run on
 * aws-local-stepfunctions, their history, task tokens, redrive, fault injection and persistence.
 * The API layer (api.ts) only translates requests to these methods.
 */
import './promise-with-resolvers';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { MAX_TIMEOUT_SECONDS, parseDefinition, prepareForInterpreter } from './asl';
import { type EventDetails, type HistoryEvent, json, nextEvent } from './history';
import { JsonStore } from './json-store';
import {
  buildTaskHandlers,
  statesError,
  type TaskAttempt,
  type TaskInvoker,
  type TaskRun,
  type TokenWait,
} from './task-handlers';

/** An API error: `type` becomes the `__type` the SDK turns into a named exception. */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** Execution status, as DescribeExecution reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A registered state machine (persisted). */
export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
}

/** The last top-level state entered: where a redrive restarts, with the input it had. */
interface Position {
  state: string;
  type: string;
  input: unknown;
  exited: boolean;
}

/** An execution as persisted: one JSON document per execution. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  redriveCount: number;
  redriveDate?: number;
  /** The definition the execution runs (a redrive uses it even if the machine was updated since). */
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** Creation order, to list executions started in the same millisecond newest first. */
  seq: number;
  events: HistoryEvent[];
  position?: Position;
  /** Task tokens handed out, and whether each can still be completed. */
  tokens: Record<string, { state: string; open: boolean }>;
}

interface Outcome {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Options of the engine (see `startStepFunctions`). */
export interface EngineOptions {
  dataDir: string;
  invoker: TaskInvoker;
  region: string;
  accountId: string;
  /** Receives "Step Functions Execution Status Change" events, as EventBridge would. */
  onStatusChange?: (event: ExecutionStatusChangeEvent) => void;
}

/** The EventBridge event Step Functions emits when an execution starts, is redriven or ends. */
export interface ExecutionStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: ExecutionStatus;
    readonly startDate: number;
    readonly stopDate: number | null;
    readonly input: string;
    readonly output: string | null;
    readonly error: string | null;
    readonly cause: string | null;
    readonly redriveCount: number;
  };
}

/** Event types of a state that was running when its execution was aborted. */
const ABORTABLE_STATE_TYPES = new Set(['Task', 'Map', 'Parallel', 'Wait']);
const REDRIVABLE: ReadonlySet<ExecutionStatus> = new Set(['FAILED', 'ABORTED', 'TIMED_OUT']);
/** Execution names: 1-80 characters, none of the ones AWS rejects (whitespace, brackets, wildcards, special and control characters). */
function isValidName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return ![...name].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

/** The shape of the interpreter's event log entries this engine reads. */
interface InterpreterEvent {
  type: string;
  index?: number;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  parentState?: { name: string };
  Error?: string;
}

interface Waiter {
  succeed(output: unknown): void;
  fail(err: Error): void;
  heartbeat(): void;
}

/** One interpreter run of an execution (the first run, or a redrive). */
class Run implements TaskRun {
  active = true;
  readonly attempts: TaskAttempt[] = [];
  readonly ended: Promise<never>;
  abort: () => void = () => undefined;
  private pendingToken: string | undefined;
  private endRun: (err: Error) => void = () => undefined;

  constructor(
    private readonly engine: Engine,
    readonly exec: ExecutionRecord,
    readonly topLevelStates: ReadonlySet<string>,
  ) {
    this.ended = new Promise<never>((_, reject) => {
      this.endRun = reject;
    });
    this.ended.catch(() => undefined);
  }

  /** Detaches the run: no more history, pending tasks released, interpreter aborted. */
  stop(): void {
    this.active = false;
    this.endRun(statesError('States.Runtime', 'The execution is no longer running', true));
    this.abort();
  }

  record(type: string, details?: EventDetails): void {
    if (this.active) this.engine.addEvent(this.exec, type, details);
  }

  /**
   * Value of `$$.Task.Token`. The interpreter evaluates a Task's Parameters and then calls its
   * handler in the same synchronous step, so every read until the handler takes it yields the same
   * token (as in AWS, where one state has one token).
   */
  peekToken(): string {
    this.pendingToken ??= randomBytes(48).toString('base64url');
    return this.pendingToken;
  }

  takeToken(): string | undefined {
    const token = this.pendingToken;
    this.pendingToken = undefined;
    return token;
  }

  openToken(token: string, stateName: string): TokenWait {
    return this.engine.openToken(this.exec, token, stateName);
  }
}

/** State machines, executions and task tokens of the local Step Functions service. */
export class Engine {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly runs = new Map<string, Run>();
  private readonly tokenIndex = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly faults = new Map<string, { times: number; error: string }>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly executionStore: JsonStore;
  private readonly machineStore: JsonStore;
  private seq = 0;
  private loaded = false;

  constructor(private readonly opts: EngineOptions) {
    this.executionStore = new JsonStore(join(opts.dataDir, 'executions'));
    this.machineStore = new JsonStore(join(opts.dataDir, 'state-machines'));
  }

  /** Loads persisted state; executions left RUNNING by a previous process become ABORTED. */
  async load(): Promise<void> {
    for (const sm of await this.machineStore.loadAll<StateMachineRecord>()) this.machines.set(sm.arn, sm);
    for (const exec of await this.executionStore.loadAll<ExecutionRecord>()) {
      this.executions.set(exec.executionArn, exec);
      this.seq = Math.max(this.seq, exec.seq + 1);
      if (exec.status === 'RUNNING') {
        this.terminate(exec, { status: 'ABORTED', error: 'States.Aborted', cause: 'Local cloud restarted' });
      }
      for (const [token, entry] of Object.entries(exec.tokens)) {
        entry.open = false;
        this.tokenIndex.set(token, exec.executionArn);
      }
    }
    this.loaded = true;
  }

  // ---- state machines ----

  /** Adds or replaces a state machine. Throws if the definition is not ASL JSON with a valid StartAt. */
  registerStateMachine(sm: {
    arn: string;
    name: string;
    definition: string;
    roleArn?: string;
    type?: 'STANDARD' | 'EXPRESS';
  }): void {
    parseDefinition(sm.definition);
    const existing = this.machines.get(sm.arn);
    const record: StateMachineRecord = {
      arn: sm.arn,
      name: sm.name,
      definition: sm.definition,
      roleArn: sm.roleArn ?? `arn:aws:iam::${this.opts.accountId}:role/${sm.name}-role`,
      type: sm.type ?? 'STANDARD',
      creationDate: existing?.creationDate ?? Date.now(),
    };
    this.machines.set(sm.arn, record);
    this.machineStore.save(sm.arn, () => record);
  }

  /** A registered state machine, or StateMachineDoesNotExist. */
  stateMachine(arn: string): StateMachineRecord {
    const sm = this.machines.get(arn);
    if (!sm) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  /** All state machines, by name. */
  listStateMachines(): StateMachineRecord[] {
    return [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- executions ----

  /** Creates an execution and runs it in the background; returns at once. */
  startExecution(req: { stateMachineArn: string; name?: string; input?: string }): ExecutionRecord {
    const sm = this.stateMachine(req.stateMachineArn);
    const name = req.name ?? randomUUID();
    if (!isValidName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = req.input ?? '{}';
    const inputValue = parseJson(input, 'InvalidExecutionInput', 'Invalid State Machine Execution Input');
    const [, partition = 'aws', , region = this.opts.region, account = this.opts.accountId] = sm.arn.split(':');
    const executionArn = `arn:${partition}:states:${region}:${account}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: idempotent only while the execution runs with the same input.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const exec: ExecutionRecord = {
      executionArn,
      stateMachineArn: sm.arn,
      stateMachineName: sm.name,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
      redriveCount: 0,
      definition: sm.definition,
      roleArn: sm.roleArn,
      type: sm.type,
      seq: this.seq++,
      events: [],
      tokens: {},
    };
    this.executions.set(executionArn, exec);
    this.addEvent(exec, 'ExecutionStarted', {
      input,
      inputDetails: { truncated: false },
      roleArn: sm.roleArn,
    });
    this.launch(exec, parseDefinition(exec.definition).StartAt, inputValue);
    this.emitStatusChange(exec);
    return exec;
  }

  /** An execution, or ExecutionDoesNotExist. */
  execution(arn: string): ExecutionRecord {
    const exec = this.executions.get(arn);
    if (!exec) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return exec;
  }

  /** Executions of a state machine, newest first. */
  listExecutions(stateMachineArn: string): ExecutionRecord[] {
    this.stateMachine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn)
      .sort((a, b) => b.startDate - a.startDate || b.seq - a.seq);
  }

  /** Aborts a running execution (a closed one is left as it is). */
  stopExecution(arn: string, error?: string, cause?: string): ExecutionRecord {
    const exec = this.execution(arn);
    if (exec.status === 'RUNNING') this.terminate(exec, { status: 'ABORTED', error, cause });
    return exec;
  }

  /** Restarts a failed/aborted/timed-out execution at the top-level state where it stopped. */
  redriveExecution(arn: string): ExecutionRecord {
    const exec = this.execution(arn);
    if (!REDRIVABLE.has(exec.status)) {
      throw new SfnError('ExecutionNotRedrivable', `Execution is ${exec.status} and cannot be redriven`);
    }
    if (exec.type === 'EXPRESS') throw new SfnError('ExecutionNotRedrivable', 'Express executions cannot be redriven');
    const machine = parseDefinition(exec.definition);
    const from = exec.position ?? { state: machine.StartAt, input: JSON.parse(exec.input) as unknown };
    exec.status = 'RUNNING';
    exec.redriveCount += 1;
    exec.redriveDate = Date.now();
    exec.stopDate = undefined;
    exec.output = undefined;
    exec.error = undefined;
    exec.cause = undefined;
    this.addEvent(exec, 'ExecutionRedriven', { redriveCount: exec.redriveCount });
    this.launch(exec, from.state, from.input);
    this.emitStatusChange(exec);
    return exec;
  }

  // ---- task tokens ----

  /** Completes the task waiting on `token` with `output` (JSON text). */
  sendTaskSuccess(token: string, output: string): void {
    const value = parseJson(output, 'InvalidOutput', 'Invalid Output');
    this.waiter(token).succeed(value);
  }

  /** Fails the task waiting on `token`; Retry/Catch match `error`. */
  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.waiter(token).fail(statesError(error ?? '', cause ?? ''));
  }

  /** Restarts the HeartbeatSeconds clock of the task waiting on `token`. */
  sendTaskHeartbeat(token: string): void {
    this.waiter(token).heartbeat();
  }

  private waiter(token: string): Waiter {
    if (!this.tokenIndex.has(token)) throw new SfnError('InvalidToken', 'Invalid Token');
    const waiter = this.waiters.get(token);
    if (!waiter) throw new SfnError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    return waiter;
  }

  /** Registers a token of a running execution; see `TaskRun.openToken`. */
  openToken(exec: ExecutionRecord, token: string, stateName: string): TokenWait {
    let settle!: { resolve: (v: unknown) => void; reject: (e: Error) => void };
    const result = new Promise<unknown>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // It may settle before the handler awaits it (the callee answered before its invoke returned).
    result.catch(() => undefined);
    let heartbeatMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const close = (): boolean => {
      if (!this.waiters.has(token)) return false;
      clearTimeout(timer);
      this.waiters.delete(token);
      exec.tokens[token] = { state: stateName, open: false };
      this.save(exec);
      return true;
    };
    const waiter: Waiter = {
      succeed: (output) => close() && settle.resolve(output),
      fail: (err) => close() && settle.reject(err),
      heartbeat: () => {
        if (heartbeatMs === undefined || !this.waiters.has(token)) return;
        clearTimeout(timer);
        timer = setTimeout(
          () => waiter.fail(statesError('States.HeartbeatTimeout', 'Task heartbeat timed out')),
          heartbeatMs,
        );
      },
    };
    this.waiters.set(token, waiter);
    this.tokenIndex.set(token, exec.executionArn);
    exec.tokens[token] = { state: stateName, open: true };
    this.save(exec);
    return {
      result,
      startHeartbeat: (seconds) => {
        if (seconds === undefined) return;
        heartbeatMs = Math.min(seconds, MAX_TIMEOUT_SECONDS) * 1000;
        waiter.heartbeat();
      },
      cancel: () => waiter.fail(statesError('States.Timeout', 'Task token closed')),
    };
  }

  // ---- fault injection ----

  /**
   * Arms a fault: the Task state fails `times` times (-1: until cleared) with the error name
   * given (default InjectedFaultError, which nothing retries; a transient error name shows
   * the state's Retry at work).
   */
  setFault(stateName: string, times: number, error = 'InjectedFaultError'): void {
    if (times === 0) this.faults.delete(stateName);
    else this.faults.set(stateName, { times, error });
  }

  /** Disarms all faults. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** The error name of an armed fault on the state (consuming one), or undefined. */
  private takeFault(stateName: string): string | undefined {
    const fault = this.faults.get(stateName);
    if (fault === undefined) return undefined;
    if (fault.times > 0) {
      if (fault.times === 1) this.faults.delete(stateName);
      else this.faults.set(stateName, { ...fault, times: fault.times - 1 });
    }
    return fault.error;
  }

  // ---- lifecycle ----

  /** Resolves when no execution is running. */
  idle(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Detaches running executions (they stay RUNNING on disk and become ABORTED on the next load) and flushes. */
  async close(): Promise<void> {
    for (const run of this.runs.values()) run.stop();
    this.runs.clear();
    for (const waiter of [...this.waiters.values()]) waiter.fail(statesError('States.Runtime', 'Service closed'));
    this.notifyIdle();
    await Promise.all([this.executionStore.close(), this.machineStore.close()]);
  }

  // ---- internals ----

  /** Appends a history event and schedules a save. */
  addEvent(exec: ExecutionRecord, type: string, details?: EventDetails): void {
    exec.events.push(nextEvent(exec.events, type, details));
    this.save(exec);
  }

  private save(exec: ExecutionRecord): void {
    this.executionStore.save(`${exec.stateMachineName}:${exec.name}`, () => exec);
  }

  private launch(exec: ExecutionRecord, startAt: string, input: unknown): void {
    const definition = parseDefinition(exec.definition);
    const machine = prepareForInterpreter(definition, startAt);
    const run = new Run(this, exec, new Set(Object.keys(machine.States)));
    this.runs.set(exec.executionArn, run);
    // Handlers read the definition as written, so history shows the timeouts the author set.
    const handlers = buildTaskHandlers(definition, run, {
      invoker: this.opts.invoker,
      region: this.opts.region,
      takeFault: (name) => this.takeFault(name),
    });
    const context = {
      // The interpreter overwrites Execution.Input and StartTime with the values of this run.
      Execution: {
        Id: exec.executionArn,
        Name: exec.name,
        RoleArn: exec.roleArn,
        StartTime: new Date(exec.startDate).toISOString(),
        RedriveCount: exec.redriveCount,
      },
      StateMachine: { Id: exec.stateMachineArn, Name: exec.stateMachineName },
      // A getter, so each Task state reads a fresh token (see Run.peekToken).
      Task: Object.defineProperty({}, 'Token', { enumerable: true, get: () => run.peekToken() }),
    };
    let handle: ReturnType<StateMachine['run']>;
    try {
      const sm = new StateMachine(machine as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: true },
      });
      handle = sm.run(input as Parameters<StateMachine['run']>[0], {
        overrides: { taskResourceLocalHandlers: handlers },
        context,
      });
    } catch (err) {
      this.finish(run, { status: 'FAILED', error: 'States.Runtime', cause: (err as Error).message });
      return;
    }
    run.abort = handle.abort;
    const consumed = this.consume(run, handle.eventLogs as unknown as AsyncGenerator<InterpreterEvent>);
    handle.result
      .then((output): Outcome => ({ status: 'SUCCEEDED', output }), outcomeOfError)
      .then(async (outcome) => {
        // The result can settle before the last interpreter events are read; finish after them.
        await consumed;
        this.finish(run, outcome);
      });
  }

  private async consume(run: Run, events: AsyncGenerator<InterpreterEvent>): Promise<void> {
    try {
      for await (const event of events) {
        if (run.active) this.onInterpreterEvent(run, event);
      }
    } catch {
      // The interpreter's generator does not throw; if it ever did, the result still finishes the run.
    }
  }

  /** Maps the interpreter's events to AWS history events (execution-level events are written by the engine). */
  private onInterpreterEvent(run: Run, event: InterpreterEvent): void {
    const state = event.state;
    const topLevel = state !== undefined && event.index === undefined && run.topLevelStates.has(state.name);
    switch (event.type) {
      case 'StateEntered':
        if (!state) return;
        run.record(`${state.type}StateEntered`, {
          name: state.name,
          input: json(state.input),
          inputDetails: { truncated: false },
        });
        if (topLevel) run.exec.position = { state: state.name, type: state.type, input: state.input, exited: false };
        return;
      case 'StateExited':
        if (!state) return;
        if (state.type === 'Map' || state.type === 'Parallel') run.record(`${state.type}StateSucceeded`);
        run.record(`${state.type}StateExited`, {
          name: state.name,
          output: json(state.output),
          outputDetails: { truncated: false },
        });
        if (topLevel && run.exec.position?.state === state.name) run.exec.position.exited = true;
        return;
      case 'StateFailed':
        if (!state) return;
        if (state.type === 'Map' || state.type === 'Parallel') run.record(`${state.type}StateFailed`);
        // The interpreter's own TimeoutSeconds timer fired: close the attempt it abandoned.
        if (state.type === 'Task' && event.Error === 'States.Timeout') {
          const attempt = run.attempts.find((a) => a.stateName === state.name && !a.settled);
          if (attempt) {
            attempt.settled = true;
            run.attempts.splice(run.attempts.indexOf(attempt), 1);
            attempt.onTimeout();
          }
        }
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        run.record(event.type, { name: event.parentState?.name, index: event.index });
        return;
      default:
        // Execution* events are written by the engine; retries and catches have no AWS event.
        return;
    }
  }

  private finish(run: Run, outcome: Outcome): void {
    if (!run.active) return;
    this.terminate(run.exec, outcome);
  }

  /** Ends an execution: final status and event, tokens closed, run detached. */
  private terminate(exec: ExecutionRecord, outcome: Outcome): void {
    const run = this.runs.get(exec.executionArn);
    this.runs.delete(exec.executionArn);
    if (run) run.active = false;
    for (const [token, entry] of Object.entries(exec.tokens)) {
      if (!entry.open) continue;
      this.waiters.get(token)?.fail(statesError('States.Runtime', 'Execution ended'));
      exec.tokens[token] = { ...entry, open: false };
    }
    exec.status = outcome.status;
    exec.stopDate = Date.now();
    // AWS omits an empty error or cause rather than sending "".
    exec.error = outcome.error || undefined;
    exec.cause = outcome.cause || undefined;
    const reason = { error: exec.error, cause: exec.cause };
    switch (outcome.status) {
      case 'SUCCEEDED':
        exec.output = json(outcome.output);
        this.addEvent(exec, 'ExecutionSucceeded', { output: exec.output, outputDetails: { truncated: false } });
        break;
      case 'FAILED':
        this.addEvent(exec, 'ExecutionFailed', reason);
        break;
      case 'TIMED_OUT':
        this.addEvent(exec, 'ExecutionTimedOut', reason);
        break;
      case 'ABORTED': {
        const at = exec.position;
        if (at && !at.exited && ABORTABLE_STATE_TYPES.has(at.type)) this.addEvent(exec, `${at.type}StateAborted`);
        this.addEvent(exec, 'ExecutionAborted', reason);
        break;
      }
    }
    run?.stop();
    this.emitStatusChange(exec);
    this.notifyIdle();
  }

  private emitStatusChange(exec: ExecutionRecord): void {
    // While loading persisted state nobody listens yet; executions aborted by a restart stay as they are.
    if (!this.opts.onStatusChange || !this.loaded) return;
    this.opts.onStatusChange({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.opts.accountId,
      time: new Date().toISOString(),
      region: this.opts.region,
      resources: [exec.executionArn],
      detail: {
        executionArn: exec.executionArn,
        stateMachineArn: exec.stateMachineArn,
        name: exec.name,
        status: exec.status,
        startDate: exec.startDate,
        stopDate: exec.stopDate ?? null,
        input: exec.input,
        output: exec.output ?? null,
        error: exec.error ?? null,
        cause: exec.cause ?? null,
        redriveCount: exec.redriveCount,
      },
    });
  }

  private notifyIdle(): void {
    if (this.runs.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function outcomeOfError(err: unknown): Outcome {
  const e = err as Error & { cause?: unknown };
  if (e?.name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (e?.name === 'ExecutionAbortedError') return { status: 'ABORTED' };
  const cause = e?.name === 'ExecutionError' && e.cause instanceof Error ? e.cause : e;
  return { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: cause?.message ?? String(err) };
}

function parseJson(text: string, errorType: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnError(errorType, `${message}: ${text.slice(0, 100)}`);
  }
}
