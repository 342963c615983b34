/**
 * Issue 12's quality bar: what the instrumentation (layers/tenant-context/observability.ts:
 * Powertools Logger, Tracer with aws-xray-sdk-core, Metrics) costs, against the same code
 * without it.
 *
 * "Without" is the same entry bundled with the same esbuild settings, the observability module
 * replaced by a no-op of the same API (bench/lib/bundle-variants.ts); functions that get it from
 * the tenant-context layer get a layer rebuilt the same way. Per bundle: size, and cold
 * `require()` in fresh processes (plain and with `--enable-source-maps`, as deployed) in a Lambda
 * environment (the template's variables plus those the Lambda runtime sets for tracing, without
 * which Powertools Tracer turns itself off), the two variants interleaved.
 *
 * Per request: GET /products as the tenant API function sees it — the events the gateway built
 * for each tenant, invoked through the local Lambda runtime (worker thread, trace header, X-Ray
 * daemon, log capture, the real DynamoDB emulator) on twin functions that differ only in the
 * bundle, in alternating blocks. A second no-op twin gives the noise floor (the same code measured
 * twice). A second pair is invoked as X-Ray's unsampled requests (`Sampled=0`): the local Lambda
 * samples every request of an Active function, X-Ray's default rule 1 a second and 5 % of the rest. The gateway is left out: its round trip (p50 ~9 ms, p95 ~13 ms here) varies by more
 * than the 0.5 ms the bar is about, and the authorizer (a cache hit) does not run per request.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/app-function';
import type { LocalCloud, LocalEndpoints } from '../../local/cloud';
import type { LocalFunction } from '../../local/lambda/runtime';
import { type LambdaTracing, tracingEnvironmentOf } from '../../local/lambda/tracing';
import { formatTraceHeader, newTraceId } from '../../local/xray/trace-header';
import { type AdminSession, at, http } from '../../test/support/client';
import { buildFunctionVariant, buildLayerVariant, sizesOf, type Variant } from '../lib/bundle-variants';
import { coldRequire } from '../lib/cold-require';
import { type CloudProbe, captureProxyEvents } from '../lib/probe';
import { median, type Summary, summarize } from '../lib/stats';

export interface VariantImport {
  readonly bytes: number;
  readonly mapBytes: number;
  /** Cold require, wall clock, without / with `--enable-source-maps`. */
  readonly importMs: Summary;
  readonly importWithSourceMapsMs: Summary;
  /** CPU time of the same requires (with source maps): steadier than wall time on a busy machine. */
  readonly importCpuWithSourceMapsMs: Summary;
}

export interface BundleOverhead {
  readonly entry: string;
  readonly functions: string[];
  /** Whether the function gets the instrumentation from the tenant-context layer (sizes then include the layer). */
  readonly viaLayer: boolean;
  /** The deployed bundle's size, to check the bench's own "with" build against it. */
  readonly deployedBytes: number;
  readonly with: VariantImport;
  readonly without: VariantImport;
  /** Median of the per-repeat differences (with − without), ms. */
  readonly addedImportMs: number;
  readonly addedImportWithSourceMapsMs: number;
  readonly addedImportCpuWithSourceMapsMs: number;
}

export interface RequestVariant {
  readonly latency: Summary;
}

export interface InstrumentationResult {
  readonly bundles: BundleOverhead[];
  /** The same "without" bundle measured as if it were the other variant: the import noise floor, ms (as deployed). */
  readonly importNoiseFloorMs: number;
  readonly requests: {
    readonly route: string;
    readonly tenants: number;
    readonly with: RequestVariant;
    readonly without: RequestVariant;
    readonly withoutAgain: RequestVariant;
    readonly addedP50Ms: number;
    readonly addedP95Ms: number;
    /** |p50(without) − p50(without, second twin)|: differences below it are not resolved. */
    readonly noiseFloorP50Ms: number;
    /**
     * The same pair invoked with `Sampled=0` (X-Ray did not sample the request): the function
     * then builds its subsegments but sends none. The local Lambda samples every request of an
     * Active function; X-Ray's default rule samples the first request each second and 5 % of the
     * rest, so on AWS most requests of a busy function cost this. Absent in older results.
     */
    readonly unsampled?: {
      readonly with: RequestVariant;
      readonly without: RequestVariant;
      readonly addedP50Ms: number;
      readonly addedP95Ms: number;
    };
  };
}

