import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FunctionLogSink, LambdaRuntime, type LambdaRuntimeOptions, type LocalFunction } from './runtime';

/** Module state that tells environments apart, and the times the handler ran (epoch ms). */
const POOL_HANDLER = `
const environmentId = require('node:crypto').randomUUID();
let calls = 0;
exports.handler = async (event, context) => {
  calls += 1;
  const start = Date.now();
  if (event.exit) process.exit(1);
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  return { environmentId, calls, start, end: Date.now(), stream: context.logStreamName, requestId: context.awsRequestId };
};
`;

interface Ran {
  environmentId: string;
  calls: number;
  start: number;
  end: number;
  stream: string;
  requestId: string;
}

/** The most intervals that overlap at one instant. */
function maxOverlap(runs: readonly Ran[]): number {
  const edges = runs.flatMap((run) => [
    { at: run.start, delta: 1 },
    { at: run.end, delta: -1 },
  ]);
  // An end before a start at the same millisecond: one environment handed over, not two at once.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}

describe('LambdaRuntime', () => {
  let dir: string;
  let runtime: LambdaRuntime;
  const fn = (name: string, environment: Record<string, string> = {}, timeoutSeconds = 5): LocalFunction => ({
    functionName: name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: dir,
    handler: 'index.handler',
    environment,
    layerDirs: [],
    timeoutSeconds,
    memorySize: 128,
  });
  const pooled = (name: string, timeoutSeconds = 5): LocalFunction => ({
    ...fn(name, {}, timeoutSeconds),
    handler: 'pool.handler',
  });
  const withRuntime = (options: LambdaRuntimeOptions) => {
    void runtime.close();
    runtime = new LambdaRuntime(options);
    return runtime;
  };
  const invoke = (name: string, event: Record<string, unknown> = {}) => runtime.invoke(name, event) as Promise<Ran>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-lambda-'));
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => process.env.WHERE;\n');
    fs.writeFileSync(path.join(dir, 'pool.js'), POOL_HANDLER);
    runtime = new LambdaRuntime({ concurrency: { perFunction: 4, total: 8 } });
  });
  afterEach(async () => {
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a function re-registered during prewarm with its new environment, not the replaced one', async () => {
    for (let i = 0; i < 3; i++) runtime.register(fn(`fn${i}`, { WHERE: 'original' }));

    const warming = runtime.prewarm();
    // Re-registered while the first function warms (what the benchmarks' recording proxies do).
    for (let i = 0; i < 3; i++) runtime.register(fn(`fn${i}`, { WHERE: 'replaced' }));
    await warming;

    for (let i = 0; i < 3; i++) expect(await runtime.invoke(`fn${i}`, {})).toBe('replaced');
  });

  it('runs overlapping invocations in separate environments, each with its own module state', async () => {
    runtime.register(pooled('orders'));

    const runs = await Promise.all([1, 2, 3].map(() => invoke('orders', { sleep: 150 })));

    expect(new Set(runs.map((run) => run.environmentId)).size).toBe(3);
    expect(runs.map((run) => run.calls)).toEqual([1, 1, 1]);
    expect(runtime.environmentsStarted.get('orders')).toBe(3);
  });

  it('reuses one warm environment for sequential invocations', async () => {
    runtime.register(pooled('orders'));

    const runs: Ran[] = [];
    for (let i = 0; i < 3; i++) runs.push(await invoke('orders'));

    expect(new Set(runs.map((run) => run.environmentId)).size).toBe(1);
    expect(runs.map((run) => run.calls)).toEqual([1, 2, 3]);
    expect(runtime.environmentsStarted.get('orders')).toBe(1);
  });

  it('replaces an environment whose invocation timed out, and one whose runtime exited', async () => {
    runtime.register(pooled('orders', 1));
    const first = await invoke('orders');

    await expect(invoke('orders', { sleep: 1500 })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    const afterTimeout = await invoke('orders');
    await expect(invoke('orders', { exit: true })).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    const afterExit = await invoke('orders');

    expect(new Set([first.environmentId, afterTimeout.environmentId, afterExit.environmentId]).size).toBe(3);
    expect([afterTimeout.calls, afterExit.calls]).toEqual([1, 1]);
    expect(runtime.environmentsStarted.get('orders')).toBe(3);
    expect(runtime.environmentCount('orders')).toBe(1);
  });

  it('holds invocations beyond the per-function bound until an environment is free, none failing', async () => {
    withRuntime({ concurrency: { perFunction: 2, total: 8 } }).register(pooled('orders'));

    const runs = await Promise.all([1, 2, 3, 4, 5].map(() => invoke('orders', { sleep: 100 })));

    expect(new Set(runs.map((run) => run.environmentId)).size).toBe(2);
    expect(maxOverlap(runs)).toBe(2);
    expect(runs.map((run) => run.calls).sort()).toEqual([1, 1, 2, 2, 3]);
  });

  it('counts a waiting invocation’s timeout from when it runs, not from when it arrived', async () => {
    withRuntime({ concurrency: { perFunction: 1, total: 8 } }).register(pooled('orders', 1));

    // The second waits ~700 ms, then runs ~700 ms: 1.4 s after it arrived, within its 1 s once running.
    const runs = await Promise.all([invoke('orders', { sleep: 700 }), invoke('orders', { sleep: 700 })]);

    expect(runs.map((run) => run.calls)).toEqual([1, 2]);
    expect((runs[1] as Ran).end - (runs[0] as Ran).start).toBeGreaterThan(1000);
  });

  it('holds the total bound across functions, making room by stopping another function’s idle environment', async () => {
    withRuntime({ concurrency: { perFunction: 2, total: 3 } });
    for (const name of ['orders', 'products']) runtime.register(pooled(name));
    await Promise.all([invoke('orders', { sleep: 100 }), invoke('orders', { sleep: 100 })]);

    const runs = await Promise.all([invoke('products', { sleep: 100 }), invoke('products', { sleep: 100 })]);

    expect(new Set(runs.map((run) => run.environmentId)).size).toBe(2);
    expect(runtime.peakEnvironments).toBe(3);
    expect(runtime.environmentCount('orders') + runtime.environmentCount('products')).toBe(3);
    expect(runtime.environmentCount('orders')).toBe(1);
  });

  it('stops extra environments idle for longer than the idle time, keeping the function’s last one', async () => {
    withRuntime({ concurrency: { perFunction: 4, total: 8 }, idleMs: 100 }).register(pooled('orders'));
    await Promise.all([1, 2, 3].map(() => invoke('orders', { sleep: 50 })));
    expect(runtime.environmentCount('orders')).toBe(3);

    // Reaped after 100 ms idle; the wait allows for a loaded machine (stopping a worker takes time).
    await vi.waitFor(() => expect(runtime.environmentCount('orders')).toBe(1), { timeout: 5_000, interval: 50 });
    expect((await invoke('orders')).calls).toBe(2);
  });

  it('writes each environment’s invocations to its own log stream', async () => {
    const shipped: Array<{ stream: string; message: string }> = [];
    const logs: FunctionLogSink = {
      putFunctionLogs: (_group, stream, events) => shipped.push(...events.map(({ message }) => ({ stream, message }))),
    };
    withRuntime({ logs, concurrency: { perFunction: 4, total: 8 } }).register(pooled('orders'));
    const overlapping = await Promise.all([invoke('orders', { sleep: 150 }), invoke('orders', { sleep: 150 })]);
    const sequential = await invoke('orders');

    const streams = overlapping.map((run) => run.stream);
    expect(new Set(streams).size).toBe(2);
    expect(streams).toContain(sequential.stream);
    const startsIn = (stream: string) =>
      shipped.filter((event) => event.stream === stream && event.message.startsWith('START')).map((e) => e.message);
    const [a, b] = overlapping as [Ran, Ran];
    expect(startsIn(a.stream).length + startsIn(b.stream).length).toBe(3);
    for (const run of overlapping)
      expect(startsIn(run.stream)).toContain(`START RequestId: ${run.requestId} Version: $LATEST`);
    const other = overlapping.find((run) => run.stream !== sequential.stream) as Ran;
    expect(startsIn(other.stream)).toEqual([`START RequestId: ${other.requestId} Version: $LATEST`]);
  });
});
