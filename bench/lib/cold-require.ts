/** Cold `require()` of a bundle in a fresh `node` process: the import half of a Lambda cold start. */
import { spawnSync } from 'node:child_process';

export interface RequireTime {
  /** Wall-clock time of the require, ms. */
  readonly wallMs: number;
  /** CPU time (user + system, all threads) the process spent in it, ms: less sensitive to a busy machine. */
  readonly cpuMs: number;
}

/** Requires `file` once in a fresh `node` with exactly `env` (plus PATH), `--enable-source-maps` when asked. */
export function coldRequire(file: string, env: Readonly<Record<string, string>>, sourceMaps: boolean): RequireTime {
  const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(file)});const d=process.cpuUsage(c);process.stdout.write(JSON.stringify([Number(process.hrtime.bigint()-t)/1e6,(d.user+d.system)/1e3]));`;
  const out = spawnSync(process.execPath, [...(sourceMaps ? ['--enable-source-maps'] : []), '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    parsed = undefined;
  }
  if (out.status !== 0 || !Array.isArray(parsed)) throw new Error(`import of ${file} failed: ${out.stderr}`);
  const [wallMs, cpuMs] = parsed as [number, number];
  return { wallMs, cpuMs };
}
