/**
 * Builds a function entry (or the tenant-context layer) twice with the settings the product uses
 * (APP_FUNCTION_BUNDLING, layerBuildOptions): as deployed, and with the observability module
 * replaced by the bench's no-op of the same API. Everything else — sources, esbuild version and
 * options, the AWS SDK — is the same, so the difference between the two is the instrumentation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { APP_FUNCTION_BUNDLING, REPO_ROOT } from '../../infra/constructs/app-function';
import { BUNDLE_ALIASES } from '../../infra/constructs/bundling/aliases';
import { layerBuildOptions } from '../../infra/constructs/tenant-context-layer';

export type Variant = 'with' | 'without';

const OBSERVABILITY = path.join(REPO_ROOT, 'layers', 'tenant-context', 'observability');
const NOOP = path.join(__dirname, 'observability-noop.ts');

/** Resolves every import of layers/tenant-context/observability to the no-op module. */
const withoutObservability: Plugin = {
  name: 'without-observability',
  setup(build) {
    build.onResolve({ filter: /observability$/ }, (args) =>
      path.resolve(args.resolveDir, args.path) === OBSERVABILITY ? { path: NOOP } : undefined,
    );
  },
};

/** NodejsFunction's bundling settings as esbuild build options (what CDK passes to the esbuild CLI). */
export function appFunctionBuildOptions(entry: string, outfile: string): BuildOptions {
  const b = APP_FUNCTION_BUNDLING;
  return {
    entryPoints: [path.join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    mainFields: [...b.mainFields],
    target: b.target,
    external: [...b.externalModules],
    alias: { ...BUNDLE_ALIASES },
    logLevel: 'error',
  };
}

async function build(options: BuildOptions, variant: Variant): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({ ...options, plugins: variant === 'without' ? [withoutObservability] : [] });
}

/** Bundles `entry` (relative to the repository root) into `<dir>/index.js`. */
export async function buildFunctionVariant(entry: string, dir: string, variant: Variant): Promise<string> {
  const outfile = path.join(dir, 'index.js');
  await build(appFunctionBuildOptions(entry, outfile), variant);
  return outfile;
}

/** Bundles the tenant-context layer into `dir` (`nodejs/node_modules/...`). */
export async function buildLayerVariant(dir: string, variant: Variant): Promise<string> {
  const options = layerBuildOptions(dir);
  await build(options, variant);
  return options.outfile as string;
}

/** Size of a file and of its source map (0 when absent), in bytes. */
export function sizesOf(file: string): { bytes: number; mapBytes: number } {
  const map = `${file}.map`;
  return { bytes: fs.statSync(file).size, mapBytes: fs.existsSync(map) ? fs.statSync(map).size : 0 };
}
