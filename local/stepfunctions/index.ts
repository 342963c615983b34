/**
 * Local Step Functions service: an AWS JSON 1.0 endpoint on 127.0.0.1 that `@aws-sdk/client-sfn`
 * talks to as it would to AWS, running the deployed state machines (JSONPath ASL) on
 * aws-local-stepfunctions.
 *
 * - Task states run through a {@link TaskInvoker}: `lambda:invoke`, Lambda function ARNs,
 *   `aws-sdk:<service>:<action>` (plus the optimized dynamodb/sns/sqs/events/states calls), each
 *   optionally `.waitForTaskToken`. Errors carry Step Functions' names, so Retry/Catch behave as in AWS.
 * - Executions, their history and task tokens persist under `dataDir` (one JSON file each) and
 *   survive a restart; an execution left running by a previous process is ABORTED on start.
 * - RedriveExecution restarts at the top-level state that failed, with that state's recorded
 *   input. Limits: a failure inside a Map or Parallel re-runs the whole Map/Parallel state; on a
 *   redriven run `$$.Execution.Input`/`StartTime` are those of the redrive; `$$.State.*`,
 *   HeartbeatSecondsPath, activities and `.sync` integrations are not emulated.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../listen';
import { ACTIONS } from './api';
import { Engine, type ExecutionStatusChangeEvent, SfnError } from './engine';
import type { TaskInvoker } from './task-handlers';

export type { ExecutionStatusChangeEvent } from './engine';
export type { TaskInvoker } from './task-handlers';

/** A running local Step Functions service. */
export interface StepFunctionsService {
  /** Base URL for `new SFNClient({ endpoint })`: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Registers a state machine; registering the same ARN again replaces its definition (running executions keep theirs). Throws if the definition is not ASL JSON with a valid StartAt. */
  registerStateMachine(sm: {
    arn: string;
    name: string;
    /** ASL JSON (JSONPath). */
    definition: string;
    roleArn?: string;
    type?: 'STANDARD' | 'EXPRESS';
  }): void;
  /** Fault injection for demos/tests: the named state fails `times` times (-1: until cleared) with error name 'InjectedFaultError' before its task runs. */
  setFault(stateName: string, times: number, error?: string): void;
  /** Disarms every injected fault. */
  clearFaults(): void;
  /**
   * Adds a receiver of execution status change events (start, redrive, end), as EventBridge
   * gets them. A subscription, not an option: the bus's targets include this service itself.
   */
  subscribe(listener: (event: ExecutionStatusChangeEvent) => void): void;
  /** Resolves when no execution is running (used by tests and shutdown). */
  idle(): Promise<void>;
  /** Stops the endpoint and flushes state; running executions become ABORTED on the next start. */
  close(): Promise<void>;
}

/** Options of {@link startStepFunctions}. */
export interface StepFunctionsOptions {
  /** Directory for executions and state machines (created if missing). */
  readonly dataDir: string;
  /** Runs Task state resources. */
  readonly invoker: TaskInvoker;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

/** Loads persisted state and starts the local Step Functions endpoint on 127.0.0.1. */
export async function startStepFunctions(opts: StepFunctionsOptions): Promise<StepFunctionsService> {
  const listeners: Array<(event: ExecutionStatusChangeEvent) => void> = [];
  const engine = new Engine({
    dataDir: opts.dataDir,
    invoker: opts.invoker,
    region: opts.region ?? 'us-east-1',
    accountId: opts.accountId ?? '000000000000',
    onStatusChange: (event) => {
      for (const listener of listeners) listener(event);
    },
  });
  await engine.load();

  const server = createServer((req, res) => {
    handle(engine, req, res).catch((err: unknown) => {
      send(res, 500, { __type: 'InternalServerError', message: (err as Error).message });
    });
  });
  const endpoint = await listenOnLoopback(server, opts.port);

  return {
    endpoint,
    registerStateMachine: (sm) => engine.registerStateMachine(sm),
    setFault: (stateName, times, error) => engine.setFault(stateName, times, error),
    clearFaults: () => engine.clearFaults(),
    subscribe(listener) {
      listeners.push(listener);
    },
    idle: () => engine.idle(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections of SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}

async function handle(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.startsWith(TARGET_PREFIX) ? ACTIONS[target.slice(TARGET_PREFIX.length)] : undefined;
  try {
    if (req.method !== 'POST' || !action) {
      throw new SfnError('UnknownOperationException', `Unknown operation: '${target || `${req.method} ${req.url}`}'`);
    }
    let body: unknown;
    try {
      body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new SfnError('SerializationException', 'Request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new SfnError('SerializationException', 'Request body must be a JSON object');
    }
    send(res, 200, action(engine, body as Record<string, unknown>));
  } catch (err) {
    if (!(err instanceof SfnError)) throw err;
    send(res, 400, { __type: err.type, message: err.message }, err.type);
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}
