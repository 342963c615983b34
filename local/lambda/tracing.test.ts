import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SegmentDoc as Doc, must } from '../../test/support/local/xray';
import { type LocalXRay, startLocalXRay } from '../xray';
import type { SegmentDocument } from '../xray/segment-document';
import { formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader } from '../xray/trace-header';
import { LambdaRuntime, type LocalFunction } from './runtime';
import { startInvocationTrace } from './tracing';

/** A function instrumented as tenantflow's are: Powertools Tracer, a handler subsegment, an annotation. */
const TRACED_HANDLER = `
const { Tracer } = require('@aws-lambda-powertools/tracer');
const tracer = new Tracer({ serviceName: 'traced' });
exports.handler = async (event) => {
  const facade = tracer.getSegment();
  const sub = facade.addNewSubsegment('## index.handler');
  tracer.setSegment(sub);
  try {
    // After a pause, so that overlapping calls would annotate each other's segment in one process.
    if (event.delayMs) await new Promise((resolve) => setTimeout(resolve, event.delayMs));
    tracer.putAnnotation('tenantId', event.tenantId);
    if (event.fail) throw new TypeError('boom');
    return { header: process.env._X_AMZN_TRACE_ID, root: tracer.getRootXrayTraceId(), sampled: tracer.isTraceSampled() };
  } catch (error) {
    sub.addError(error);
    throw error;
  } finally {
    sub.close();
    tracer.setSegment(facade);
  }
};
`;

/** The traced handler behind a slow init: its module takes {@link SLOW_INIT_MS} to load. */
const SLOW_INIT_MS = 150;
const SLOW_INIT_HANDLER = `
const until = Date.now() + ${SLOW_INIT_MS};
while (Date.now() < until) {}
module.exports = require('./index');
`;

/** Reads the invoke store after a pause, so that two calls overlap. */
const STORE_HANDLER = `
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.delayMs));
  return { store: globalThis.awslambda.InvokeStore.getXRayTraceId(), env: process.env._X_AMZN_TRACE_ID };
};
`;

let dir: string;
let xray: LocalXRay;
let runtime: LambdaRuntime;
let client: XRayClient;

const fn = (name: string, tracingMode: LocalFunction['tracingMode'], handler = 'index.handler'): LocalFunction => ({
  functionName: name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  codeDir: path.join(dir, 'code'),
  handler,
  environment: { AWS_LAMBDA_FUNCTION_NAME: name },
  // The repository's node_modules as a layer: the bundle's dependencies, as Lambda finds them in /opt/nodejs.
  layerDirs: [path.join(dir, 'layer')],
  timeoutSeconds: 10,
  memorySize: 256,
  tracingMode,
});

/** The trace (its documents, and its duration as X-Ray tells it) once `until` holds (segments arrive by UDP and from the runtime). */
async function traceOf(traceId: string, until: (docs: Doc[]) => boolean): Promise<{ docs: Doc[]; duration: number }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Traces } = await client.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
    const docs = (Traces?.[0]?.Segments ?? []).map((segment) => JSON.parse(segment.Document as string));
    if (until(docs)) return { docs, duration: Traces?.[0]?.Duration ?? Number.NaN };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`trace ${traceId} incomplete`);
}

async function traceDocuments(traceId: string, until: (docs: Doc[]) => boolean): Promise<Doc[]> {
  return (await traceOf(traceId, until)).docs;
}

/** Every document of the trace, subsegments included. */
const everyDocument = (docs: readonly Doc[]): Doc[] =>
  docs.flatMap((doc) => [doc, ...everyDocument(doc.subsegments ?? [])]);

