/**
 * Builds the web apps (console/dist) with Vite, skipping the build when nothing that goes into
 * it has changed since the last one — the same source-hash cache `local/synth.ts` uses for
 * cdk.out, so a warm `npm start` does not pay for a front-end build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceHash } from '../local/source-hash';

export const CONSOLE_DIR = __dirname;
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const REPO_ROOT = path.resolve(CONSOLE_DIR, '..');
/** The console's own sources plus what it imports from elsewhere (the tier catalog, state names). */
const SOURCES = [
  'console/src',
  'console/index.html',
  'console/signup',
  'console/app',
  'console/vite.config.mts',
  'functions/shared',
  'package-lock.json',
];
const STAMP = '.console-source-hash';

/** Returns the built site directory, building it first if its sources changed. */
export async function buildConsole(
  opts: { force?: boolean } = {},
): Promise<{ dir: string; built: boolean; ms: number }> {
  const started = Date.now();
  const hash = sourceHash(REPO_ROOT, SOURCES);
  const stampFile = path.join(CONSOLE_DIST, STAMP);
  if (!opts.force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) {
    return { dir: CONSOLE_DIST, built: false, ms: Date.now() - started };
  }
  // Vite is ESM-only; a dynamic import loads it from this CommonJS module.
  const { build } = await import('vite');
  await build({ configFile: path.join(CONSOLE_DIR, 'vite.config.mts'), logLevel: 'warn' });
  fs.writeFileSync(stampFile, hash);
  return { dir: CONSOLE_DIST, built: true, ms: Date.now() - started };
}
