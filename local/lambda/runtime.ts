/**
 * The local Lambda service: each function runs its bundled code from cdk.out (the same bytes
 * that deploy) in its own worker thread, with its own process.env (the template environment
 * plus the local endpoints and credentials) and module registry, like a Lambda execution
 * environment. Workers start on first invoke, so an unused function costs nothing.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type CapturedLine,
  EnvironmentLog,
  type FunctionLogging,
  type FunctionLogSink,
  type InvocationReport,
} from './function-logs';

import {
  type InvocationTiming,
  type LambdaTracing,
  startInvocationTrace,
  type TracingMode,
  tracingEnvironmentOf,
} from './tracing';

export type { FunctionLogging, FunctionLogSink } from './function-logs';

export interface LocalFunction {
  readonly functionName: string;
  readonly arn: string;
  /** Directory holding the unzipped code (a cdk.out asset). */
  readonly codeDir: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Layer directories (each holding `nodejs/node_modules`). */
  readonly layerDirs: readonly string[];
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** Its LoggingConfig (log group, format); absent: `/aws/lambda/<name>` in text format. */
  readonly logging?: FunctionLogging;
  /** `TracingConfig.Mode` of the template. @default 'PassThrough' */
  readonly tracingMode?: TracingMode;
}

/** Options of an invocation. */
export interface InvokeOptions {
  /** The caller's trace header (`X-Amzn-Trace-Id`), which the invocation's segments join. */
  readonly traceHeader?: string;
}

/** Options of {@link LambdaRuntime}. */
export interface LambdaRuntimeOptions {
  /** Where each environment's log stream goes (the local CloudWatch Logs). */
  readonly logs?: FunctionLogSink;
  /** Also print the functions' own output lines. @default true without `logs`, false with them */
  readonly printOutput?: boolean;
  /** X-Ray: without it no function is traced and none gets a trace header. */
  readonly tracing?: LambdaTracing;
}

/** A function error, named like Lambda's errorType so Step Functions can match it. */
export class FunctionError extends Error {
  constructor(
    name: string,
    message: string,
    readonly functionName: string,
  ) {
    super(message);
    this.name = name;
  }
}

export class FunctionNotFoundError extends Error {
  constructor(nameOrArn: string) {
    super(`Function not found: ${nameOrArn}`);
    this.name = 'ResourceNotFoundException';
  }
}

interface Pending {
  resolve(value: WorkerMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The invocation's request id (none for a pre-warm). */
  requestId?: string;
}

interface Environment {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  readonly log: EnvironmentLog;
}

/** What a worker posts: an invocation's outcome, or captured output lines. */
interface WorkerMessage {
  id: number;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  report?: InvocationReport;
  timing?: InvocationTiming;
  logs?: CapturedLine[];
}

const WORKER_FILE = path.join(__dirname, 'worker.cjs');

export class LambdaRuntime {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly environments = new Map<string, Environment>();
  private nextId = 0;
  private closed = false;
  /** Invocations per function name (for tests and benchmarks). */
  readonly invocations = new Map<string, number>();

  constructor(private readonly options: LambdaRuntimeOptions = {}) {}

  /** Adds or replaces a function; a replaced function gets a fresh environment on next invoke. */
  register(fn: LocalFunction): void {
    this.functions.set(fn.functionName, fn);
    void this.stopEnvironment(fn.functionName);
  }

  /** Removes a function (its stack was deleted or rolled back) and stops its environment. */
  unregister(nameOrArn: string): void {
    const name = functionNameOf(nameOrArn);
    this.functions.delete(name);
    void this.stopEnvironment(name);
  }

  has(nameOrArn: string): boolean {
    return this.functions.has(functionNameOf(nameOrArn));
  }

  list(): LocalFunction[] {
    return [...this.functions.values()];
  }

  async invoke(nameOrArn: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const name = functionNameOf(nameOrArn);
    const fn = this.functions.get(name);
    if (!fn) throw new FunctionNotFoundError(nameOrArn);
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    const requestId = randomUUID();
    const tracing = this.options.tracing;
    const trace = tracing ? startInvocationTrace(fn, options.traceHeader, tracing.sink, requestId) : undefined;
    let reply: WorkerMessage;
    try {
      reply = await this.post(fn, { event, traceHeader: trace?.header }, requestId);
    } catch (error) {
      trace?.finish({ error: error as Error });
      throw error;
    }
    if (reply.error) {
      trace?.finish({
        timing: reply.timing,
        error: { name: reply.error.errorType, message: reply.error.errorMessage },
      });
      throw new FunctionError(reply.error.errorType, reply.error.errorMessage, fn.functionName);
    }
    trace?.finish({ timing: reply.timing });
    return reply.result;
  }

