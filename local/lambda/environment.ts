/**
 * One Lambda execution environment: a worker thread with its own process.env, module registry,
 * log stream and X-Ray context, which runs **one invocation at a time**, as Lambda's do. An
 * invocation that runs out of time or kills the worker ends the environment (Lambda resets
 * it); the pool (`environment-pool.ts`) starts another for the next invocation.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FunctionError } from './errors';
import type { CapturedLine, EnvironmentLog, InvocationReport } from './function-logs';
import type { InvocationTiming } from './tracing';

/** What an environment needs to know of its function. */
export interface EnvironmentFunction {
  readonly functionName: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly layerDirs: readonly string[];
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

/** What a worker posts: an invocation's start or outcome, or captured output lines. */
export interface WorkerMessage {
  id: number;
  /** The handler is about to run (its code is loaded): the invocation's timeout starts now. */
  begin?: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  report?: InvocationReport;
  timing?: InvocationTiming;
  logs?: CapturedLine[];
}

interface Running {
  readonly id: number;
  /** Absent for a pre-warm (no START/END lines, no timeout line). */
  readonly requestId?: string;
  timer: NodeJS.Timeout;
  resolve(value: WorkerMessage): void;
  reject(error: Error): void;
}

/**
 * How long loading the code may take before the invocation's own timeout starts: Lambda's
 * init phase limit. (On Lambda a longer init is retried inside the invocation; here it fails it.)
 */
export const INIT_LIMIT_MS = 10_000;

const WORKER_FILE = path.join(__dirname, 'worker.cjs');

/** Options of {@link ExecutionEnvironment}. */
export interface ExecutionEnvironmentOptions {
  readonly fn: EnvironmentFunction;
  /** The function's variables (template, logging, tracing). */
  readonly env: Readonly<Record<string, string>>;
  readonly log: EnvironmentLog;
  /** Called once when the environment can take no more invocations (timed out, crashed, stopped). */
  readonly onEnd: (environment: ExecutionEnvironment) => void;
}

export class ExecutionEnvironment {
  readonly fn: EnvironmentFunction;
  readonly log: EnvironmentLog;
  /** When it last finished an invocation (for reaping the idle ones). */
  lastUsed = Date.now();
  private readonly worker: Worker;
  private current?: Running;
  private nextId = 0;
  private ended = false;

  constructor(private readonly opts: ExecutionEnvironmentOptions) {
    this.fn = opts.fn;
    this.log = opts.log;
    const fn = opts.fn;
    this.worker = new Worker(WORKER_FILE, {
      env: { ...opts.env },
      workerData: {
        logging: opts.log.workerOptions(),
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
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.crash(error));
    this.worker.on('exit', (code) => this.crash(new Error(`Runtime exited with code ${code}`)));
  }

  /** Whether it ended (and must not be given another invocation). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Runs one invocation; the environment must be idle (the pool hands out idle ones only). */
  invoke(message: { event: unknown; traceHeader?: string }, requestId: string): Promise<WorkerMessage> {
    return this.run({ ...message, requestId }, requestId);
  }

  /** Loads the function's code now (pre-warming); problems surface on the first real invoke. */
  async warm(): Promise<void> {
    await this.run({ warm: true }).catch(() => undefined);
  }

  /** Stops the worker (a replaced or removed function, or the service closing). */
  async stop(): Promise<void> {
    this.end();
    await this.worker.terminate();
    this.log.flush();
  }

  private run(message: Record<string, unknown>, requestId?: string): Promise<WorkerMessage> {
    if (this.ended)
      return Promise.reject(new FunctionError('Runtime.ExitError', 'environment ended', this.fn.functionName));
    if (this.current) throw new Error(`environment of ${this.fn.functionName} is busy`);
    const id = this.nextId++;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      // Until the worker says the handler starts, the code may still be loading (a cold start).
      const timer = this.timeoutAfter(INIT_LIMIT_MS + timeoutMs);
      this.current = { id, requestId, timer, resolve, reject };
      this.worker.postMessage({ id, ...message, timeoutMs });
    });
  }

  private timeoutAfter(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.timedOut(), ms);
  }

  private receive(message: WorkerMessage): void {
    if (message.logs) {
      this.log.output(message.logs);
      return;
    }
    const running = this.current;
    if (!running || running.id !== message.id) return;
    if (message.begin) {
      // The timeout counts from when the handler starts, as Lambda's does (init has its own limit).
      clearTimeout(running.timer);
      running.timer = this.timeoutAfter(this.fn.timeoutSeconds * 1000);
      return;
    }
    this.current = undefined;
    clearTimeout(running.timer);
    this.lastUsed = Date.now();
    if (running.requestId && message.report)
      this.log.end(running.requestId, message.report, message.error ? 'error' : 'success');
    // A function error is the invoker's to raise: it also ends the invocation's trace.
    running.resolve(message);
  }

  /** Lambda stops a timed-out invocation and resets its environment: the worker goes. */
  private timedOut(): void {
    const running = this.current;
    if (!running) return;
    this.current = undefined;
    const seconds = this.fn.timeoutSeconds;
    if (running.requestId) this.log.timedOut(running.requestId, seconds);
    running.reject(
      new FunctionError('Sandbox.Timedout', `Task timed out after ${seconds}.00 seconds`, this.fn.functionName),
    );
    void this.stop();
  }

  private crash(error: Error): void {
    const running = this.current;
    this.current = undefined;
    if (running) {
      clearTimeout(running.timer);
      if (running.requestId) this.log.crashed(running.requestId, error.message);
      running.reject(new FunctionError('Runtime.ExitError', error.message, this.fn.functionName));
    }
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.opts.onEnd(this);
  }
}
