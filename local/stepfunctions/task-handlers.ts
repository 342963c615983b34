/**
 * Task state handlers for aws-local-stepfunctions (`taskResourceLocalHandlers`, keyed by state
 * name): each one runs its state's Resource through the TaskInvoker, names errors the way Step
 * Functions does (so Retry/Catch match real error names), waits for task tokens, applies injected
 * faults, and writes the Task / LambdaFunction history events.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RunOptions } from 'aws-local-stepfunctions';
import { type AslMachine, type AslState, forEachState, parseResource, type TaskResource } from './asl';
import { type EventDetails, json } from './history';

/** Runs Task resources: the local Lambda service and the local AWS service endpoints. */
export interface TaskInvoker {
  /** Invokes a local Lambda function by name or ARN with the payload; resolves to its result. A function error rejects with an Error whose `name` is the function's error type (e.g. 'TenantNameTakenError') and whose message is the error message. */
  invokeLambda(functionName: string, payload: unknown): Promise<unknown>;
  /** Performs an AWS SDK integration call (`arn:aws:states:::aws-sdk:<service>:<action>`), e.g. ('cognitoidentityprovider','createUserPool', params). Rejects with an Error whose name is the SDK error name. */
  callAwsSdk(service: string, action: string, params: unknown): Promise<unknown>;
}

/** The interpreter's handler map type. */
export type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** One run of a Task state (one attempt: each retry is a new one). */
export interface TaskAttempt {
  readonly stateName: string;
  settled: boolean;
  /** Called by the engine when the interpreter timed the task out (TimeoutSeconds). */
  onTimeout(): void;
}

/** A pending task token, from `TaskRun.openToken`. */
export interface TokenWait {
  /** Settles on SendTaskSuccess / SendTaskFailure, on heartbeat timeout, or when the execution ends. */
  readonly result: Promise<unknown>;
  /** Starts (or restarts) the heartbeat clock; SendTaskHeartbeat restarts it too. */
  startHeartbeat(seconds: number | undefined): void;
  /** Closes the token without settling the task (it timed out or its submission failed). */
  cancel(): void;
}

/** What a handler needs from the execution it runs in. */
export interface TaskRun {
  /** False once the execution stopped or ended: late task results are dropped. */
  readonly active: boolean;
  /** Rejects when the run ends, so a task still waiting on its resource lets the interpreter (and its timers) finish. */
  readonly ended: Promise<never>;
  /** Open attempts, so the engine can close the one the interpreter timed out. */
  readonly attempts: TaskAttempt[];
  /** Appends a history event (no-op when inactive). */
  record(type: string, details?: EventDetails): void;
  /** Takes the token `$$.Task.Token` produced while the interpreter evaluated this state's Parameters. */
  takeToken(): string | undefined;
  /** Registers a task token so SendTask* can complete it. */
  openToken(token: string, stateName: string): TokenWait;
}

/** Dependencies shared by all executions. */
export interface TaskDeps {
  readonly invoker: TaskInvoker;
  readonly region: string;
  /** Consumes one armed fault of the state: the error name to fail with now, or undefined. */
  takeFault(stateName: string): string | undefined;
}

/** Marks an error the way the interpreter reads it: by `name`, plus retry/catch flags for States.Runtime. */
export function statesError(name: string, message: string, fatal = false): Error {
  const err = new Error(message);
  err.name = name;
  // Real Step Functions never retries or catches States.Runtime; the interpreter reads these flags.
  if (fatal) Object.assign(err, { isRetryable: false, isCatchable: false });
  return err;
}

/** Builds the handler of every Task state in the definition (Parallel branches and Map processors included). */
export function buildTaskHandlers(machine: AslMachine, run: TaskRun, deps: TaskDeps): LocalHandlers {
  const handlers: LocalHandlers = {};
  forEachState(machine, (name, state) => {
    if (state.Type === 'Task') handlers[name] = taskHandler(name, state, run, deps) as LocalHandlers[string];
  });
  return handlers;
}

function taskHandler(stateName: string, state: AslState, run: TaskRun, deps: TaskDeps) {
  const res = parseResource(state.Resource ?? '');
  const events = taskEvents(res, state, run, deps.region);
  return async (params: unknown): Promise<unknown> => {
    // Synchronously, before anything else runs: the token belongs to the Parameters just evaluated.
    const token = run.takeToken();
    let wait: TokenWait | undefined;
    const attempt: TaskAttempt = {
      stateName,
      settled: false,
      onTimeout: () => {
        wait?.cancel();
        events.timedOut('States.Timeout', undefined);
      },
    };
    const settle = (): boolean => {
      if (attempt.settled || !run.active) return false;
      attempt.settled = true;
      run.attempts.splice(run.attempts.indexOf(attempt), 1);
      return true;
    };
    run.attempts.push(attempt);
    // The interpreter calls this handler before its StateEntered event reaches the history (the
    // event stream is async); wait one macrotask so TaskScheduled lands after it.
    await nextMacrotask();
    if (!run.active) throw statesError('States.Runtime', 'The execution is no longer running', true);
    try {
      events.scheduled(params);
      events.started();
      const fault = deps.takeFault(stateName);
      if (fault) throw statesError(fault, `Fault injected into state '${stateName}'`);
      if (res.waitForTaskToken) {
        if (!token) {
          const message = `${stateName}: .waitForTaskToken needs $$.Task.Token in Parameters`;
          throw statesError('States.Runtime', message, true);
        }
        // Open before invoking: the callee may send the token back before its invocation returns.
        wait = run.openToken(token, stateName);
      }
      let result = await Promise.race([callResource(res, params, deps.invoker), run.ended]);
      if (wait) {
        if (!attempt.settled) events.submitted(result);
        wait.startHeartbeat(state.HeartbeatSeconds);
        result = await wait.result;
      }
      if (settle()) events.succeeded(result);
      return result;
    } catch (caught) {
      const err = caught instanceof Error ? caught : statesError('States.TaskFailed', String(caught));
      wait?.cancel();
      if (settle()) {
        if (err.name === 'States.HeartbeatTimeout') events.timedOut(err.name, err.message);
        else events.failed(err.name, err.message);
      }
      throw err;
    }
  };
}

