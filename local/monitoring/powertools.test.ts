import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaRuntime } from '../lambda/runtime';
import { type LocalLogs, startLocalLogs } from '../logs';
import { type LocalMonitoring, startLocalMonitoring } from '.';

/** A function instrumented as tenantflow's are: Powertools Logger and Metrics (from the layer path). */
const HANDLER = `
const { Logger } = require('@aws-lambda-powertools/logger');
const { Metrics, MetricUnit } = require('@aws-lambda-powertools/metrics');
const logger = new Logger({ serviceName: 'products' });
const metrics = new Metrics({ namespace: 'tenantflow', serviceName: 'products' });
exports.handler = async (event, context) => {
  logger.addContext(context);
  logger.appendKeys({ tenantId: event.tenantId });
  logger.info('request', { statusCode: event.statusCode });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.addMetric('Latency', MetricUnit.Milliseconds, event.latency);
  metrics.publishStoredMetrics();
  logger.resetKeys();
  return 'ok';
};
`;

describe('a Powertools-instrumented function on the local cloud', () => {
  let dir: string;
  let monitoring: LocalMonitoring;
  let logs: LocalLogs;
  let runtime: LambdaRuntime;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-powertools-'));
    fs.writeFileSync(path.join(dir, 'index.js'), HANDLER);
    // A "layer" whose nodejs/node_modules is the repository's, where Powertools is installed.
    fs.mkdirSync(path.join(dir, 'layer', 'nodejs'), { recursive: true });
    fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'layer', 'nodejs', 'node_modules'));
    monitoring = await startLocalMonitoring({ dataDir: path.join(dir, 'monitoring') });
    logs = await startLocalLogs({ dataDir: path.join(dir, 'logs') });
    logs.onIngest((batch) => monitoring.ingestLogEvents(batch));
    runtime = new LambdaRuntime({ logs });
    runtime.register({
      functionName: 'products',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:products',
      codeDir: dir,
      handler: 'index.handler',
      environment: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      layerDirs: [path.join(dir, 'layer')],
      timeoutSeconds: 10,
      memorySize: 256,
    });
    await runtime.invoke('products', { tenantId: 'acme', statusCode: 200, latency: 12 });
    await runtime.invoke('products', { tenantId: 'globex', statusCode: 503, latency: 40 });
  }, 60_000);
  afterAll(async () => {
    await runtime.close();
    await logs.close();
    await monitoring.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds one tenant’s log lines with a JSON filter pattern', async () => {
    const client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: logs.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const result = await client.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/products',
        filterPattern: '{ $.level = "INFO" && $.tenantId = "acme" }',
      }),
    );
    client.destroy();

    expect(result.events?.map((event) => JSON.parse(event.message ?? '{}'))).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request',
        service: 'products',
        tenantId: 'acme',
        statusCode: 200,
      }),
    ]);
  });

  it('turns its EMF output into metrics', async () => {
    const client = new CloudWatchClient({
      region: 'us-east-1',
      endpoint: monitoring.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const now = Date.now();
    const result = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'tenantflow',
        MetricName: 'Latency',
        Dimensions: [{ Name: 'service', Value: 'products' }],
        StartTime: new Date(now - 3600_000),
        EndTime: new Date(now + 60_000),
        Period: 3660,
        Statistics: ['SampleCount', 'Sum', 'Maximum'],
      }),
    );
    client.destroy();

    const datapoints = (result.Datapoints ?? []).map(({ SampleCount, Sum, Maximum, Unit }) => ({
      SampleCount,
      Sum,
      Maximum,
      Unit,
    }));
    // One period, or two when a period boundary falls between the two invocations.
    expect(datapoints.reduce((sum, d) => sum + (d.Sum ?? 0), 0)).toBe(52);
    expect(datapoints.reduce((sum, d) => sum + (d.SampleCount ?? 0), 0)).toBe(2);
    expect(Math.max(...datapoints.map((d) => d.Maximum ?? 0))).toBe(40);
    expect(datapoints.every((d) => d.Unit === 'Milliseconds')).toBe(true);
  });
});
