/**
 * The local Lambda service: each function runs its bundled code from cdk.out (the same bytes
 * that deploy) in execution environments like Lambda's (`environment.ts`): worker threads, each
 * with its own process.env (the template environment plus the local endpoints and credentials),
 * module registry, log stream and X-Ray context, each running one invocation at a time.
 * Overlapping invocations of a function run in separate environments, up to the bounds of
 * `environment-pool.ts`; environments start on first invoke, so an unused function costs nothing.
 */
import { randomUUID } from 'node:crypto';
import { ExecutionEnvironment, type WorkerMessage } from './environment';
import { EnvironmentPool, type LambdaConcurrency, poolSettingsFromEnv } from './environment-pool';
import { FunctionError, FunctionNotFoundError } from './errors';
import { EnvironmentLog, type FunctionLogging, type FunctionLogSink } from './function-logs';
import { type LambdaTracing, startInvocationTrace, type TracingMode, tracingEnvironmentOf } from './tracing';

export type { LambdaConcurrency } from './environment-pool';
export { FunctionError, FunctionNotFoundError } from './errors';
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
  /** How many environments may run at once. @default from the environment, see {@link poolSettingsFromEnv} */
  readonly concurrency?: LambdaConcurrency;
  /** How long an extra idle environment lives. @default from the environment, see {@link poolSettingsFromEnv} */
  readonly idleMs?: number;
}

/** One function's counters (`GET /local/lambda`). */
export interface FunctionStats {
  readonly invocations: number;
  /** Cold starts: environments started, since the function was first registered. */
  readonly environmentsStarted: number;
  /** Live now, busy or idle. */
  readonly environments: number;
}

/** What {@link LambdaRuntime.stats} tells. */
export interface LambdaStats {
  readonly functions: Readonly<Record<string, FunctionStats>>;
  /** The most environments live at once, over all functions. */
  readonly peakEnvironments: number;
}

export class LambdaRuntime {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly pool: EnvironmentPool<LocalFunction>;
  private closed = false;
  /** Invocations per function name (for tests and benchmarks). */
  readonly invocations = new Map<string, number>();

  constructor(private readonly options: LambdaRuntimeOptions = {}) {
    const defaults = poolSettingsFromEnv();
    this.pool = new EnvironmentPool({
      concurrency: options.concurrency ?? defaults.concurrency,
      idleMs: options.idleMs ?? defaults.idleMs,
      definitionOf: (name) => this.functions.get(name),
      start: (fn) => this.startEnvironment(fn),
    });
  }

  /** Environments started per function name: its cold starts (for tests and benchmarks). */
  get environmentsStarted(): ReadonlyMap<string, number> {
    return this.pool.started;
  }

  /** The most environments that were live at once, over all functions. */
  get peakEnvironments(): number {
    return this.pool.peak;
  }

  /** How many environments of a function are live now (busy or idle). */
  environmentCount(nameOrArn: string): number {
    return this.pool.count(functionNameOf(nameOrArn));
  }

  /** Per function: invocations, environments started (cold starts) and live now; and the peak over all. */
  stats(): LambdaStats {
    const functions: Record<string, FunctionStats> = {};
    for (const name of this.functions.keys())
      functions[name] = {
        invocations: this.invocations.get(name) ?? 0,
        environmentsStarted: this.pool.started.get(name) ?? 0,
        environments: this.pool.count(name),
      };
    return { functions, peakEnvironments: this.pool.peak };
  }

  /** Adds or replaces a function; a replaced function gets fresh environments on next invoke. */
  register(fn: LocalFunction): void {
    this.functions.set(fn.functionName, fn);
    void this.pool.stopFunction(fn.functionName);
  }

  /** Removes a function (its stack was deleted or rolled back) and stops its environments. */
  unregister(nameOrArn: string): void {
    const name = functionNameOf(nameOrArn);
    this.functions.delete(name);
    void this.pool.stopFunction(name);
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
    // Lambda's service segment starts when the Invoke arrives: a wait for an environment is in it.
    const trace = tracing ? startInvocationTrace(fn, options.traceHeader, tracing.sink, requestId) : undefined;
    let environment: ExecutionEnvironment | undefined;
    let reply: WorkerMessage;
    try {
      environment = await this.pool.acquire(name);
      reply = await environment.invoke({ event, traceHeader: trace?.header }, requestId);
    } catch (error) {
      // No environment, a timeout or a crash: the function's own errors come as a reply.
      trace?.finish({ error: error as Error });
      throw error;
    } finally {
      if (environment) this.pool.release(environment);
    }
    if (reply.error) {
      const error = { name: reply.error.errorType, message: reply.error.errorMessage };
      trace?.finish({ timing: reply.timing, error });
      throw new FunctionError(error.name, error.message, name);
    }
    trace?.finish({ timing: reply.timing });
    return reply.result;
  }

  /**
   * Starts one environment per function and loads its code, one at a time in the background
   * (all at once would starve the 2 cores for seconds), so the first sign-up after `npm start`
   * does not pay a cold start per step.
   */
  async prewarm(): Promise<void> {
    for (const name of [...this.functions.keys()]) {
      // Taken now, not from a snapshot: a function re-registered while earlier ones warmed
      // (new environment variables) must start with its new definition, not the replaced one.
      if (this.closed || !this.functions.has(name) || this.pool.count(name) > 0) continue;
      const environment = this.pool.tryAcquire(name);
      if (!environment) continue;
      await environment.warm();
      this.pool.release(environment);
    }
  }

  private startEnvironment(fn: LocalFunction): ExecutionEnvironment {
    const log = this.environmentLogOf(fn);
    const tracing = this.options.tracing;
    return new ExecutionEnvironment({
      fn,
      env: {
        ...fn.environment,
        ...log.environmentVariables(),
        ...(tracing ? tracingEnvironmentOf(fn, tracing) : {}),
      },
      log,
      onEnd: (environment) => this.pool.ended(environment),
    });
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
    await this.pool.close();
  }
}

/** Accepts a name, a function ARN, or a qualified ARN (`...:function:name:$LATEST`). */
export function functionNameOf(nameOrArn: string): string {
  const match = nameOrArn.match(/^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+)/);
  return match?.[1] ?? nameOrArn;
}
