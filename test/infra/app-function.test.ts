/**
 * AppFunction's bundling: what reaches Lambda (and the cold start) for one function. Bundles a
 * real entry with esbuild, as `cdk synth` does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppFunction } from '../../infra/constructs/app-function';
import { withoutCfnValidation } from '../support/infra/synth';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-app-function-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Synthesizes one AppFunction in its own cloud assembly and returns its bundled code directory. */
function bundle(entry: string, handler: string): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outdir, 'assembly-')) });
  new AppFunction(new Stack(app, 'BundleTest'), 'Fn', { entry, handler });
  const assembly = withoutCfnValidation(() => app.synth());
  const assets = fs
    .readdirSync(assembly.directory)
    .filter((name) => name.startsWith('asset.') && fs.existsSync(path.join(assembly.directory, name, 'index.js')));
  expect(assets).toHaveLength(1);
  return path.join(assembly.directory, assets[0] as string);
}

describe('AppFunction bundling', () => {
  it('bundles only what the entry imports: a step that calls no AWS service carries no AWS SDK', () => {
    const dir = bundle('functions/onboarding-steps/validate-registration.ts', 'validateRegistration');

    const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
    // No AWS SDK module in it (the X-Ray SDK only names the SDK in strings).
    expect(map.sources.filter((source) => source.includes('node_modules/@aws-sdk/'))).toEqual([]);
    // What it does carry is its telemetry (Powertools, with the X-Ray SDK): within the 1 MB bundle budget.
    expect(code.length).toBeLessThan(1024 * 1024);
    // The X-Ray SDK's `semver` is the bundles' small stand-in (bundling/aliases.ts), not the package.
    expect(map.sources.filter((source) => source.includes('node_modules/semver/'))).toEqual([]);
    expect(map.sources.some((source) => source.endsWith('bundling/semver-gte.ts'))).toBe(true);
  }, 60_000);

  it('minifies, and writes a source map without embedded sources (Node parses it at every cold start)', () => {
    const dir = bundle('functions/onboarding-steps/activate-tenant.ts', 'activateTenant');

    const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(code.split('\n').length).toBeLessThan(200);
    expect(map.sourcesContent).toBeUndefined();
    // DynamoDB and EventBridge (its lifecycle events) only, from the SDK's tree-shaken ES module
    // builds, never the CommonJS ones.
    const sdkSources = map.sources.filter((source) => source.includes('node_modules/@aws-sdk/'));
    expect(sdkSources.length).toBeGreaterThan(0);
    expect(sdkSources.filter((source) => source.includes('/dist-cjs/'))).toEqual([]);
    expect(sdkSources.filter((source) => /@aws-sdk\/client-(?!dynamodb|eventbridge)/.test(source))).toEqual([]);
    expect(code.length).toBeLessThan(1024 * 1024);
  }, 60_000);
});
