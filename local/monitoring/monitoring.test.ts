import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalLogs, startLocalLogs } from '../logs';
import { type LocalMonitoring, startLocalMonitoring } from '.';

/** A minute boundary ten minutes ago: the datapoints below fall into known periods. */
const T = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
const emf = (timestamp: number, latency: number | number[]) =>
  JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: 'tenantflow',
          Dimensions: [['service']],
          Metrics: [
            { Name: 'Latency', Unit: 'Milliseconds' },
            { Name: 'Requests', Unit: 'Count' },
          ],
        },
      ],
    },
    service: 'products',
    tenantId: 'acme',
    Latency: latency,
    Requests: 1,
  });
const SERVICE = [{ Name: 'service', Value: 'products' }];
const metricStat = (MetricName: string, Stat: string, Period = 60) => ({
  Metric: { Namespace: 'tenantflow', MetricName, Dimensions: SERVICE },
  Period,
  Stat,
});

describe('local CloudWatch metrics', () => {
  let dir: string;
  let logs: LocalLogs;
  let monitoring: LocalMonitoring;
  let client: CloudWatchClient;

  const start = async () => {
    monitoring = await startLocalMonitoring({ dataDir: path.join(dir, 'monitoring') });
    logs = await startLocalLogs({ dataDir: path.join(dir, 'logs') });
    logs.onIngest((batch) => monitoring.ingestLogEvents(batch));
    client = new CloudWatchClient({
      region: 'us-east-1',
      endpoint: monitoring.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
  };
  const stop = async () => {
    client.destroy();
    await logs.close();
    await monitoring.close();
  };
  const getMetricData = (queries: ConstructorParameters<typeof GetMetricDataCommand>[0]['MetricDataQueries']) =>
    client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(T),
        EndTime: new Date(T + 5 * 60_000),
      }),
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-metrics-'));
    await start();
    // What a function's Powertools Metrics writes: EMF records on stdout, shipped by the Lambda runtime.
    logs.putFunctionLogs('/aws/lambda/products', '2026/01/01/[$LATEST]abc', [
      { timestamp: T + 1000, message: emf(T + 1000, [10, 20]) },
      { timestamp: T + 1500, message: '{"level":"INFO","message":"request","tenantId":"acme"}' },
      { timestamp: T + 2000, message: emf(T + 2000, 30) },
      { timestamp: T + 61_000, message: emf(T + 61_000, 100) },
    ]);
  });
  afterEach(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the metrics the EMF records define, filtered by namespace, name and dimensions', async () => {
    const all = await client.send(new ListMetricsCommand({ Namespace: 'tenantflow' }));
    const latency = await client.send(
      new ListMetricsCommand({ MetricName: 'Latency', Dimensions: [{ Name: 'service' }] }),
    );
    const none = await client.send(new ListMetricsCommand({ Dimensions: [{ Name: 'service', Value: 'orders' }] }));

    expect(all.Metrics).toEqual([
      { Namespace: 'tenantflow', MetricName: 'Latency', Dimensions: SERVICE },
      { Namespace: 'tenantflow', MetricName: 'Requests', Dimensions: SERVICE },
    ]);
    expect(latency.Metrics?.map((m) => m.MetricName)).toEqual(['Latency']);
    expect(none.Metrics).toEqual([]);
  });

  it('answers GetMetricData per period, newest first, for each statistic', async () => {
    const result = await getMetricData([
      { Id: 'requests', MetricStat: metricStat('Requests', 'Sum') },
      { Id: 'average', MetricStat: metricStat('Latency', 'Average') },
      { Id: 'p50', MetricStat: metricStat('Latency', 'p50') },
      { Id: 'p99', MetricStat: metricStat('Latency', 'p99') },
      { Id: 'max', MetricStat: metricStat('Latency', 'Maximum'), Label: 'slowest' },
      { Id: 'min', MetricStat: metricStat('Latency', 'Minimum') },
      { Id: 'count', MetricStat: metricStat('Latency', 'SampleCount') },
    ]);

    const byId = Object.fromEntries((result.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(byId.requests?.Timestamps).toEqual([new Date(T + 60_000), new Date(T)]);
    expect(byId.requests).toMatchObject({ Label: 'Requests', Values: [1, 2], StatusCode: 'Complete' });
    expect(byId.average?.Values).toEqual([100, 20]);
    expect(byId.p50?.Values).toEqual([100, 20]);
    expect(byId.p99?.Values).toEqual([100, 30]);
    expect(byId.max).toMatchObject({ Label: 'slowest', Values: [100, 30] });
    expect(byId.min?.Values).toEqual([100, 10]);
    expect(byId.count?.Values).toEqual([1, 3]);
  });

  it('answers GetMetricStatistics with statistics and percentiles, oldest first', async () => {
    const result = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'tenantflow',
        MetricName: 'Latency',
        Dimensions: SERVICE,
        StartTime: new Date(T),
        EndTime: new Date(T + 4 * 60_000),
        Period: 60,
        Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'],
        ExtendedStatistics: ['p50', 'p95'],
      }),
    );

    expect(result.Label).toBe('Latency');
    expect(result.Datapoints).toEqual([
      {
        Timestamp: new Date(T),
        SampleCount: 3,
        Sum: 60,
        Average: 20,
        Minimum: 10,
        Maximum: 30,
        Unit: 'Milliseconds',
        ExtendedStatistics: { p50: 20, p95: 30 },
      },
      {
        Timestamp: new Date(T + 60_000),
        SampleCount: 1,
        Sum: 100,
        Average: 100,
        Minimum: 100,
        Maximum: 100,
        Unit: 'Milliseconds',
        ExtendedStatistics: { p50: 100, p95: 100 },
      },
    ]);
  });

  it('computes one period over all datapoints exactly', async () => {
    const result = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'tenantflow',
        MetricName: 'Latency',
        Dimensions: SERVICE,
        StartTime: new Date(T - 3600_000),
        EndTime: new Date(T + 3600_000),
        Period: 7200,
        Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'],
        ExtendedStatistics: ['p50', 'p95'],
      }),
    );
    const periods = result.Datapoints ?? [];
    // T ± 1 h spans one or two 2-hour periods; the four values fall into one of them.
    const withData = periods.filter((d) => (d.SampleCount ?? 0) > 0);
    expect(withData.map(({ Timestamp: _t, ...rest }) => rest)).toEqual([
      {
        SampleCount: 4,
        Sum: 160,
        Average: 40,
        Minimum: 10,
        Maximum: 100,
        Unit: 'Milliseconds',
        ExtendedStatistics: { p50: 20, p95: 100 },
      },
    ]);
  });

  it('takes PutMetricData: single values, values with counts, statistic sets; refuses the AWS/ namespaces', async () => {
    const at = new Date(T + 3 * 60_000);
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'app',
        MetricData: [
          { MetricName: 'Jobs', Value: 4, Timestamp: at, Unit: 'Count' },
          { MetricName: 'Jobs', Values: [1, 2], Counts: [3, 1], Timestamp: at, Unit: 'Count' },
          {
            MetricName: 'Jobs',
            StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 1, Maximum: 9 },
            Timestamp: at,
            Unit: 'Count',
          },
        ],
      }),
    );
    const result = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'app',
        MetricName: 'Jobs',
        StartTime: new Date(T),
        EndTime: new Date(T + 5 * 60_000),
        Period: 300,
        Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum'],
        ExtendedStatistics: ['p50'],
      }),
    );

    expect(result.Datapoints?.filter((d) => d.SampleCount)).toEqual([
      expect.objectContaining({ SampleCount: 7, Sum: 19, Minimum: 1, Maximum: 9, ExtendedStatistics: { p50: 1 } }),
    ]);
    await expect(
      client.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'X', Value: 1 }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('takes a gzip-compressed PutMetricData (the SDK compresses bodies over 10 KiB)', async () => {
    const at = new Date(T + 4 * 60_000);
    const data = Array.from({ length: 400 }, (_v, index) => ({ MetricName: 'Bulk', Value: index, Timestamp: at }));
    await client.send(new PutMetricDataCommand({ Namespace: 'app', MetricData: data }));
    const result = await getMetricData([
      {
        Id: 'bulk',
        MetricStat: { Metric: { Namespace: 'app', MetricName: 'Bulk' }, Period: 300, Stat: 'SampleCount' },
      },
    ]);

    expect(result.MetricDataResults?.[0]?.Values?.reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('extracts EMF from PutLogEvents only with the json/emf header, as CloudWatch does', async () => {
    // A function's output counts (above); an API caller's records do not unless it says they are EMF.
    logs.ensureLogGroup('/plain');
    const { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } = await import(
      '@aws-sdk/client-cloudwatch-logs'
    );
    const logsClient = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: logs.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    await logsClient.send(new CreateLogStreamCommand({ logGroupName: '/plain', logStreamName: 's' }));
    const record = emf(T + 180_000, 5).replace('"products"', '"plain"');
    await logsClient.send(
      new PutLogEventsCommand({
        logGroupName: '/plain',
        logStreamName: 's',
        logEvents: [{ timestamp: T + 180_000, message: record }],
      }),
    );
    const before = await client.send(new ListMetricsCommand({ Dimensions: [{ Name: 'service', Value: 'plain' }] }));
    logsClient.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amzn-logs-format'] = 'json/emf';
        return next(args);
      },
      { step: 'build' },
    );
    await logsClient.send(
      new PutLogEventsCommand({
        logGroupName: '/plain',
        logStreamName: 's',
        logEvents: [{ timestamp: T + 181_000, message: record }],
      }),
    );
    const after = await client.send(new ListMetricsCommand({ Dimensions: [{ Name: 'service', Value: 'plain' }] }));
    logsClient.destroy();

    expect(before.Metrics).toEqual([]);
    expect(after.Metrics?.map((m) => m.MetricName)).toEqual(['Latency', 'Requests']);
  });

  it('refuses metric math', async () => {
    await expect(getMetricData([{ Id: 'e1', Expression: 'SUM(METRICS())' }])).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
  });

  it('answers a GetMetricData request in RPC v2 CBOR, as the AWS CLI sends it', async () => {
    const response = await fetch(
      `${monitoring.endpoint}/service/GraniteServiceVersion20100801/operation/GetMetricData`,
      {
        method: 'POST',
        headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' },
        body: Buffer.from(
          cbor.serialize({
            MetricDataQueries: [{ Id: 'requests', MetricStat: metricStat('Requests', 'Sum') }],
            StartTime: dateToTag(new Date(T)),
            EndTime: dateToTag(new Date(T + 5 * 60_000)),
            ScanBy: 'TimestampAscending',
          }),
        ),
      },
    );
    const body = cbor.deserialize(new Uint8Array(await response.arrayBuffer()));

    expect(response.status).toBe(200);
    expect(response.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
    expect(response.headers.get('content-type')).toBe('application/cbor');
    expect(body.MetricDataResults).toEqual([
      {
        Id: 'requests',
        Label: 'Requests',
        Timestamps: [
          expect.objectContaining({ tag: 1, value: T / 1000 }),
          expect.objectContaining({ tag: 1, value: T / 1000 + 60 }),
        ],
        Values: [2, 1],
        StatusCode: 'Complete',
        Messages: [],
      },
    ]);
  });

  it('answers a CBOR error with __type, as botocore reads it', async () => {
    const response = await fetch(
      `${monitoring.endpoint}/service/GraniteServiceVersion20100801/operation/PutMetricData`,
      {
        method: 'POST',
        headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
        body: Buffer.from(cbor.serialize({ Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'x', Value: 1 }] })),
      },
    );

    expect(response.status).toBe(400);
    expect(cbor.deserialize(new Uint8Array(await response.arrayBuffer()))).toMatchObject({
      __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
    });
    expect(response.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
  });

  it('keeps the datapoints across a restart', async () => {
    await stop();
    await start();

    const result = await getMetricData([{ Id: 'requests', MetricStat: metricStat('Requests', 'Sum') }]);
    expect(result.MetricDataResults?.[0]?.Values).toEqual([1, 2]);
  });
});
