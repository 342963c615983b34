import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalEndpoints } from '../../local/cloud';
import { at, http, operatorToken, waitFor } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';

const endpoints = () =>
  JSON.parse(fs.readFileSync(path.join(cloud().dataDir, 'endpoints.json'), 'utf8')) as LocalEndpoints;
let client: XRayClient | undefined;
const xray = () => {
  client ??= new XRayClient({
    endpoint: endpoints().xray,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return client;
};
afterAll(() => client?.destroy());

/** The trace's documents and X-Ray's duration of it, once it holds `segments` segments. */
async function traceOf(traceId: string, segments: number): Promise<{ docs: TraceDoc[]; duration: number }> {
  return waitFor(
    async () => {
      const { Traces } = await xray().send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
      const docs = (Traces?.[0]?.Segments ?? []).map((segment) => JSON.parse(segment.Document as string) as TraceDoc);
      return docs.length >= segments ? { docs, duration: Traces?.[0]?.Duration ?? Number.NaN } : undefined;
    },
    `the ${segments} segments of trace ${traceId}`,
    5000,
  );
}

interface TraceDoc {
  readonly origin?: string;
  readonly start_time: number;
  readonly subsegments?: TraceDoc[];
}

const everyDocument = (docs: readonly TraceDoc[]): TraceDoc[] =>
  docs.flatMap((doc) => [doc, ...everyDocument(doc.subsegments ?? [])]);

const traceIdOf = (response: { headers: Headers }) =>
  /Root=([^;]+)/.exec(response.headers.get('x-amzn-trace-id') ?? '')?.[1] as string;

describe('tracing on the local cloud', () => {
  it('keeps the start-up pre-warming out of a request’s trace: it starts and ends within the request', async () => {
    // The request's functions (the control plane's authorizer and tenants function) pre-warmed
    // (GET /local/lambda), so they run in environments started before it. (Not every function: a
    // silo stack's functions, deployed by other files, start only when called.)
    const used = /^tenantflow-control-plane-(TenantsFunction|.*Authorizer)/;
    await waitFor(
      async () => {
        const { functions } = (await http('GET', at(cloud().consoleUrl, '/local/lambda'))).body as {
          functions: Record<string, { environmentsStarted: number }>;
        };
        const ours = Object.entries(functions).filter(([name]) => used.test(name));
        return (ours.length >= 2 && ours.every(([, fn]) => fn.environmentsStarted >= 1)) || undefined;
      },
      'the request’s functions pre-warmed',
      30_000,
      250,
    );
    const token = await operatorToken(cloud());
    const sent = Date.now() / 1000;
    const response = await http('GET', controlPlane('/tenants?limit=1'), { token });
    const answered = Date.now() / 1000;
    expect(response.status).toBe(200);

    const { docs, duration } = await traceOf(traceIdOf(response), 5);
    // Milliseconds of slack: X-Ray keeps three decimals. (A function started afresh for the
    // request, e.g. re-registered by a silo deployment, may add its Initialization: inside it.)
    expect(Math.min(...everyDocument(docs).map((doc) => doc.start_time))).toBeGreaterThanOrEqual(sent - 0.002);
    expect(duration).toBeLessThanOrEqual(answered - sent + 0.002);
  });

  it('traces an API request through the stage, the authorizer and the function, readable within 5 s', async () => {
    const token = await operatorToken(cloud());
    const response = await http('GET', controlPlane('/tenants?limit=1'), { token });
    expect(response.status).toBe(200);
    const traceId = traceIdOf(response);
    expect(traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);

    const deadline = Date.now() + 5000;
    let origins: string[] = [];
    while (Date.now() < deadline) {
      const { Traces } = await xray().send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
      origins = (Traces?.[0]?.Segments ?? []).map((segment) => JSON.parse(segment.Document as string).origin).sort();
      if (origins.length >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(origins).toEqual([
      'AWS::ApiGateway::Stage',
      'AWS::Lambda',
      'AWS::Lambda',
      'AWS::Lambda::Function',
      'AWS::Lambda::Function',
    ]);

    const { TraceSummaries } = await xray().send(
      new GetTraceSummariesCommand({
        StartTime: new Date(Date.now() - 60_000),
        EndTime: new Date(),
        FilterExpression: 'service("tenantflow-control-plane/prod") AND http.url CONTAINS "/tenants" AND ok',
      }),
    );
    expect(TraceSummaries?.map((summary) => summary.Id)).toContain(traceId);
  });
});
