/**
 * Item 7: `npm start` to ready on a warm install (sources unchanged since the last synthesis,
 * web apps built): wall time from spawning `npm start` to its "ready" line, and the time the
 * process itself reports (from its own start). Each run uses a fresh data directory and a free port.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Summary, summarize } from '../lib/stats';

export interface StartRun {
  readonly wallMs: number;
  readonly reportedMs: number;
}

export interface StartResult {
  readonly runs: StartRun[];
  readonly wallMs: Summary;
  readonly reportedMs: Summary;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function startOnce(timeoutMs: number): Promise<StartRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-bench-start-'));
  const started = performance.now();
  // Its own process group, so the shell, tsx and node it starts are stopped together.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TENANTFLOW_PORT: '0', TENANTFLOW_DATA_DIR: dataDir },
  });
  const stop = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<StartRun>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      stop('SIGKILL');
      reject(new Error(`npm start not ready within ${timeoutMs} ms: ${output.slice(-500)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = output.match(/ready in ([\d.]+) s/);
      if (match) {
        clearTimeout(timer);
        const wallMs = performance.now() - started;
        child.stdout.off('data', onData);
        stop('SIGINT');
        const kill = setTimeout(() => stop('SIGKILL'), 15_000);
        void exited.then(() => {
          clearTimeout(kill);
          fs.rmSync(dataDir, { recursive: true, force: true });
          resolve({ wallMs, reportedMs: Number(match[1]) * 1000 });
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      if (!/ready in/.test(output)) {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}: ${output.slice(-500)}`));
      }
    });
  });
}

/** One unmeasured start first (it synthesizes or builds the web apps if their sources changed), then `runs` measured. */
export async function benchStart(opts: { runs: number; warmup: boolean; timeoutMs?: number }): Promise<StartResult> {
  if (opts.warmup) await startOnce(opts.timeoutMs ?? 180_000);
  const runs: StartRun[] = [];
  for (let i = 0; i < opts.runs; i++) runs.push(await startOnce(opts.timeoutMs ?? 180_000));
  return { runs, wallMs: summarize(runs.map((r) => r.wallMs)), reportedMs: summarize(runs.map((r) => r.reportedMs)) };
}
