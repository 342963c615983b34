import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BatchGetTracesCommand,
  CreateGroupCommand,
  GetGroupsCommand,
  GetServiceGraphCommand,
  GetTraceSummariesCommand,
  PutTraceSegmentsCommand,
  type TraceSummary,
  XRayClient,
} from '@aws-sdk/client-xray';
import AWSXRay from 'aws-xray-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentDoc as Doc } from '../../test/support/local/xray';
import { type LocalXRay, startLocalXRay } from './index';
import { newSegmentId, newTraceId } from './trace-header';

let dir: string;
let xray: LocalXRay;
let client: XRayClient;

const open = (pageSize?: number) =>
  startLocalXRay({ dataDir: dir, region: 'us-east-1', accountId: '000000000000', pageSize });
const clientOf = (endpoint: string) =>
  new XRayClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

/** Sends documents the way the daemon protocol wants them: a header line, then the JSON. */
async function sendDatagrams(address: string, payloads: readonly string[]): Promise<void> {
  const [host, port] = address.split(':') as [string, string];
  const socket = dgram.createSocket('udp4');
  for (const payload of payloads)
    await new Promise<void>((resolve, reject) =>
      socket.send(Buffer.from(payload), Number(port), host, (error) => (error ? reject(error) : resolve())),
    );
  socket.close();
}
const datagram = (doc: unknown) => `{"format": "json", "version": 1}\n${JSON.stringify(doc)}`;

const window = () => ({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 60_000) });

/** Polls GetTraceSummaries until the trace is there (UDP arrives a little later than it was sent). */
async function summaryOf(traceId: string, filter?: string): Promise<TraceSummary> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const page = await client.send(new GetTraceSummariesCommand({ ...window(), FilterExpression: filter }));
    const found = page.TraceSummaries?.find((summary) => summary.Id === traceId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`trace ${traceId} never arrived`);
}

