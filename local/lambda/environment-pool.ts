/**
 * The execution environments of every function, as Lambda scales them: an invocation takes an
 * idle environment of its function (the most recently used: the others can go idle and be
 * reaped) or starts a new one; each runs one invocation at a time.
 *
 * The bounds are this machine's, not AWS's (1,000 concurrent executions per account by
 * default): beyond them an invocation **waits** for an environment instead of being throttled,
 * because Lambda would have started one for it, and a local `TooManyRequestsException` would
 * invent failures AWS does not have. Its timeout counts from when it runs, not while it waits.
 * At the total bound, an idle environment of another function makes room (the least recently
 * used). Idle environments are reaped after `idleMs`, except each function's last one, so the
 * local cloud stays warm after start-up (AWS reaps those too, after some minutes).
 */
import type { EnvironmentFunction, ExecutionEnvironment } from './environment';
import { FunctionNotFoundError } from './errors';

/** How many environments may run at once. */
export interface LambdaConcurrency {
  /** Per function. */
  readonly perFunction: number;
  /** Over all functions (the memory bound: see docs/local-cloud.md for one worker's). */
  readonly total: number;
}

/**
 * 2 cores: beyond a few environments per function, more buy cold starts (CPU) rather than
 * overlap; the total stays clear of the 23 functions' one each, so that eviction is rare. An
 * environment costs about 20 MB (see docs/local-cloud.md), so 64 fit easily in 24 GiB.
 */
export const DEFAULT_CONCURRENCY: LambdaConcurrency = { perFunction: 4, total: 64 };
/** How long an extra environment may stay idle before it is stopped. */
export const DEFAULT_IDLE_MS = 120_000;

/**
 * The bounds from `TENANTFLOW_LAMBDA_CONCURRENCY` (total), `TENANTFLOW_LAMBDA_FUNCTION_CONCURRENCY`
 * (per function) and the idle time from `TENANTFLOW_LAMBDA_IDLE_SECONDS`; unset: the defaults.
 */
export function poolSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  concurrency: LambdaConcurrency;
  idleMs: number;
} {
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
    return value;
  };
  const total = positive('TENANTFLOW_LAMBDA_CONCURRENCY', DEFAULT_CONCURRENCY.total);
  const perFunction = Math.min(
    total,
    positive('TENANTFLOW_LAMBDA_FUNCTION_CONCURRENCY', DEFAULT_CONCURRENCY.perFunction),
  );
  return {
    concurrency: { perFunction, total },
    idleMs: positive('TENANTFLOW_LAMBDA_IDLE_SECONDS', DEFAULT_IDLE_MS / 1000) * 1000,
  };
}

/** Options of {@link EnvironmentPool}. */
export interface EnvironmentPoolOptions<F extends EnvironmentFunction> {
  readonly concurrency: LambdaConcurrency;
  readonly idleMs: number;
  /** The function's current definition (a waiting invocation runs the one current when it starts). */
  readonly definitionOf: (name: string) => F | undefined;
  /** Starts an environment; it must call `pool.ended(environment)` when it ends. */
  readonly start: (fn: F) => ExecutionEnvironment;
}

interface Waiter {
  readonly name: string;
  resolve(environment: ExecutionEnvironment): void;
  reject(error: Error): void;
}

export class EnvironmentPool<F extends EnvironmentFunction> {
  /** Every live environment per function name, busy or idle. */
  private readonly live = new Map<string, Set<ExecutionEnvironment>>();
  /** The idle ones per function name, most recently used last. */
  private readonly idle = new Map<string, ExecutionEnvironment[]>();
  private readonly waiting: Waiter[] = [];
  private readonly reapers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private liveCount = 0;
  private closed = false;
  /** Environments started per function name (cold starts; for tests and benchmarks). */
  readonly started = new Map<string, number>();
  /** The most environments that were live at once. */
  peak = 0;

  constructor(private readonly opts: EnvironmentPoolOptions<F>) {}

  /** An environment of `name` for one invocation: idle, new, or the next free one. */
  acquire(name: string): Promise<ExecutionEnvironment> {
    if (this.closed) return Promise.reject(new Error('the local Lambda service is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ name, resolve, reject });
      this.dispatch();
    });
  }

