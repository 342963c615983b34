/**
 * Builds the web apps (console/dist) with Vite, skipping the build when nothing that goes into
 * it has changed since the last one — the same source-hash cache `local/synth.ts` uses for
 * cdk.out, so a warm `npm start` does not pay for a front-end build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceHash } from '../scripts/lib/source-hash';

export const CONSOLE_DIR = __dirname;
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const REPO_ROOT = path.resolve(CONSOLE_DIR, '..');
/** The console's own sources plus the contract it imports (tier catalog, state names, schemas' types, the parsers). */
const SOURCES = [
  'console/src',
  'console/index.html',
  'console/signup',
  'console/app',
  'console/vite.config.mts',
  'contracts',
  // Served next to the apps at /openapi/*.json (locally and by CloudFront), as built.
  'docs/openapi',
  'package-lock.json',
];
const STAMP = '.console-source-hash';

/** Returns the built site directory, building it first if its sources changed. */
export async function buildConsole(
  opts: { force?: boolean } = {},
): Promise<{ dir: string; built: boolean; ms: number }> {
  const started = Date.now();
  // "production" in the stamp: builds stamped before NODE_ENV was pinned were development builds.
  const hash = `${sourceHash(REPO_ROOT, SOURCES)}:production`;
  const stampFile = path.join(CONSOLE_DIST, STAMP);
  if (!opts.force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) {
    return { dir: CONSOLE_DIST, built: false, ms: Date.now() - started };
  }
  // Vite is ESM-only; a dynamic import loads it from this CommonJS module.
  const { build } = await import('vite');
  // Vite builds for whatever NODE_ENV says, and vitest sets it to "test": a build made by the
  // test setup would ship React's development build (~65 KB gzip more, dev-only warnings), and
  // the stamp would then serve it to `npm start` too. The apps are always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(CONSOLE_DIR, 'vite.config.mts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  fs.cpSync(path.join(REPO_ROOT, 'docs/openapi'), path.join(CONSOLE_DIST, 'openapi'), { recursive: true });
  fs.writeFileSync(stampFile, hash);
  return { dir: CONSOLE_DIST, built: true, ms: Date.now() - started };
}
