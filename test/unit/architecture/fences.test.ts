/**
 * The fences of the layout (docs/architecture.md), held by reading every import of the sources:
 * a new import across a fence, or a new import cycle, fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, REPO_ROOT } from '../../support/import-graph';

const graph = importGraph();
const PRODUCT = ['contracts/', 'infra/', 'workflows/', 'functions/', 'authorizer/', 'layers/', 'console/src/'];
const isTest = (file: string) => /\.test\.tsx?$/.test(file);
/** local/'s wiring: the one module that knows tenantflow (and its start-up entry and synthesis). */
const LOCAL_WIRING = ['local/cloud.ts', 'local/start.ts', 'local/synth.ts'];

const importsWhere = (from: (file: string) => boolean, to: (target: string) => boolean) =>
  [...graph].flatMap(([file, targets]) =>
    from(file) ? targets.filter(to).map((target) => `${file} → ${target}`) : [],
  );

describe('the fences', () => {
  it('product code never imports the local cloud', () => {
    const product = (file: string) => PRODUCT.some((dir) => file.startsWith(dir));
    expect(importsWhere(product, (target) => target.startsWith('local/'))).toEqual([]);
  });

  it('the web apps import only the contract and themselves', () => {
    const outside = (target: string) => !target.startsWith('console/') && !target.startsWith('contracts/');
    expect(importsWhere((file) => file.startsWith('console/src/'), outside)).toEqual([]);
  });

  it('the contract imports nothing of ours and no AWS SDK', () => {
    expect(
      importsWhere(
        (file) => file.startsWith('contracts/'),
        (target) => !target.startsWith('contracts/'),
      ),
    ).toEqual([]);
    const sdkImports = [...graph.keys()]
      .filter((file) => file.startsWith('contracts/'))
      .flatMap((file) =>
        ts
          .preProcessFile(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), true, true)
          .importedFiles.filter((imported) => /^(@aws-sdk\/|aws-cdk-lib|aws-lambda$)/.test(imported.fileName))
          .map((imported) => `${file} → ${imported.fileName}`),
      );
    expect(sdkImports).toEqual([]);
  });

  it('the emulators import only the local cloud and the contract; one wiring module knows tenantflow', () => {
    const emulator = (file: string) => file.startsWith('local/') && !isTest(file) && !LOCAL_WIRING.includes(file);
    const outside = (target: string) => !target.startsWith('local/') && !target.startsWith('contracts/');
    expect(importsWhere(emulator, outside)).toEqual([]);
  });

  it('only the module named for it reads the local cloud’s endpoint variables in product code', () => {
    const readers = [...graph.keys()]
      .filter((file) => PRODUCT.some((dir) => file.startsWith(dir)) && !isTest(file))
      .filter((file) =>
        /['"]AWS_ENDPOINT_URL|\.AWS_ENDPOINT_URL/.test(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')),
      );
    expect(readers).toEqual(['functions/shared/local-cloud-endpoints.ts']);
  });

  it('has no import cycle anywhere', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

describe('importCycles', () => {
  it('finds a cycle of two and one of three, and no cycle in a chain', () => {
    const cycles = importCycles(
      new Map([
        ['a', ['b']],
        ['b', ['a']],
        ['c', ['d']],
        ['d', ['e']],
        ['e', ['c']],
        ['f', ['g']],
        ['g', []],
      ]),
    );
    expect(cycles).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });
});
