import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalEndpoints } from '../../local/cloud';
import { http, operatorToken } from '../support/client';
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

describe('tracing on the local cloud', () => {
  it('traces an API request through the stage, the authorizer and the function, readable within 5 s', async () => {
    const token = await operatorToken(cloud());
    const response = await http('GET', controlPlane('/tenants?limit=1'), { token });
    expect(response.status).toBe(200);
    const traceId = /Root=([^;]+)/.exec(response.headers.get('x-amzn-trace-id') ?? '')?.[1] as string;
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
