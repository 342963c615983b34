import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../../test/support/local/gateway';
import { type SegmentDoc as Doc, must } from '../../test/support/local/xray';
import { LambdaRuntime, type LocalFunction } from '../lambda/runtime';
import { type LocalXRay, startLocalXRay } from '../xray';
import { formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader } from '../xray/trace-header';
import { startLocalApiGateway } from './local-api-gateway';
import type { LocalApiGateway, RestApiModel } from './types';

/** The authorizer and the handler, each instrumented with Powertools Tracer (a handler subsegment, an annotation). */
const FUNCTIONS = `
const { Tracer } = require('@aws-lambda-powertools/tracer');
const tracer = new Tracer();
const traced = (name, body) => async (event) => {
  const facade = tracer.getSegment();
  const sub = facade.addNewSubsegment(name);
  tracer.setSegment(sub);
  try {
    return await body(event);
  } finally {
    sub.close();
    tracer.setSegment(facade);
  }
};
exports.authorizer = traced('## authorizer', async (event) => {
  tracer.putAnnotation('tenantId', 'tenant-1');
  return {
    principalId: 'user-1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: event.methodArn }] },
    context: { tenantId: 'tenant-1' },
  };
});
exports.products = traced('## products', async (event) => {
  tracer.putAnnotation('tier', 'PLATINUM');
  return { statusCode: 200, body: JSON.stringify({ traceHeader: event.headers['X-Amzn-Trace-Id'] }) };
});
`;

const api = (restApiId: string, tracingEnabled: boolean): RestApiModel => ({
  restApiId,
  name: 'tenant-api',
  stageName: 'prod',
  apiKeySource: 'HEADER',
  tracingEnabled,
  authorizers: {
    auth: {
      type: 'REQUEST',
      functionName: 'authorizer',
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: 0,
    },
  },
  methods: [
    {
      httpMethod: 'GET',
      resourcePath: '/products',
      authorizationType: 'CUSTOM',
      authorizerId: 'auth',
      apiKeyRequired: false,
      integration: { type: 'AWS_PROXY', functionName: 'products' },
    },
  ],
});

let dir: string;
let xray: LocalXRay;
let runtime: LambdaRuntime;
let gateway: LocalApiGateway;
let server: Server;
let client: XRayClient;

const fn = (name: string): LocalFunction => ({
  functionName: name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  codeDir: path.join(dir, 'code'),
  handler: `index.${name}`,
  environment: { AWS_LAMBDA_FUNCTION_NAME: name, POWERTOOLS_SERVICE_NAME: name },
  layerDirs: [path.join(dir, 'layer')],
  timeoutSeconds: 10,
  memorySize: 256,
  tracingMode: 'Active',
});

const get = (restApiId: string, headers: Record<string, string> = {}) =>
  fetch(`${gateway.urlOf(restApiId, 'prod')}products`, { headers: { Authorization: 'Bearer x', ...headers } });

