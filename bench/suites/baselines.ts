/**
 * In-run baselines: what this machine does right now for work that involves none of tenantflow.
 * Every machine-dependent figure is reported next to its ratio to one of these.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { runHttpLoadInWorker } from '../lib/http-load';
import { median, type Summary, summarize } from '../lib/stats';

export interface Baselines {
  /** A fixed CPU workload (SHA-256 over 32 MB in 64 KB chunks), ms. */
  readonly cpuMs: number;
  /** A loopback keep-alive HTTP round trip to a trivial Node server (same thread layout as the gateway), ms. */
  readonly http: Summary;
  /** Trivial server throughput with the same connection count as the throughput runs, responses/s. */
  readonly httpPerSecond: number;
  /** A fresh `node -e 0`, spawn to exit, ms. */
  readonly nodeBootMs: number;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function cpuBaselineMs(rounds = 3): number {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const hash = createHash('sha256');
    for (let i = 0; i < 512; i++) hash.update(chunk);
    hash.digest();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function nodeBootMs(rounds = 5): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function measureBaselines(opts: {
  httpRequests: number;
  concurrency: number;
  throughputMs: number;
}): Promise<Baselines> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '12' });
    res.end('{"items":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const latency = await runHttpLoadInWorker({ targets: [{ url }], concurrency: 1, maxRequests: opts.httpRequests });
    const load = await runHttpLoadInWorker({
      targets: [{ url }],
      concurrency: opts.concurrency,
      durationMs: opts.throughputMs,
    });
    return {
      cpuMs: cpuBaselineMs(),
      http: summarize(latency.latenciesMs),
      httpPerSecond: load.okPerSecond,
      nodeBootMs: nodeBootMs(),
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
