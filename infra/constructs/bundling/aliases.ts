/**
 * esbuild aliases of every bundle (functions and the tenant-context layer): packages a bundled
 * dependency loads in full but tenantflow needs a sliver of, replaced by a small local module.
 * Each is guarded by a test that fails when the dependency starts using more of the package.
 */
import * as path from 'node:path';

/** Package name → the module bundled in its place. */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  semver: path.join(__dirname, 'semver-gte.ts'),
};

/** The same aliases as esbuild CLI arguments (what NodejsFunction's `esbuildArgs` passes on). */
export function aliasArgs(): Record<string, string> {
  return Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([name, file]) => [`--alias:${name}`, file]));
}