  /** An environment of `name` now, or none if it would have to wait (pre-warming). */
  tryAcquire(name: string): ExecutionEnvironment | undefined {
    if (this.closed || this.waiting.length > 0) return undefined;
    const fn = this.opts.definitionOf(name);
    return fn && this.take(fn);
  }

  /** Hands an environment back after its invocation. */
  release(environment: ExecutionEnvironment): void {
    if (environment.isEnded || this.closed) return;
    const idle = this.idle.get(environment.fn.functionName) ?? [];
    idle.push(environment);
    this.idle.set(environment.fn.functionName, idle);
    this.reapLater(environment);
    this.dispatch();
  }

  /** Called by an environment that ended (timed out, crashed, stopped): another may start. */
  ended(environment: ExecutionEnvironment): void {
    if (this.forget(environment)) this.dispatch();
  }

  /** How many environments of `name` are live now. */
  count(name: string): number {
    return this.live.get(name)?.size ?? 0;
  }

  /** Stops every environment of a function (replaced or removed); its waiters get the new definition. */
  async stopFunction(name: string): Promise<void> {
    await Promise.all([...(this.live.get(name) ?? [])].map((environment) => environment.stop()));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('the local Lambda service is closed'));
    await Promise.all([...this.live.keys()].map((name) => this.stopFunction(name)));
  }

  /** Gives waiting invocations, in arrival order, what they can have now. */
  private dispatch(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const waiter = this.waiting[i] as Waiter;
      const fn = this.opts.definitionOf(waiter.name);
      const environment = fn && this.take(fn);
      if (fn && !environment) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      if (environment) waiter.resolve(environment);
      else waiter.reject(new FunctionNotFoundError(waiter.name));
    }
  }

  private take(fn: F): ExecutionEnvironment | undefined {
    const name = fn.functionName;
    const reused = this.idle.get(name)?.pop();
    if (reused) {
      this.stopReaper(reused);
      return reused;
    }
    const { perFunction, total } = this.opts.concurrency;
    if (this.count(name) >= perFunction) return undefined;
    if (this.liveCount >= total && !this.evictIdleOtherThan(name)) return undefined;
    const environment = this.opts.start(fn);
    const live = this.live.get(name) ?? new Set();
    live.add(environment);
    this.live.set(name, live);
    this.liveCount += 1;
    this.peak = Math.max(this.peak, this.liveCount);
    this.started.set(name, (this.started.get(name) ?? 0) + 1);
    return environment;
  }

  /** Stops the least recently used idle environment of another function, to make room. */
  private evictIdleOtherThan(name: string): boolean {
    let oldest: ExecutionEnvironment | undefined;
    for (const [other, idle] of this.idle)
      if (other !== name && idle[0] && (!oldest || idle[0].lastUsed < oldest.lastUsed)) oldest = idle[0];
    if (!oldest) return false;
    this.stopIdle(oldest);
    return true;
  }

  /** Removes an environment from the counts; false if it was not counted any more. */
  private forget(environment: ExecutionEnvironment): boolean {
    const name = environment.fn.functionName;
    const live = this.live.get(name);
    if (!live?.delete(environment)) return false;
    this.liveCount -= 1;
    if (live.size === 0) this.live.delete(name);
    this.removeIdle(environment);
    return true;
  }

  /**
   * Counted out now, not when its worker has exited, so that its slot is the caller's (no
   * dispatch here: the caller may be in the middle of one).
   */
  private stopIdle(environment: ExecutionEnvironment): void {
    this.forget(environment);
    void environment.stop();
  }

  private removeIdle(environment: ExecutionEnvironment): void {
    this.stopReaper(environment);
    const idle = this.idle.get(environment.fn.functionName);
    const at = idle?.indexOf(environment) ?? -1;
    if (idle && at >= 0) idle.splice(at, 1);
    if (idle?.length === 0) this.idle.delete(environment.fn.functionName);
  }

  private reapLater(environment: ExecutionEnvironment): void {
    const timer = setTimeout(() => {
      this.reapers.delete(environment);
      // The function's last environment stays warm.
      if (this.count(environment.fn.functionName) > 1) this.stopIdle(environment);
    }, this.opts.idleMs);
    timer.unref();
    this.reapers.set(environment, timer);
  }

  private stopReaper(environment: ExecutionEnvironment): void {
    clearTimeout(this.reapers.get(environment));
    this.reapers.delete(environment);
  }
}