export interface InstrumentationOptions {
  /** Cold requires per variant and mode. */
  readonly repeats: number;
  readonly maxBundles?: number;
  /** GET /products invocations per variant. */
  readonly requests: number;
  /** Invocations of one variant before switching to the next. */
  readonly block: number;
}

/** Asset hash (the `asset.<hash>` directory the code was unpacked from) → the entry AppFunction recorded in the template. */
function entriesByAsset(assemblyDir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const templates = fs
    .readdirSync(assemblyDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.template.json'));
  for (const file of templates) {
    const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')) as {
      Resources?: Record<
        string,
        { Type: string; Metadata?: Record<string, unknown>; Properties?: { Code?: { S3Key?: unknown } } }
      >;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
      const key = resource.Properties?.Code?.S3Key;
      if (resource.Type === 'AWS::Lambda::Function' && typeof entry === 'string' && typeof key === 'string')
        entries.set(key.replace(/\.zip$/, ''), entry);
    }
  }
  return entries;
}

const assetOf = (dir: string) => path.basename(dir).match(/asset\.([0-9a-f]+)/)?.[1] ?? '';

/** The environment of a cold start on Lambda: the template's, the runtime's tracing variables, the layer path. */
function lambdaEnvironment(fn: LocalFunction, daemonAddress: string, layerDir?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) if (key !== 'NODE_OPTIONS') env[key] = value;
  Object.assign(env, tracingEnvironmentOf(fn, { daemonAddress } as LambdaTracing), {
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    NODE_PATH: layerDir ? path.join(layerDir, 'nodejs', 'node_modules') : '',
  });
  return env;
}

const pairedMedian = (a: readonly number[], b: readonly number[]) => median(a.map((value, i) => value - (b[i] ?? 0)));