/** The trace's documents once both functions' handler subsegments are in. */
async function documentsOf(traceId: string): Promise<Doc[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Traces } = await client.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
    const docs = (Traces?.[0]?.Segments ?? []).map((segment) => JSON.parse(segment.Document as string));
    const handlers = docs.flatMap((doc) => (doc.subsegments ?? []).map((sub: Doc) => sub.name));
    if (handlers.includes('## authorizer') && handlers.includes('## products') && docs.length >= 5) return docs;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`trace ${traceId} incomplete`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-gateway-trace-'));
  fs.mkdirSync(path.join(dir, 'code'));
  fs.writeFileSync(path.join(dir, 'code', 'index.js'), FUNCTIONS);
  fs.mkdirSync(path.join(dir, 'layer', 'nodejs'), { recursive: true });
  fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'layer', 'nodejs', 'node_modules'));
  xray = await startLocalXRay({ dataDir: path.join(dir, 'xray'), region: 'us-east-1', accountId: '000000000000' });
  runtime = new LambdaRuntime({ tracing: { sink: xray, daemonAddress: xray.daemonAddress } });
  runtime.register(fn('authorizer'));
  runtime.register(fn('products'));
  server = createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway = await startLocalApiGateway({
    dataDir: dir,
    invoke: (name, event, options) => runtime.invoke(name, event, options),
    createCache,
    publicBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tracing: xray,
  });
  gateway.registerRestApi(api('traced', true));
  gateway.registerRestApi(api('untraced', false));
  client = new XRayClient({
    endpoint: xray.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  await gateway.close();
  await runtime.close();
  await xray.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a traced stage', () => {
  it('yields one trace: the stage segment, the authorizer’s and the function’s segments under its Lambda calls', async () => {
    const response = await get('traced');
    expect(response.status).toBe(200);
    const header = parseTraceHeader(response.headers.get('x-amzn-trace-id'));
    expect(header).toMatchObject({ sampled: true });
    const traceId = header?.root as string;
    const { traceHeader } = (await response.json()) as { traceHeader: string };
    expect(parseTraceHeader(traceHeader)?.root).toBe(traceId);

    const docs = await documentsOf(traceId);
    const stage = must(docs.find((doc) => doc.origin === 'AWS::ApiGateway::Stage'));
    expect(stage).toMatchObject({
      name: 'tenant-api/prod',
      http: { request: { method: 'GET' }, response: { status: 200 } },
      aws: { api_gateway: { rest_api_id: 'traced', stage: 'prod' } },
    });
    expect(stage.parent_id).toBeUndefined();
    const calls = must(stage.subsegments).filter((sub: Doc) => sub.name === 'Lambda');
    expect(calls.map((call: Doc) => call.aws?.function_name)).toEqual(['authorizer', 'products']);
    for (const call of calls) {
      const service = must(docs.find((doc) => doc.origin === 'AWS::Lambda' && doc.parent_id === call.id));
      expect(service.name).toBe(call.aws?.function_name);
      const functionSegment = must(
        docs.find((doc) => doc.origin === 'AWS::Lambda::Function' && doc.parent_id === service.id),
      );
      expect(must(functionSegment.subsegments).map((sub: Doc) => sub.name)).toContain(`## ${call.aws?.function_name}`);
    }

    const { TraceSummaries } = await client.send(
      new GetTraceSummariesCommand({
        StartTime: new Date(Date.now() - 60_000),
        EndTime: new Date(),
        FilterExpression:
          'service("tenant-api/prod") AND annotation.tenantId = "tenant-1" AND annotation.tier = "PLATINUM" AND http.url CONTAINS "products"',
      }),
    );
    const summary = TraceSummaries?.find((candidate) => candidate.Id === traceId);
    expect(summary).toMatchObject({ EntryPoint: { Name: 'tenant-api/prod', Type: 'AWS::ApiGateway::Stage' } });
    expect(summary?.ServiceIds?.map((service) => `${service.Name} ${service.Type}`).sort()).toEqual([
      'authorizer AWS::Lambda',
      'authorizer AWS::Lambda::Function',
      'products AWS::Lambda',
      'products AWS::Lambda::Function',
      'tenant-api/prod AWS::ApiGateway::Stage',
    ]);
  });

  it('continues a trace the client started, and answers with its trace id', async () => {
    const root = newTraceId();
    const parent = newSegmentId();
    const response = await get('traced', { 'X-Amzn-Trace-Id': formatTraceHeader({ root, parent, sampled: true }) });
    expect(parseTraceHeader(response.headers.get('x-amzn-trace-id'))?.root).toBe(root);
    const docs = await documentsOf(root);
    expect(docs.find((doc) => doc.origin === 'AWS::ApiGateway::Stage')?.parent_id).toBe(parent);
  });

  it('traces nothing on a stage without tracing', async () => {
    const response = await get('untraced');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-trace-id')).toBeNull();
    const { traceHeader } = (await response.json()) as { traceHeader?: string };
    expect(traceHeader).toBeUndefined();
  });
});
