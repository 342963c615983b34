/**
 * A small closed-loop HTTP load generator (no dependencies): `concurrency` keep-alive
 * connections, each sending its next request as soon as the previous one completes, bounded
 * in request count and in time. Loopback targets only.
 */
import * as http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface HttpTarget {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadOptions {
  /** Requests go to these targets round-robin. */
  readonly targets: readonly HttpTarget[];
  /** Connections in flight at once (1 = sequential). */
  readonly concurrency: number;
  /** Stop after this many requests. */
  readonly maxRequests?: number;
  /** Stop after this long. @default 10_000 */
  readonly durationMs?: number;
}

export interface LoadResult {
  /** Latency of each 2xx response, request written → response body read, in ms. */
  readonly latenciesMs: number[];
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly completed: number;
  readonly elapsedMs: number;
  /** Completed 2xx responses per second. */
  readonly okPerSecond: number;
}

const LIMITS = { concurrency: 256, requests: 200_000, durationMs: 120_000 };

function assertLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`load generator: loopback http targets only, not ${url}`);
  }
  return parsed;
}

export async function runHttpLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.targets.length === 0) throw new Error('load generator: no targets');
  const concurrency = Math.max(1, Math.min(opts.concurrency, LIMITS.concurrency));
  const maxRequests = Math.min(opts.maxRequests ?? LIMITS.requests, LIMITS.requests);
  const durationMs = Math.min(opts.durationMs ?? 10_000, LIMITS.durationMs);
  const targets = opts.targets.map((target) => ({ ...target, parsed: assertLoopback(target.url) }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let issued = 0;
  let completed = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  const once = (target: (typeof targets)[number]) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.parsed.hostname,
          port: target.parsed.port,
          path: `${target.parsed.pathname}${target.parsed.search}`,
          method: target.method ?? 'GET',
          headers: target.body
            ? { ...target.headers, 'Content-Length': String(Buffer.byteLength(target.body)) }
            : target.headers,
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(target.body);
    });

  const loop = async () => {
    while (issued < maxRequests && performance.now() < deadline) {
      const target = targets[issued % targets.length] as (typeof targets)[number];
      issued += 1;
      const t0 = performance.now();
      try {
        const status = await once(target);
        const t1 = performance.now();
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) latenciesMs.push(t1 - t0);
      } catch {
        errors += 1;
      }
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { latenciesMs, statuses, errors, completed, elapsedMs, okPerSecond: (latenciesMs.length / elapsedMs) * 1000 };
}

/**
 * Runs the load from a worker thread, so the client's own work does not share the event loop
 * of the servers under test (which run in the bench's main thread).
 */
export function runHttpLoadInWorker(opts: LoadOptions): Promise<LoadResult> {
  const worker = new Worker(
    `const { require: tsxRequire } = require('tsx/cjs/api');
     tsxRequire(require('node:worker_threads').workerData.file, require('node:worker_threads').workerData.file);`,
    { eval: true, workerData: { file: __filename, opts }, execArgv: [] },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

if (!isMainThread && parentPort && (workerData as { file?: string } | null)?.file === __filename) {
  const port = parentPort;
  void runHttpLoad((workerData as { opts: LoadOptions }).opts).then((result) => port.postMessage(result));
}