  private post(
    fn: LocalFunction,
    message: { event?: unknown; warm?: boolean; traceHeader?: string },
    requestId: string = randomUUID(),
  ): Promise<WorkerMessage> {
    const env = this.environmentOf(fn);
    const id = this.nextId++;
    const timeoutMs = fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        env.pending.delete(id);
        if (!message.warm) env.log.timedOut(requestId, fn.timeoutSeconds);
        reject(
          new FunctionError(
            'Sandbox.Timedout',
            `Task timed out after ${fn.timeoutSeconds}.00 seconds`,
            fn.functionName,
          ),
        );
      }, timeoutMs);
      env.pending.set(id, { resolve, reject, timer, requestId: message.warm ? undefined : requestId });
      env.worker.postMessage({ id, ...message, deadline: Date.now() + timeoutMs, requestId });
    });
  }

  /**
   * Starts every function's environment and loads its code, one at a time in the background
   * (all at once would starve the 2 cores for seconds), so the first sign-up after `npm start`
   * does not pay a cold start per step.
   */
  async prewarm(): Promise<void> {
    for (const name of [...this.functions.keys()]) {
      // Looked up now, not from a snapshot: a function re-registered while earlier ones warmed
      // (new environment variables) must start with its new definition, not the replaced one.
      const fn = this.functions.get(name);
      if (!fn || this.environments.has(name) || this.closed) continue;
      await this.post(fn, { warm: true }).catch(() => undefined);
    }
  }

  private environmentOf(fn: LocalFunction): Environment {
    const existing = this.environments.get(fn.functionName);
    if (existing) return existing;
    const log = this.environmentLogOf(fn);
    const tracing = this.options.tracing;
    const worker = new Worker(WORKER_FILE, {
      env: {
        ...fn.environment,
        ...log.environmentVariables(),
        ...(tracing ? tracingEnvironmentOf(fn, tracing) : {}),
      },
      workerData: {
        logging: log.workerOptions(),
        codeDir: fn.codeDir,
        handler: fn.handler,
        arn: fn.arn,
        nodePath: fn.layerDirs.map((dir) => path.join(dir, 'nodejs', 'node_modules')),
      },
      // Not the parent's flags (tsx's loader): the bundle is plain JavaScript, as on Lambda.
      execArgv: [],
      // Lambda's memory setting bounds the heap, roughly.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, fn.memorySize) },
    });
    worker.unref();
    const env: Environment = { worker, pending: new Map(), log };
    worker.on('message', (message: WorkerMessage) => {
      if (message.logs) {
        env.log.output(message.logs);
        return;
      }
      const pending = env.pending.get(message.id);
      if (!pending) return;
      env.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (pending.requestId && message.report)
        env.log.end(pending.requestId, message.report, message.error ? 'error' : 'success');
      // A function error is the invoker's to raise: it also ends the invocation's trace.
      pending.resolve(message);
    });
    const fail = (error: Error) => {
      for (const pending of env.pending.values()) {
        clearTimeout(pending.timer);
        if (pending.requestId) env.log.crashed(pending.requestId, error.message);
        pending.reject(new FunctionError('Runtime.ExitError', error.message, fn.functionName));
      }
      env.pending.clear();
      if (this.environments.get(fn.functionName) === env) this.environments.delete(fn.functionName);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`Runtime exited with code ${code}`)));
    this.environments.set(fn.functionName, env);
    return env;
  }

  private async stopEnvironment(name: string): Promise<void> {
    const env = this.environments.get(name);
    this.environments.delete(name);
    if (env) await env.worker.terminate();
    env?.log.flush();
  }

  /** The log stream of a new environment of `fn`. */
  private environmentLogOf(fn: LocalFunction): EnvironmentLog {
    const print = this.options.printOutput ?? !this.options.logs;
    return new EnvironmentLog({
      functionName: fn.functionName,
      memorySize: fn.memorySize,
      logging: fn.logging,
      sink: this.options.logs,
      print: print ? (line) => process.stdout.write(`${line}\n`) : undefined,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.environments.keys()].map((name) => this.stopEnvironment(name)));
  }
}

/** Accepts a name, a function ARN, or a qualified ARN (`...:function:name:$LATEST`). */
export function functionNameOf(nameOrArn: string): string {
  const match = nameOrArn.match(/^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+)/);
  return match?.[1] ?? nameOrArn;
}
