/**
 * Synthesizes the CDK app into cdk.out (the same cloud assembly `cdk synth` writes), skipping
 * the work when nothing that goes into it has changed since the last synthesis.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['infra', 'functions', 'authorizer', 'layers', 'workflows'];
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const STAMP = '.tenantflow-source-hash';

function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (file: string) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file).sort()) visit(path.join(file, entry));
    } else {
      hash.update(path.relative(REPO_ROOT, file));
      hash.update(fs.readFileSync(file));
    }
  };
  for (const entry of [...SOURCE_DIRS, ...SOURCE_FILES]) {
    const full = path.join(REPO_ROOT, entry);
    if (fs.existsSync(full)) visit(full);
  }
  return hash.digest('hex');
}

/** Returns the cloud assembly directory, synthesizing if the sources changed. */
export async function synthesize(outdir = path.join(REPO_ROOT, 'cdk.out')): Promise<{ outdir: string; synthesized: boolean }> {
  const hash = sourceHash();
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
