/**
 * Synthesizes a CDK app into cdk.out (the same cloud assembly `cdk synth` writes), skipping
 * the work when nothing that goes into it has changed since the last synthesis. Which app and
 * which sources are the caller's (the tenantflow wiring in `cloud.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceHash } from '../scripts/lib/source-hash';

export const REPO_ROOT = path.resolve(__dirname, '..');
const STAMP = '.tenantflow-source-hash';

/** Options of {@link synthesize}. */
export interface SynthesisOptions {
  /** Synthesizes the app into `outdir`; called only when the sources changed. */
  readonly build: (outdir: string) => void | Promise<void>;
  /** Files and directories, relative to the repository root, that go into the assembly. */
  readonly sources: readonly string[];
  /** @default `<repository>/cdk.out` */
  readonly outdir?: string;
}

/** Returns the cloud assembly directory, synthesizing if the sources changed. */
export async function synthesize(opts: SynthesisOptions): Promise<{ outdir: string; synthesized: boolean }> {
  const outdir = opts.outdir ?? path.join(REPO_ROOT, 'cdk.out');
  const hash = sourceHash(REPO_ROOT, opts.sources);
  const stampFile = path.join(outdir, STAMP);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) return { outdir, synthesized: false };
  // The WASM CloudFormation validation adds seconds and checks nothing the deployer needs.
  process.env.CDK_VALIDATION ??= 'false';
  fs.rmSync(outdir, { recursive: true, force: true });
  await opts.build(outdir);
  fs.writeFileSync(stampFile, hash);
  return { outdir, synthesized: true };
}

/**
 * The source hash the assembly in `outdir` was synthesized from: the version a release deploys.
 * Read from disk each time, since `npm run release` re-synthesizes cdk.out while the cloud runs.
 */
export function assemblyVersion(outdir: string): string {
  return fs.readFileSync(path.join(outdir, STAMP), 'utf8').trim();
}