async function documentsOf(traceId: string): Promise<Doc[]> {
  const { Traces } = await client.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  return (Traces?.[0]?.Segments ?? []).map((segment) => JSON.parse(segment.Document as string));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-xray-'));
  xray = await open();
  client = clientOf(xray.endpoint);
});
afterAll(async () => {
  client.destroy();
  await xray.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the local X-Ray daemon', () => {
  it('listens for UDP and HTTP on one port of 127.0.0.1', () => {
    expect(xray.daemonAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(xray.endpoint).toBe(`http://${xray.daemonAddress}`);
  });

  it('joins datagrams into one trace: independent subsegments nested under their parent, segments kept apart', async () => {
    const traceId = newTraceId();
    const now = Date.now() / 1000;
    const [front, call, back, work] = [newSegmentId(), newSegmentId(), newSegmentId(), newSegmentId()];
    await sendDatagrams(xray.daemonAddress, [
      'not the protocol',
      datagram({
        id: front,
        trace_id: traceId,
        name: 'front',
        start_time: now,
        end_time: now + 0.3,
        http: { request: { method: 'GET', url: 'http://x/products' }, response: { status: 502 } },
        fault: true,
        subsegments: [{ id: call, name: 'call', start_time: now + 0.01, end_time: now + 0.29 }],
      }),
      datagram({
        id: back,
        trace_id: traceId,
        parent_id: call,
        name: 'back',
        start_time: now + 0.02,
        end_time: now + 0.2,
      }),
      datagram({
        type: 'subsegment',
        id: work,
        trace_id: traceId,
        parent_id: back,
        name: '## handler',
        start_time: now + 0.03,
        end_time: now + 0.1,
        annotations: { tenantId: 'abc', tier: 'PLATINUM' },
      }),
    ]);

    // The last datagram carries the annotation: once it matches, the whole trace is in.
    const summary = await summaryOf(traceId, 'annotation.tenantId = "abc"');
    expect(summary).toMatchObject({
      Id: traceId,
      HasFault: true,
      HasError: false,
      ResponseTime: 0.3,
      Http: { HttpURL: 'http://x/products', HttpStatus: 502, HttpMethod: 'GET' },
      Annotations: {
        tenantId: [{ AnnotationValue: { StringValue: 'abc' }, ServiceIds: [{ Name: 'back' }] }],
        tier: [{ AnnotationValue: { StringValue: 'PLATINUM' } }],
      },
      EntryPoint: { Name: 'front' },
    });
    expect(summary.ServiceIds?.map((service) => service.Name)).toEqual(['front', 'back']);
    expect(summary.Duration).toBeCloseTo(0.3, 3);

    const docs = await documentsOf(traceId);
    expect(docs.map((doc) => doc.name)).toEqual(['front', 'back']);
    expect(docs[1]?.subsegments).toEqual([
      expect.objectContaining({ id: work, name: '## handler', annotations: { tenantId: 'abc', tier: 'PLATINUM' } }),
    ]);
    expect(docs[1]?.subsegments?.[0]).not.toHaveProperty('parent_id');
  });

  it('takes what aws-xray-sdk-core sends, nested and streamed subsegments alike', async () => {
    AWSXRay.setDaemonAddress(xray.daemonAddress);
    const segment = new AWSXRay.Segment('sdk-service');
    const nested = segment.addNewSubsegment('nested');
    nested.addAnnotation('tenantId', 'sdk-tenant');
    nested.close();
    segment.close();

    // Streamed: with a threshold of 0 each closed subsegment is sent alone, as in Lambda.
    AWSXRay.SegmentUtils.setStreamingThreshold(0);
    try {
      const streamingSegment = new AWSXRay.Segment('sdk-streaming');
      const outer = streamingSegment.addNewSubsegment('outer');
      const inner = outer.addNewSubsegment('inner');
      inner.addAnnotation('tier', 'BASIC');
      inner.close();
      outer.close();
      streamingSegment.close();

      const summary = await summaryOf(
        streamingSegment.trace_id,
        'service("sdk-streaming") AND annotation.tier = "BASIC"',
      );
      expect(summary.Annotations?.tier?.[0]?.AnnotationValue).toEqual({ StringValue: 'BASIC' });
      const [doc] = await documentsOf(streamingSegment.trace_id);
      expect(doc?.subsegments?.[0]).toMatchObject({ name: 'outer', subsegments: [{ name: 'inner' }] });
    } finally {
      AWSXRay.SegmentUtils.setStreamingThreshold(100);
    }

    await summaryOf(segment.trace_id, 'annotation.tenantId = "sdk-tenant"');
    const [doc] = await documentsOf(segment.trace_id);
    expect(doc).toMatchObject({ name: 'sdk-service', subsegments: [{ name: 'nested' }] });
  });

  it('takes PutTraceSegments and reports the documents it refuses', async () => {
    const traceId = newTraceId();
    const id = newSegmentId();
    const now = Date.now() / 1000;
    const result = await client.send(
      new PutTraceSegmentsCommand({
        TraceSegmentDocuments: [
          JSON.stringify({ id, trace_id: traceId, name: 'api-put', start_time: now, end_time: now + 1, error: true }),
          JSON.stringify({ id: 'nope', trace_id: traceId, name: 'bad', start_time: now }),
        ],
      }),
    );
    expect(result.UnprocessedTraceSegments).toEqual([expect.objectContaining({ ErrorCode: 'InvalidSegment' })]);
    expect(await summaryOf(traceId, 'error AND duration >= 1')).toMatchObject({ HasError: true });
  });

  it('answers an invalid filter expression with InvalidRequestException', async () => {
    await expect(
      client.send(new GetTraceSummariesCommand({ ...window(), FilterExpression: 'annotation.tenantId ==' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException', message: expect.stringContaining('filter expression') });
  });

  it('keeps groups and filters by them; draws the service graph', async () => {
    await client.send(
      new CreateGroupCommand({ GroupName: 'platinum', FilterExpression: 'annotation.tier = "PLATINUM"' }),
    );
    const { Groups } = await client.send(new GetGroupsCommand({}));
    expect(Groups?.map((group) => group.GroupName)).toEqual(['Default', 'platinum']);

    const page = await client.send(
      new GetTraceSummariesCommand({ ...window(), FilterExpression: 'group.name = "platinum"' }),
    );
    expect(page.TraceSummaries?.every((summary) => summary.Annotations?.tier?.[0]?.AnnotationValue?.StringValue)).toBe(
      true,
    );
    expect(page.TraceSummaries?.length).toBeGreaterThan(0);

    const graph = await client.send(new GetServiceGraphCommand({ ...window(), GroupName: 'platinum' }));
    const front = graph.Services?.find((service) => service.Name === 'front');
    const back = graph.Services?.find((service) => service.Name === 'back');
    expect(front).toMatchObject({ Root: true, SummaryStatistics: { FaultStatistics: { TotalCount: 1 } } });
    expect(front?.Edges?.map((edge) => edge.ReferenceId)).toEqual([back?.ReferenceId]);
  });

  it('pages summaries with NextToken, and keeps traces across a restart', async () => {
    await xray.close();
    xray = await open(2);
    client = clientOf(xray.endpoint);
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetTraceSummariesCommand({ ...window(), NextToken: token }));
      expect(page.TraceSummaries?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.TraceSummaries ?? []).map((summary) => summary.Id as string));
      token = page.NextToken;
    } while (token);
    expect(ids.length).toBe(4);
    expect(new Set(ids).size).toBe(4);
    const { Groups } = await client.send(new GetGroupsCommand({}));
    expect(Groups?.map((group) => group.GroupName)).toContain('platinum');
  });
});
