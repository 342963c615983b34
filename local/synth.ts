/**
 * Synthesizes the CDK app into cdk.out (the same cloud assembly `cdk synth` writes), skipping
 * the work when nothing that goes into it has changed since the last synthesis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceHash } from './source-hash';

export const REPO_ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['contracts', 'infra', 'functions', 'authorizer', 'layers', 'workflows'];
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const STAMP = '.tenantflow-source-hash';

/** Returns the cloud assembly directory, synthesizing if the sources changed. */
export async function synthesize(
  outdir = path.join(REPO_ROOT, 'cdk.out'),
): Promise<{ outdir: string; synthesized: boolean }> {
  const hash = sourceHash(REPO_ROOT, [...SOURCE_DIRS, ...SOURCE_FILES]);
  const stampFile = path.join(outdir, STAMP);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) return { outdir, synthesized: false };
  // The WASM CloudFormation validation adds seconds and checks nothing the deployer needs.
  process.env.CDK_VALIDATION ??= 'false';
  const { buildApp } = await import('../infra/app');
  fs.rmSync(outdir, { recursive: true, force: true });
  buildApp({ outdir }).synth();
  fs.writeFileSync(stampFile, hash);
  return { outdir, synthesized: true };
}