/** Measures the instrumentation's cost per bundle (size, cold import) and per tenant API request. */
export async function benchInstrumentation(
  cloud: LocalCloud,
  probe: CloudProbe,
  sessions: readonly AdminSession[],
  opts: InstrumentationOptions,
): Promise<InstrumentationResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-instrumentation-'));
  try {
    const endpoints = JSON.parse(fs.readFileSync(cloud.endpointsFile, 'utf8')) as LocalEndpoints;
    // The X-Ray API's port is also the daemon's (UDP).
    const daemonAddress = new URL(endpoints.xray).host;
    const layers = {
      with: path.join(work, 'layer-with'),
      without: path.join(work, 'layer-without'),
    } satisfies Record<Variant, string>;
    for (const variant of ['with', 'without'] as const) await buildLayerVariant(layers[variant], variant);

    // One measurement per entry (functions of one entry share a bundle).
    const entries = entriesByAsset(endpoints.assemblyDir);
    const groups = new Map<string, { fn: LocalFunction; names: string[] }>();
    for (const fn of probe.functions().sort((a, b) => a.functionName.localeCompare(b.functionName))) {
      const entry = entries.get(assetOf(fn.codeDir));
      if (!entry) continue;
      const short = fn.functionName.replace(/^tenantflow-/, '').replace(/Function[0-9A-F]{8}$/, '');
      const group = groups.get(entry);
      if (group) group.names.push(short);
      else groups.set(entry, { fn, names: [short] });
    }
    if (groups.size === 0)
      throw new Error(`no function of ${endpoints.assemblyDir} names its entry (${ENTRY_METADATA_KEY})`);
    const deployedSize = (fn: LocalFunction) => fs.statSync(path.join(fn.codeDir, 'index.js')).size;
    const ordered = [...groups].sort(([, a], [, b]) => deployedSize(b.fn) - deployedSize(a.fn));

    const bundles: BundleOverhead[] = [];
    const noise: number[] = [];
    for (const [entry, { fn, names }] of ordered.slice(0, opts.maxBundles ?? Number.POSITIVE_INFINITY)) {
      const viaLayer = fn.layerDirs.length > 0;
      const dirs = {
        with: path.join(work, `${bundles.length}-with`),
        without: path.join(work, `${bundles.length}-without`),
      };
      const files = {
        with: await buildFunctionVariant(entry, dirs.with, 'with'),
        without: await buildFunctionVariant(entry, dirs.without, 'without'),
      };
      const samples = {
        with: { plain: [] as number[], mapped: [] as number[], cpu: [] as number[] },
        without: { plain: [] as number[], mapped: [] as number[], cpu: [] as number[] },
      };
      const envOf = (variant: Variant) => lambdaEnvironment(fn, daemonAddress, viaLayer ? layers[variant] : undefined);
      const aa: number[] = [];
      for (let r = 0; r < opts.repeats; r++) {
        // Interleaved (and the order alternated), so load on the machine hits both variants alike.
        const order: Variant[] = r % 2 ? ['without', 'with'] : ['with', 'without'];
        for (const variant of order) {
          const plain = coldRequire(files[variant], envOf(variant), false);
          const mapped = coldRequire(files[variant], envOf(variant), true);
          samples[variant].plain.push(plain.wallMs);
          samples[variant].mapped.push(mapped.wallMs);
          samples[variant].cpu.push(mapped.cpuMs);
        }
        aa.push(coldRequire(files.without, envOf('without'), true).wallMs);
      }
      noise.push(Math.abs(pairedMedian(aa, samples.without.mapped)));
      const layerSizes = (variant: Variant) =>
        viaLayer
          ? sizesOf(path.join(layers[variant], 'nodejs', 'node_modules', '@tenantflow', 'tenant-context', 'index.js'))
          : { bytes: 0, mapBytes: 0 };
      const variantOf = (variant: Variant): VariantImport => {
        const own = sizesOf(files[variant]);
        const layer = layerSizes(variant);
        return {
          bytes: own.bytes + layer.bytes,
          mapBytes: own.mapBytes + layer.mapBytes,
          importMs: summarize(samples[variant].plain),
          importWithSourceMapsMs: summarize(samples[variant].mapped),
          importCpuWithSourceMapsMs: summarize(samples[variant].cpu),
        };
      };
      bundles.push({
        entry,
        functions: names,
        viaLayer,
        deployedBytes: deployedSize(fn),
        with: variantOf('with'),
        without: variantOf('without'),
        addedImportMs: pairedMedian(samples.with.plain, samples.without.plain),
        addedImportWithSourceMapsMs: pairedMedian(samples.with.mapped, samples.without.mapped),
        addedImportCpuWithSourceMapsMs: pairedMedian(samples.with.cpu, samples.without.cpu),
      });
    }

    const requests = await benchRequests(cloud, probe, sessions, { layers, work, entries }, opts);
    return { bundles, importNoiseFloorMs: median(noise), requests };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** GET /products on twin functions that differ only in the instrumentation, alternating blocks. */
async function benchRequests(
  cloud: LocalCloud,
  probe: CloudProbe,
  sessions: readonly AdminSession[],
  built: { layers: Record<Variant, string>; work: string; entries: ReadonlyMap<string, string> },
  opts: InstrumentationOptions,
): Promise<InstrumentationResult['requests']> {
  const products = probe.pooledProducts();
  // Every tenant has at least one product to list (the request suite adds more when it ran first).
  for (const session of sessions) {
    const created = await http('POST', at(session.config.apiUrl, '/products'), {
      token: session.idToken,
      body: { name: 'instrumented product', price: 10, sku: 'SKU-I', category: 'bench' },
    });
    if (created.status !== 201 && created.status !== 200) throw new Error(`create product: ${created.status}`);
  }
  const events = await captureProxyEvents(probe, sessions, products.functionName, '/products');
  const lambda = cloud.services.lambda;
  const { layers, work } = built;
  const entry = built.entries.get(assetOf(products.codeDir));
  if (!entry) throw new Error(`the products function names no entry (${ENTRY_METADATA_KEY})`);
  const code = {
    with: path.dirname(await buildFunctionVariant(entry, path.join(work, 'products-with'), 'with')),
    without: path.dirname(await buildFunctionVariant(entry, path.join(work, 'products-without'), 'without')),
  };
  const twins = {
    with: {
      ...products,
      functionName: `${products.functionName}-instrumented`,
      codeDir: code.with,
      layerDirs: [layers.with],
    },
    without: {
      ...products,
      functionName: `${products.functionName}-bare`,
      codeDir: code.without,
      layerDirs: [layers.without],
    },
    withoutAgain: {
      ...products,
      functionName: `${products.functionName}-bare2`,
      codeDir: code.without,
      layerDirs: [layers.without],
    },
    withUnsampled: {
      ...products,
      functionName: `${products.functionName}-instrumented-unsampled`,
      codeDir: code.with,
      layerDirs: [layers.with],
    },
    withoutUnsampled: {
      ...products,
      functionName: `${products.functionName}-bare-unsampled`,
      codeDir: code.without,
      layerDirs: [layers.without],
    },
  } satisfies Record<string, LocalFunction>;
  const names = Object.keys(twins) as Array<keyof typeof twins>;
  const unsampled = new Set<keyof typeof twins>(['withUnsampled', 'withoutUnsampled']);
  for (const twin of Object.values(twins)) lambda.register(twin);
  const latencies = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    keyof typeof twins,
    number[]
  >;
  const recording = probe.recording;
  probe.recording = false;
  try {
    let next = 0;
    const invoke = async (name: keyof typeof twins) => {
      const t0 = performance.now();
      // As a caller whose request X-Ray did not sample (the gateway passes its decision on).
      const options = unsampled.has(name)
        ? { traceHeader: formatTraceHeader({ root: newTraceId(), sampled: false }) }
        : {};
      const result = (await lambda.invoke(twins[name].functionName, events[next++ % events.length], options)) as {
        statusCode?: number;
      };
      if (result?.statusCode !== 200) throw new Error(`${twins[name].functionName} returned ${result?.statusCode}`);
      return performance.now() - t0;
    };
    // Warm every twin (cold start and the first SDK calls are not per-request costs).
    for (const name of names) for (let i = 0; i < Math.min(20, opts.block); i++) await invoke(name);
    for (let block = 0; latencies.with.length < opts.requests; block++) {
      const order = block % 2 ? [...names].reverse() : names;
      for (const name of order) for (let i = 0; i < opts.block; i++) latencies[name].push(await invoke(name));
    }
  } finally {
    probe.recording = recording;
    for (const twin of Object.values(twins)) lambda.unregister(twin.functionName);
  }
  const summary = {
    with: summarize(latencies.with),
    without: summarize(latencies.without),
    withoutAgain: summarize(latencies.withoutAgain),
    withUnsampled: summarize(latencies.withUnsampled),
    withoutUnsampled: summarize(latencies.withoutUnsampled),
  };
  return {
    route: 'GET /products',
    tenants: events.length,
    with: { latency: summary.with },
    without: { latency: summary.without },
    withoutAgain: { latency: summary.withoutAgain },
    addedP50Ms: summary.with.median - summary.without.median,
    addedP95Ms: summary.with.p95 - summary.without.p95,
    noiseFloorP50Ms: Math.abs(summary.without.median - summary.withoutAgain.median),
    unsampled: {
      with: { latency: summary.withUnsampled },
      without: { latency: summary.withoutUnsampled },
      addedP50Ms: summary.withUnsampled.median - summary.withoutUnsampled.median,
      addedP95Ms: summary.withUnsampled.p95 - summary.withoutUnsampled.p95,
    },
  };
}
