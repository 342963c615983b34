/**
 * Item 6: cold start proxies per function bundle — bundle size (the minified esbuild output CDK
 * deploys) and the time to import the handler module in a fresh Node process, plus what the
 * biggest bundle is made of (from its source map: bytes of output per package).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalFunction } from '../../local/lambda/runtime';
import { coldRequire } from '../lib/cold-require';
import { type Summary, summarize } from '../lib/stats';

export interface BundleResult {
  readonly functions: string[];
  readonly codeDir: string;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  readonly layerBytes: number;
  /** require() of the handler file in a fresh `node`, ms. */
  readonly importMs: Summary;
  /** The same with `--enable-source-maps`, which the template sets in NODE_OPTIONS (as deployed). */
  readonly importWithSourceMapsMs: Summary;
}

export interface ColdStartResult {
  readonly bundles: BundleResult[];
  readonly biggest: {
    readonly codeDir: string;
    readonly contributors: Array<{ name: string; bytes: number; share: number }>;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = B64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function packageOf(source: string): string {
  const match = source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (match) return (match.at(-1) as string).replace('node_modules/', '');
  const parts = source.replace(/^(\.\.\/)+/, '').split('/');
  return `(app) ${parts.slice(0, 2).join('/')}`;
}

/** Bytes of generated code per package, attributed through the source map's mappings. */
export function contributors(codeFile: string): Array<{ name: string; bytes: number; share: number }> {
  const mapFile = `${codeFile}.map`;
  const code = fs.readFileSync(codeFile, 'utf8');
  if (!fs.existsSync(mapFile)) return [{ name: '(no source map)', bytes: Buffer.byteLength(code), share: 1 }];
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string };
  const lines = code.split('\n');
  const bytes = new Map<string, number>();
  let source = 0;
  const mappingLines = map.mappings.split(';');
  for (let lineNo = 0; lineNo < mappingLines.length; lineNo++) {
    const lineLength = lines[lineNo]?.length ?? 0;
    let column = 0;
    const segments = (mappingLines[lineNo] as string).split(',').filter(Boolean);
    const starts: Array<{ column: number; source: number | undefined }> = [];
    for (const segment of segments) {
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        // original line/column (fields 2, 3) are relative too, but not needed here
        starts.push({ column, source });
      } else starts.push({ column, source: undefined });
    }
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i] as { column: number; source: number | undefined };
      const end = starts[i + 1]?.column ?? lineLength;
      const name = start.source === undefined ? '(unmapped)' : packageOf(map.sources[start.source] ?? '?');
      bytes.set(name, (bytes.get(name) ?? 0) + Math.max(0, end - start.column));
    }
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0) || 1;
  return [...bytes].map(([name, n]) => ({ name, bytes: n, share: n / total })).sort((a, b) => b.bytes - a.bytes);
}

function handlerFile(key: string): string {
  const base = key.split('|')[0] as string;
  return fs.existsSync(`${base}.js`) ? `${base}.js` : `${base}.mjs`;
}

function fileSize(key: string): number {
  return fs.existsSync(handlerFile(key)) ? fs.statSync(handlerFile(key)).size : 0;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

function importOnce(file: string, fn: LocalFunction, sourceMaps: boolean): number {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) if (key !== 'NODE_OPTIONS') env[key] = value;
  env.NODE_PATH = fn.layerDirs.map((dir) => path.join(dir, 'nodejs', 'node_modules')).join(path.delimiter);
  return coldRequire(file, env, sourceMaps).wallMs;
}

export function benchColdStart(
  functions: readonly LocalFunction[],
  opts: { repeats: number; maxBundles?: number },
): ColdStartResult {
  const byBundle = new Map<string, { fn: LocalFunction; names: string[] }>();
  for (const fn of functions) {
    const file = path.join(fn.codeDir, fn.handler.slice(0, fn.handler.lastIndexOf('.')));
    const key = `${file}|${fn.layerDirs.join(',')}`;
    const short = fn.functionName.replace(/^tenantflow-/, '').replace(/Function[0-9A-F]{8}$/, '');
    const entry = byBundle.get(key);
    if (entry) entry.names.push(short);
    else byBundle.set(key, { fn, names: [short] });
  }
  const bundles: BundleResult[] = [];
  // Biggest first, so a bounded run (maxBundles) still covers the one that matters most.
  const ordered = [...byBundle]
    .sort(([a], [b]) => fileSize(b) - fileSize(a))
    .slice(0, opts.maxBundles ?? Number.POSITIVE_INFINITY);
  for (const [key, { fn, names }] of ordered) {
    const file = handlerFile(key);
    const plain: number[] = [];
    const mapped: number[] = [];
    // Interleaved, so load on the machine hits both variants alike.
    for (let r = 0; r < opts.repeats; r++) {
      plain.push(importOnce(file, fn, false));
      mapped.push(importOnce(file, fn, true));
    }
    bundles.push({
      functions: names,
      codeDir: fn.codeDir,
      bundleBytes: fs.statSync(file).size,
      sourceMapBytes: fs.existsSync(`${file}.map`) ? fs.statSync(`${file}.map`).size : 0,
      layerBytes: fn.layerDirs.reduce((sum, dir) => sum + dirBytes(dir), 0),
      importMs: summarize(plain),
      importWithSourceMapsMs: summarize(mapped),
    });
  }
  bundles.sort((a, b) => b.bundleBytes - a.bundleBytes);
  const biggest = bundles[0];
  const biggestFile = biggest ? path.join(biggest.codeDir, 'index.js') : '';
  return {
    bundles,
    biggest: {
      codeDir: biggest ? path.basename(biggest.codeDir) : '',
      contributors: biggest && fs.existsSync(biggestFile) ? contributors(biggestFile).slice(0, 8) : [],
    },
  };
}