const functionSegmentOf = (docs: Doc[]) => docs.find((doc) => doc.origin === 'AWS::Lambda::Function');
const hasHandlerSubsegment = (docs: Doc[]) =>
  functionSegmentOf(docs)?.subsegments?.some((sub: Doc) => sub.name === '## index.handler') === true;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-lambda-trace-'));
  fs.mkdirSync(path.join(dir, 'code'));
  fs.writeFileSync(path.join(dir, 'code', 'index.js'), TRACED_HANDLER);
  fs.writeFileSync(path.join(dir, 'code', 'store.js'), STORE_HANDLER);
  fs.writeFileSync(path.join(dir, 'code', 'slow-init.js'), SLOW_INIT_HANDLER);
  fs.mkdirSync(path.join(dir, 'layer', 'nodejs'), { recursive: true });
  fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'layer', 'nodejs', 'node_modules'));
  xray = await startLocalXRay({ dataDir: path.join(dir, 'xray'), region: 'us-east-1', accountId: '000000000000' });
  runtime = new LambdaRuntime({ tracing: { sink: xray, daemonAddress: xray.daemonAddress } });
  runtime.register(fn('active', 'Active'));
  runtime.register(fn('passthrough', 'PassThrough'));
  runtime.register(fn('store', 'Active', 'store.handler'));
  runtime.register(fn('slow-init', 'Active', 'slow-init.handler'));
  client = new XRayClient({
    endpoint: xray.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await runtime.close();
  await xray.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the Lambda service’s tracing', () => {
  it('traces an Active function: Lambda’s two segments, the function’s subsegments under its segment', async () => {
    const result = (await runtime.invoke('active', { tenantId: 't-1' })) as { header: string; root: string };
    const header = parseTraceHeader(result.header);
    expect(header).toMatchObject({ sampled: true });
    expect(result.root).toBe(header?.root);

    const docs = await traceDocuments(result.root, hasHandlerSubsegment);
    const service = must(docs.find((doc) => doc.origin === 'AWS::Lambda'));
    const functionSegment = must(functionSegmentOf(docs));
    expect(service).toMatchObject({ name: 'active', http: { response: { status: 200 } } });
    expect(service.parent_id).toBeUndefined();
    expect(functionSegment).toMatchObject({ id: header?.parent, parent_id: service.id, name: 'active' });
    expect(functionSegment.fault).toBeUndefined();
    const names = must(functionSegment.subsegments).map((sub: Doc) => sub.name);
    expect(names).toEqual(expect.arrayContaining(['Initialization', 'Invocation', 'Overhead', '## index.handler']));
    const handler = must(functionSegment.subsegments?.find((sub: Doc) => sub.name === '## index.handler'));
    expect(handler.annotations).toMatchObject({ tenantId: 't-1' });
    expect(functionSegment.start_time).toBeGreaterThanOrEqual(service.start_time);
    expect(functionSegment.end_time).toBeLessThanOrEqual(service.end_time);
  });

  it('gives each invocation its own trace, warm or not, and marks a function error as a fault', async () => {
    const first = (await runtime.invoke('active', { tenantId: 't-2' })) as { root: string };
    await expect(runtime.invoke('active', { tenantId: 't-3', fail: true })).rejects.toMatchObject({
      name: 'TypeError',
    });
    const second = (await runtime.invoke('active', { tenantId: 't-4' })) as { root: string };
    expect(new Set([first.root, second.root]).size).toBe(2);

    const firstDocs = await traceDocuments(first.root, hasHandlerSubsegment);
    const subsegments = must(functionSegmentOf(firstDocs)?.subsegments);
    const handler = must(subsegments.find((sub: Doc) => sub.name === '## index.handler'));
    expect(handler.annotations?.tenantId).toBe('t-2');
    expect(subsegments.map((sub: Doc) => sub.name)).not.toContain('Initialization');
  });

  it('joins the caller’s trace, and records a PassThrough function only when the caller sampled', async () => {
    const root = newTraceId();
    const parent = newSegmentId();
    const joined = (await runtime.invoke(
      'passthrough',
      { tenantId: 't-5' },
      { traceHeader: formatTraceHeader({ root, parent, sampled: true }) },
    )) as { header: string; root: string };
    expect(joined.root).toBe(root);
    const docs = await traceDocuments(root, hasHandlerSubsegment);
    expect(docs.find((doc) => doc.origin === 'AWS::Lambda')?.parent_id).toBe(parent);

    const alone = (await runtime.invoke('passthrough', { tenantId: 't-6' })) as { header: string; sampled: boolean };
    expect(parseTraceHeader(alone.header)).toMatchObject({ sampled: false });
    expect(alone.sampled).toBe(false);
    const refused = (await runtime.invoke(
      'active',
      { tenantId: 't-7' },
      { traceHeader: formatTraceHeader({ root: newTraceId(), sampled: false }) },
    )) as { root: string };
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { Traces, UnprocessedTraceIds } = await client.send(
      new BatchGetTracesCommand({ TraceIds: [parseTraceHeader(alone.header)?.root as string, refused.root] }),
    );
    expect(Traces).toEqual([]);
    expect(UnprocessedTraceIds).toHaveLength(2);
  });

  it('runs overlapping calls in separate environments, each with its own trace header', async () => {
    const headers = [1, 2].map(() => formatTraceHeader({ root: newTraceId(), parent: newSegmentId(), sampled: true }));
    const [slow, fast] = (await Promise.all([
      runtime.invoke('store', { delayMs: 150 }, { traceHeader: headers[0] }),
      runtime.invoke('store', { delayMs: 0 }, { traceHeader: headers[1] }),
    ])) as { store: string; env: string }[];
    expect(parseTraceHeader(slow?.store)?.root).toBe(parseTraceHeader(headers[0])?.root);
    expect(parseTraceHeader(fast?.store)?.root).toBe(parseTraceHeader(headers[1])?.root);
    // Each environment's variable is its own invocation's, as in a Lambda environment.
    expect(slow?.env).toBe(slow?.store);
    expect(fast?.env).toBe(fast?.store);
  });

  it('puts each overlapping call’s annotation on its own trace (Powertools Tracer, one segment per environment)', async () => {
    const calls = ['t-slow', 't-fast'].map((tenantId, i) =>
      runtime.invoke('active', { tenantId, delayMs: i === 0 ? 200 : 0 }),
    );
    const [slow, fast] = (await Promise.all(calls)) as { root: string }[];

    const annotationOf = async (root: string) => {
      const docs = await traceDocuments(root, hasHandlerSubsegment);
      const handler = functionSegmentOf(docs)?.subsegments?.find((sub: Doc) => sub.name === '## index.handler');
      return handler?.annotations?.tenantId;
    };
    expect(await annotationOf(must(slow).root)).toBe('t-slow');
    expect(await annotationOf(must(fast).root)).toBe('t-fast');
  });
});

