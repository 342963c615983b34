/**
 * The bundles' aliases (infra/constructs/bundling/aliases.ts) stand in for whole packages with a
 * sliver of them: these tests fail when a bundled dependency starts using a part the stand-in
 * does not have, and when the stand-in answers differently from the package it replaces.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES } from '../../../infra/constructs/bundling/aliases';
import * as standIn from '../../../infra/constructs/bundling/semver-gte';
import { layerBuildOptions } from '../../../infra/constructs/tenant-context-layer';

/** The `semver` the X-Ray SDK itself resolves (it is no dependency of tenantflow's own). */
const semver = createRequire(require.resolve('aws-xray-sdk-core'))('semver') as {
  gte(a: string, b: string): boolean;
};

/** The files of a build (without the aliases) that import `name`, read from esbuild's metafile. */
async function importersOf(name: string): Promise<string[]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-aliases-'));
  try {
    const { alias: _alias, ...options } = layerBuildOptions(outdir);
    const result = await esbuild.build({ ...options, write: false, metafile: true, sourcemap: false });
    return Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((imported) => imported.original === name))
      .map(([file]) => file);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('bundle aliases', () => {
  it('covers every function of semver that a bundled dependency calls', async () => {
    expect(Object.keys(BUNDLE_ALIASES)).toContain('semver');
    const importers = await importersOf('semver');
    // aws-xray-sdk-core's SDK v2 patcher is the reason for the alias; if it goes, so can the alias.
    expect(importers.some((file) => file.includes('aws-xray-sdk-core'))).toBe(true);
    for (const file of importers) {
      const source = fs.readFileSync(file, 'utf8');
      const bindings = [...source.matchAll(/(\w+)\s*=\s*require\(['"]semver['"]\)/g)].map((match) => match[1]);
      expect(bindings.length, `${file} imports semver in a way this test does not read`).toBeGreaterThan(0);
      for (const binding of bindings) {
        const used = [...source.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g'))].map((match) => match[1]);
        for (const name of used) expect(Object.keys(standIn), `${file} calls semver.${name}`).toContain(name);
      }
    }
  });

  it('orders versions as semver does, pre-releases and build metadata included', () => {
    const versions = [
      '2.7.15',
      '2.7.14',
      '2.7.16',
      '2.8.0',
      '2.10.0',
      '3.0.0',
      '10.0.0',
      '2.7.15-beta.1',
      '2.7.15-beta.2',
      '2.7.15-beta.10',
      '2.7.15-alpha',
      '2.7.15-1',
      '2.7.15+build.5',
      'v2.1691.0',
    ];
    for (const a of versions)
      for (const b of versions) expect(standIn.gte(a, b), `gte(${a}, ${b})`).toBe(semver.gte(a, b));
  });

  it('refuses what is not a version, as semver does', () => {
    expect(() => standIn.gte('not a version', '1.0.0')).toThrow(TypeError);
    expect(() => semver.gte('not a version', '1.0.0')).toThrow(TypeError);
  });
});