/** The history events of one Task state: LambdaFunction* for a function ARN, Task* otherwise. */
function taskEvents(res: TaskResource, state: AslState, run: TaskRun, region: string) {
  const ids = { resourceType: res.resourceType, resource: res.resource };
  const fn = res.kind === 'lambda-function';
  return {
    scheduled: (params: unknown) =>
      fn
        ? run.record('LambdaFunctionScheduled', {
            resource: res.arn,
            input: json(params),
            inputDetails: { truncated: false },
            timeoutInSeconds: state.TimeoutSeconds,
          })
        : run.record('TaskScheduled', {
            ...ids,
            region,
            parameters: json(params),
            timeoutInSeconds: state.TimeoutSeconds,
            heartbeatInSeconds: state.HeartbeatSeconds,
          }),
    started: () => (fn ? run.record('LambdaFunctionStarted') : run.record('TaskStarted', ids)),
    submitted: (output: unknown) =>
      run.record('TaskSubmitted', { ...ids, output: json(output), outputDetails: { truncated: false } }),
    succeeded: (output: unknown) =>
      fn
        ? run.record('LambdaFunctionSucceeded', { output: json(output), outputDetails: { truncated: false } })
        : run.record('TaskSucceeded', { ...ids, output: json(output), outputDetails: { truncated: false } }),
    failed: (error: string, cause: string) => {
      // SendTaskFailure may leave both out; AWS then omits them rather than sending "".
      const reason = { error: error || undefined, cause: cause || undefined };
      if (fn) run.record('LambdaFunctionFailed', reason);
      else run.record('TaskFailed', { ...ids, ...reason });
    },
    timedOut: (error: string, cause: string | undefined) =>
      fn
        ? run.record('LambdaFunctionTimedOut', { error, cause })
        : run.record('TaskTimedOut', { ...ids, error, cause }),
  };
}

async function callResource(res: TaskResource, params: unknown, invoker: TaskInvoker): Promise<unknown> {
  switch (res.kind) {
    case 'lambda-function':
      return invokeLambda(invoker, res.arn, params);
    case 'lambda-invoke': {
      const p = (params ?? {}) as { FunctionName?: unknown; Payload?: unknown; InvocationType?: unknown };
      if (typeof p.FunctionName !== 'string') {
        throw statesError('States.Runtime', 'lambda:invoke needs a FunctionName parameter', true);
      }
      if (p.InvocationType === 'Event') {
        // Asynchronous invocation: Lambda accepts the event and the state does not wait for it.
        invoker.invokeLambda(p.FunctionName, p.Payload ?? {}).catch(() => undefined);
        return { Payload: '', StatusCode: 202 };
      }
      const result = await invokeLambda(invoker, p.FunctionName, p.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
    }
    case 'sdk':
      try {
        const output = await invoker.callAwsSdk(res.service ?? '', res.action ?? '', params ?? {});
        return withoutMetadata(output);
      } catch (err) {
        throw sdkError(res, err);
      }
    case 'unsupported':
      throw statesError('States.Runtime', `Resource ${res.arn} cannot run locally: ${res.reason}`, true);
  }
}

async function invokeLambda(invoker: TaskInvoker, functionName: string, payload: unknown): Promise<unknown> {
  try {
    return await invoker.invokeLambda(functionName, payload);
  } catch (caught) {
    // Step Functions reports a function error with the function's error type as Error and the
    // Lambda error payload, as JSON, as Cause.
    const err = caught instanceof Error ? caught : new Error(String(caught));
    const errorType = err.name || 'Error';
    const trace = (err as { trace?: unknown }).trace;
    const cause = JSON.stringify({ errorType, errorMessage: err.message, ...(Array.isArray(trace) ? { trace } : {}) });
    throw statesError(errorType, cause);
  }
}

/** `CognitoIdentityProvider.UsernameExistsException`: PascalCase service, error name always ending in Exception. */
export function sdkErrorName(errorPrefix: string, name: string): string {
  if (name.startsWith(`${errorPrefix}.`)) return name;
  return `${errorPrefix}.${name.endsWith('Exception') ? name : `${name}Exception`}`;
}

function sdkError(res: TaskResource, caught: unknown): Error {
  const err = caught instanceof Error ? caught : new Error(String(caught));
  // The integration itself could not run (unsupported service or action): a Step Functions error, not the service's.
  if (err.name.startsWith('States.')) return statesError(err.name, err.message, err.name === 'States.Runtime');
  const prefix = res.errorPrefix ?? 'Unknown';
  const meta = (err as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const cause = `${err.message} (Service: ${prefix}, Status Code: ${meta?.httpStatusCode ?? 400}, Request ID: ${meta?.requestId ?? randomUUID()})`;
  return statesError(sdkErrorName(prefix, err.name || 'Unknown'), cause);
}

/** Step Functions returns the API response without the SDK's `$metadata`. */
function withoutMetadata(output: unknown): unknown {
  if (!output || typeof output !== 'object' || Array.isArray(output) || !('$metadata' in output)) return output;
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return rest;
}