describe('the Initialization subsegment', () => {
  it('spans the code’s load inside the invocation that started the environment, right before its Invocation', async () => {
    const invokedAt = Date.now() / 1000;
    const result = (await runtime.invoke('slow-init', { tenantId: 't-cold' })) as { root: string };
    const answeredAt = Date.now() / 1000;

    const { docs, duration } = await traceOf(result.root, hasHandlerSubsegment);
    const service = must(docs.find((doc) => doc.origin === 'AWS::Lambda'));
    const subsegments = must(functionSegmentOf(docs)?.subsegments);
    const init = must(
      subsegments.find((sub: Doc) => sub.name === 'Initialization'),
      'Initialization',
    );
    const invocation = must(
      subsegments.find((sub: Doc) => sub.name === 'Invocation'),
      'Invocation',
    );
    expect(init.end_time - init.start_time).toBeGreaterThanOrEqual((SLOW_INIT_MS - 5) / 1000);
    expect(init.start_time).toBeGreaterThanOrEqual(service.start_time);
    expect(init.end_time).toBeLessThanOrEqual(invocation.start_time);
    // Milliseconds of slack: X-Ray keeps three decimals, and the worker has a clock of its own.
    expect(service.start_time).toBeGreaterThanOrEqual(invokedAt - 0.002);
    expect(duration).toBeLessThanOrEqual(answeredAt - invokedAt + 0.002);
  });

  it('is absent from a pre-warmed environment’s first trace, which spans the invocation, not the time since the environment started', async () => {
    const idleMs = 1500;
    const warmed = new LambdaRuntime({ tracing: { sink: xray, daemonAddress: xray.daemonAddress } });
    try {
      warmed.register(fn('prewarmed', 'Active'));
      await warmed.prewarm();
      await new Promise((resolve) => setTimeout(resolve, idleMs));

      const invokedAt = Date.now() / 1000;
      const result = (await warmed.invoke('prewarmed', { tenantId: 't-warm' })) as { root: string };
      const answeredAt = Date.now() / 1000;
      expect(warmed.environmentsStarted.get('prewarmed')).toBe(1);

      const { docs, duration } = await traceOf(result.root, hasHandlerSubsegment);
      const names = everyDocument(docs).map((doc) => doc.name);
      expect(names).not.toContain('Initialization');
      expect(Math.min(...everyDocument(docs).map((doc) => doc.start_time))).toBeGreaterThanOrEqual(invokedAt - 0.002);
      expect(duration).toBeLessThanOrEqual(answeredAt - invokedAt + 0.002);
      expect(duration).toBeLessThan(idleMs / 1000);
    } finally {
      await warmed.close();
    }
  });

  it('is recorded only for an init that began after the invoke arrived', () => {
    const recorded: SegmentDocument[] = [];
    const sink = { putSegment: (doc: SegmentDocument) => void recorded.push(doc) };
    const invokedAt = 1_800_000_000_000;
    const trace = startInvocationTrace(
      {
        functionName: 'f',
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        codeDir: '/code',
        tracingMode: 'Active',
      },
      undefined,
      sink,
      'request-1',
      () => invokedAt,
    );
    // A pre-warm's init, 30 s before the invoke; the handler ran 2-5 ms after it arrived.
    trace.finish({
      timing: { initStart: invokedAt - 30_000, initEnd: invokedAt - 29_800, start: invokedAt + 2, end: invokedAt + 5 },
    });

    const functionSegment = must(recorded.find((doc) => doc.origin === 'AWS::Lambda::Function'));
    const service = must(recorded.find((doc) => doc.origin === 'AWS::Lambda'));
    const subsegments = (functionSegment.subsegments ?? []) as unknown as Doc[];
    expect(subsegments.map((sub) => sub.name)).toEqual(['Invocation', 'Overhead']);
    const starts = [service, functionSegment, ...subsegments].map((doc) => doc.start_time);
    expect(Math.min(...starts)).toBe(invokedAt / 1000);
  });
});
