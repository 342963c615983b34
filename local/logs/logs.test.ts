import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteSubscriptionFilterCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutMetricFilterCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalLogs, type MetricDatum, startLocalLogs } from '.';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:log-consumer';
const T0 = Date.now() - 60_000;

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
/** The lines every FilterLogEvents test searches: two tenants' JSON lines and Lambda's text lines. */
const LINES = [
  line({ level: 'INFO', tenantId: 'acme', message: 'request', statusCode: 200 }),
  line({ level: 'ERROR', tenantId: 'acme', message: 'request', statusCode: 503 }),
  line({ level: 'INFO', tenantId: 'globex', message: 'request', statusCode: 201 }),
  line({ level: 'ERROR', tenantId: 'globex', message: 'request', statusCode: 500 }),
  'START RequestId: r-1 Version: $LATEST',
  '2026-01-01T00:00:00.000Z\tr-1\tWARN\tslow DynamoDB call',
  'END RequestId: r-1',
];

describe('local CloudWatch Logs', () => {
  let dir: string;
  let logs: LocalLogs;
  let client: CloudWatchLogsClient;
  const invocations: Array<{ arn: string; event: { awslogs: { data: string } } }> = [];
  const metrics: MetricDatum[] = [];

  const start = async () => {
    logs = await startLocalLogs({ dataDir: dir, metrics: (data) => metrics.push(...data) });
    logs.connectFunctions({
      has: (arn) => arn === FUNCTION_ARN,
      invoke: async (arn, event) => {
        invocations.push({ arn, event: event as { awslogs: { data: string } } });
        return null;
      },
    });
    client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: logs.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      // LimitExceededException is retryable to the SDK: one attempt keeps the tests quick.
      maxAttempts: 1,
    });
  };
  const restart = async () => {
    client.destroy();
    await logs.close();
    await start();
  };
  const put = (logStreamName: string, messages: readonly string[], from = T0) =>
    client.send(
      new PutLogEventsCommand({
        logGroupName: '/app',
        logStreamName,
        logEvents: messages.map((message, index) => ({ timestamp: from + index, message })),
      }),
    );
  const filter = async (filterPattern: string) =>
    ((await client.send(new FilterLogEventsCommand({ logGroupName: '/app', filterPattern }))).events ?? []).map(
      (event) => event.message,
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-logs-'));
    invocations.length = 0;
    metrics.length = 0;
    await start();
    await client.send(new CreateLogGroupCommand({ logGroupName: '/app' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'a' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'b' }));
  });
  afterEach(async () => {
    client.destroy();
    await logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('groups and streams', () => {
    it('describes groups by prefix and pattern, in pages, with their ARNs', async () => {
      for (const name of ['/aws/lambda/one', '/aws/lambda/two', '/other/Three'])
        await client.send(new CreateLogGroupCommand({ logGroupName: name }));

      const byPrefix = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
      const byPattern = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'three' }));
      const first = await client.send(new DescribeLogGroupsCommand({ limit: 2 }));
      const second = await client.send(new DescribeLogGroupsCommand({ limit: 2, nextToken: first.nextToken }));

      expect(byPrefix.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/one', '/aws/lambda/two']);
      expect(byPrefix.logGroups?.[0]).toMatchObject({
        arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/one:*',
        logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/one',
        metricFilterCount: 0,
        storedBytes: 0,
      });
      expect(byPattern.logGroups?.map((g) => g.logGroupName)).toEqual(['/other/Three']);
      expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/app', '/aws/lambda/one']);
      expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/two', '/other/Three']);
      expect(second.nextToken).toBeUndefined();
    });

    it('answers CloudWatch’s errors by name', async () => {
      await expect(client.send(new CreateLogGroupCommand({ logGroupName: '/app' }))).rejects.toMatchObject({
        name: 'ResourceAlreadyExistsException',
      });
      await expect(
        client.send(new CreateLogStreamCommand({ logGroupName: '/missing', logStreamName: 'a' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'The specified log group does not exist.',
      });
      await expect(
        client.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'a' })),
      ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
      await expect(
        client.send(
          new PutLogEventsCommand({
            logGroupName: '/app',
            logStreamName: 'nope',
            logEvents: [{ timestamp: T0, message: 'x' }],
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'The specified log stream does not exist.',
      });
      await expect(
        client.send(
          new PutLogEventsCommand({
            logGroupName: '/app',
            logStreamName: 'a',
            logEvents: [
              { timestamp: T0 + 1, message: 'later' },
              { timestamp: T0, message: 'earlier' },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(
        client.send(new FilterLogEventsCommand({ logGroupName: '/app', filterPattern: '{ $.a = ' })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    });

    it('describes streams with their event times, by name or by last event time', async () => {
      await put('b', ['one'], T0);
      await put('a', ['two', 'three'], T0 + 10);

      const byName = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/app' }));
      const byTime = await client.send(
        new DescribeLogStreamsCommand({
          logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/app',
          orderBy: 'LastEventTime',
          descending: true,
        }),
      );

      expect(byName.logStreams?.map((s) => [s.logStreamName, s.firstEventTimestamp, s.lastEventTimestamp])).toEqual([
        ['a', T0 + 10, T0 + 11],
        ['b', T0, T0],
      ]);
      expect(byTime.logStreams?.map((s) => s.logStreamName)).toEqual(['a', 'b']);
      expect(byName.logStreams?.[0]?.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/app:log-stream:a');
    });

    it('accepts retention and tags, and deletes a group', async () => {
      await client.send(new PutRetentionPolicyCommand({ logGroupName: '/app', retentionInDays: 30 }));
      const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:/app';
      await client.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'platform' } }));

      const described = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app' }));
      expect(described.logGroups?.[0]?.retentionInDays).toBe(30);
      expect((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
        team: 'platform',
      });
      await expect(
        client.send(new PutRetentionPolicyCommand({ logGroupName: '/app', retentionInDays: 2 })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });

      await client.send(new DeleteLogGroupCommand({ logGroupName: '/app' }));
      expect((await client.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    });
  });

  describe('GetLogEvents', () => {
    beforeEach(async () => {
      await put('a', ['e0', 'e1', 'e2', 'e3', 'e4']);
      await put('b', ['other']);
    });
    const get = (input: Partial<ConstructorParameters<typeof GetLogEventsCommand>[0]>) =>
      client.send(new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'a', ...input }));
    const messages = (result: { events?: { message?: string }[] }) => result.events?.map((e) => e.message);

    it('pages forward from the head until the token comes back unchanged', async () => {
      const first = await get({ startFromHead: true, limit: 2 });
      const second = await get({ nextToken: first.nextForwardToken, limit: 2 });
      const third = await get({ nextToken: second.nextForwardToken, limit: 2 });
      const end = await get({ nextToken: third.nextForwardToken, limit: 2 });

      expect([messages(first), messages(second), messages(third), messages(end)]).toEqual([
        ['e0', 'e1'],
        ['e2', 'e3'],
        ['e4'],
        [],
      ]);
      expect(end.nextForwardToken).toBe(third.nextForwardToken);
      expect(first.events?.[0]).toMatchObject({ timestamp: T0, message: 'e0' });
      expect(first.events?.[0]?.ingestionTime).toBeGreaterThanOrEqual(T0);
    });

    it('starts at the newest events by default and pages backward', async () => {
      const latest = await get({ limit: 2 });
      const older = await get({ nextToken: latest.nextBackwardToken, limit: 2 });
      const oldest = await get({ nextToken: older.nextBackwardToken, limit: 2 });
      const newer = await get({ nextToken: latest.nextForwardToken, limit: 2 });

      expect([messages(latest), messages(older), messages(oldest), messages(newer)]).toEqual([
        ['e3', 'e4'],
        ['e1', 'e2'],
        ['e0'],
        [],
      ]);
    });

    it('keeps to the time range (end exclusive)', async () => {
      expect(messages(await get({ startTime: T0 + 1, endTime: T0 + 3, startFromHead: true }))).toEqual(['e1', 'e2']);
    });
  });

  describe('FilterLogEvents', () => {
    beforeEach(async () => {
      await put('a', LINES.slice(0, 4));
      await put('b', LINES.slice(4), T0 + 100);
    });

    it('without a pattern: every event of the group, in time order, with stream and id', async () => {
      const result = await client.send(new FilterLogEventsCommand({ logGroupName: '/app' }));

      expect(result.events?.map((e) => e.message)).toEqual(LINES);
      expect(result.events?.[4]).toMatchObject({ logStreamName: 'b', timestamp: T0 + 100 });
      expect(result.events?.[0]?.eventId).toMatch(/^\d{56}$/);
    });

    it('a plain term', async () => {
      expect(await filter('RequestId')).toEqual([LINES[4], LINES[6]]);
    });

    it('a quoted phrase and a term, both required', async () => {
      expect(await filter('"slow DynamoDB" WARN')).toEqual([LINES[5]]);
    });

    it('?OR terms', async () => {
      expect(await filter('?START ?END')).toEqual([LINES[4], LINES[6]]);
    });

    it('-exclusions', async () => {
      expect(await filter('RequestId -END')).toEqual([LINES[4]]);
    });

    it('a JSON pattern selects one tenant’s lines and none of another’s', async () => {
      expect(await filter('{ $.tenantId = "acme" }')).toEqual([LINES[0], LINES[1]]);
    });

    it('a numeric JSON comparison', async () => {
      expect(await filter('{ $.statusCode >= 500 }')).toEqual([LINES[1], LINES[3]]);
    });

    it('&& in a JSON pattern', async () => {
      expect(await filter('{ $.level = "ERROR" && $.tenantId = "globex" }')).toEqual([LINES[3]]);
    });

    it('|| in a JSON pattern', async () => {
      expect(await filter('{ $.tenantId = "acme" || $.statusCode = 500 }')).toEqual([LINES[0], LINES[1], LINES[3]]);
    });

    it('!= in a JSON pattern', async () => {
      expect(await filter('{ $.level != "ERROR" }')).toEqual([LINES[0], LINES[2]]);
    });

    it('a wildcard in a JSON string value', async () => {
      expect(await filter('{ $.tenantId = "glo*" }')).toEqual([LINES[2], LINES[3]]);
    });

    it('EXISTS and NOT EXISTS', async () => {
      expect(await filter('{ $.statusCode EXISTS }')).toEqual(LINES.slice(0, 4));
      expect(await filter('{ $.missing NOT EXISTS }')).toEqual(LINES.slice(0, 4));
    });

    it('by stream, by time range, and in pages', async () => {
      const inB = await client.send(new FilterLogEventsCommand({ logGroupName: '/app', logStreamNames: ['b'] }));
      const late = await client.send(
        new FilterLogEventsCommand({ logGroupName: '/app', startTime: T0 + 2, endTime: T0 + 101 }),
      );
      const first = await client.send(new FilterLogEventsCommand({ logGroupIdentifier: '/app', limit: 4 }));
      const rest = await client.send(
        new FilterLogEventsCommand({ logGroupIdentifier: '/app', limit: 4, nextToken: first.nextToken }),
      );

      expect(inB.events?.map((e) => e.message)).toEqual(LINES.slice(4));
      expect(late.events?.map((e) => e.message)).toEqual([LINES[2], LINES[3], LINES[4]]);
      expect(first.events?.map((e) => e.message)).toEqual(LINES.slice(0, 4));
      expect(rest.events?.map((e) => e.message)).toEqual(LINES.slice(4));
      expect(rest.nextToken).toBeUndefined();
    });
  });

  describe('subscription filters', () => {
    it('delivers the matching events of each stream to the function, gzipped as CloudWatch does', async () => {
      await client.send(
        new PutSubscriptionFilterCommand({
          logGroupName: '/app',
          filterName: 'errors',
          filterPattern: '{ $.level = "ERROR" }',
          destinationArn: FUNCTION_ARN,
        }),
      );
      await put('a', LINES.slice(0, 4));
      await logs.idle();

      expect(invocations).toHaveLength(1);
      expect(invocations[0]?.arn).toBe(FUNCTION_ARN);
      const stored = await client.send(new FilterLogEventsCommand({ logGroupName: '/app', filterPattern: 'ERROR' }));
      expect(
        JSON.parse(gunzipSync(Buffer.from(invocations[0]?.event.awslogs.data ?? '', 'base64')).toString()),
      ).toEqual({
        messageType: 'DATA_MESSAGE',
        owner: '000000000000',
        logGroup: '/app',
        logStream: 'a',
        subscriptionFilters: ['errors'],
        logEvents: [
          { id: stored.events?.[0]?.eventId, timestamp: T0 + 1, message: LINES[1] },
          { id: stored.events?.[1]?.eventId, timestamp: T0 + 3, message: LINES[3] },
        ],
      });
    });

    it('describes and deletes subscriptions, and refuses what CloudWatch refuses', async () => {
      const filterInput = { logGroupName: '/app', filterPattern: '', destinationArn: FUNCTION_ARN };
      await client.send(new PutSubscriptionFilterCommand({ ...filterInput, filterName: 'one' }));
      await client.send(new PutSubscriptionFilterCommand({ ...filterInput, filterName: 'two' }));

      const described = await client.send(new DescribeSubscriptionFiltersCommand({ logGroupName: '/app' }));
      expect(described.subscriptionFilters?.map((f) => [f.filterName, f.destinationArn, f.distribution])).toEqual([
        ['one', FUNCTION_ARN, 'ByLogStream'],
        ['two', FUNCTION_ARN, 'ByLogStream'],
      ]);
      await expect(
        client.send(new PutSubscriptionFilterCommand({ ...filterInput, filterName: 'three' })),
      ).rejects.toMatchObject({ name: 'LimitExceededException' });
      await expect(
        client.send(
          new PutSubscriptionFilterCommand({
            ...filterInput,
            filterName: 'one',
            destinationArn: `${FUNCTION_ARN}-gone`,
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });

      await client.send(new DeleteSubscriptionFilterCommand({ logGroupName: '/app', filterName: 'one' }));
      await put('a', ['after delete']);
      await logs.idle();

      expect(
        invocations.map(
          (i) => JSON.parse(gunzipSync(Buffer.from(i.event.awslogs.data, 'base64')).toString()).subscriptionFilters,
        ),
      ).toEqual([['two']]);
      await expect(
        client.send(new DeleteSubscriptionFilterCommand({ logGroupName: '/app', filterName: 'one' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('delivers what it had not delivered before a restart', async () => {
      await client.send(
        new PutSubscriptionFilterCommand({
          logGroupName: '/app',
          filterName: 'all',
          filterPattern: '',
          destinationArn: FUNCTION_ARN,
        }),
      );
      await put('a', ['before stop']);
      // Closed before the batch left (it waits up to a second).
      await restart();
      await logs.idle();

      const delivered = invocations.map((i) =>
        JSON.parse(gunzipSync(Buffer.from(i.event.awslogs.data, 'base64')).toString()),
      );
      expect(delivered.flatMap((payload) => payload.logEvents.map((e: { message: string }) => e.message))).toEqual([
        'before stop',
      ]);
    });
  });

  it('turns matching events into metric filter datapoints', async () => {
    await client.send(
      new PutMetricFilterCommand({
        logGroupName: '/app',
        filterName: 'server-errors',
        filterPattern: '{ $.statusCode >= 500 }',
        metricTransformations: [
          {
            metricName: 'ServerErrors',
            metricNamespace: 'app',
            metricValue: '1',
            dimensions: { tenant: '$.tenantId' },
          },
        ],
      }),
    );
    await put('a', LINES.slice(0, 4));

    expect(metrics).toEqual([
      {
        namespace: 'app',
        metricName: 'ServerErrors',
        dimensions: { tenant: 'acme' },
        timestamp: T0 + 1,
        value: 1,
        unit: undefined,
      },
      {
        namespace: 'app',
        metricName: 'ServerErrors',
        dimensions: { tenant: 'globex' },
        timestamp: T0 + 3,
        value: 1,
        unit: undefined,
      },
    ]);
  });

  it('reads across sealed segments, before and after a restart', async () => {
    const messages = Array.from({ length: 12_000 }, (_v, index) => `event ${index}`);
    await put('a', messages.slice(0, 6000));
    await put('b', ['in b'], T0 + 6000);
    await put('a', messages.slice(6000), T0 + 6000);
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [entry.name]));
    expect(files(dir).filter((name) => name.endsWith('.summary.json'))).toHaveLength(2);

    const readAll = async () => {
      const read: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 5; page++) {
        const result = await client.send(
          new GetLogEventsCommand({
            logGroupName: '/app',
            logStreamName: 'a',
            startFromHead: true,
            nextToken: token,
            limit: 5000,
          }),
        );
        read.push(...(result.events ?? []).map((e) => e.message ?? ''));
        if (result.nextForwardToken === token) break;
        token = result.nextForwardToken;
      }
      return read;
    };
    const middle = { logGroupName: '/app', startTime: T0 + 5990, endTime: T0 + 6010, filterPattern: 'event' };

    expect(await readAll()).toEqual(messages);
    const beforeRestart = await client.send(new FilterLogEventsCommand(middle));
    await restart();
    expect(await readAll()).toEqual(messages);
    const latest = await client.send(new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'a', limit: 3 }));
    expect(latest.events?.map((e) => e.message)).toEqual(messages.slice(-3));
    const afterRestart = await client.send(new FilterLogEventsCommand(middle));
    expect(afterRestart.events?.map((e) => e.message)).toEqual(beforeRestart.events?.map((e) => e.message));
    // 5990–5999 from the first batch, then 6000–6009 from the second (timestamps T0 + 6000 + i).
    expect(afterRestart.events?.map((e) => e.message)).toEqual([
      ...messages.slice(5990, 6000),
      ...messages.slice(6000, 6010),
    ]);
  });

  it('keeps groups, streams and events across a restart', async () => {
    await put('a', ['kept one', 'kept two']);
    await restart();

    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/app' }));
    const events = await client.send(
      new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'a', startFromHead: true }),
    );
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(['a', 'b']);
    expect(events.events?.map((e) => e.message)).toEqual(['kept one', 'kept two']);

    await put('a', ['after restart'], T0 + 5);
    expect(await filter('kept')).toEqual(['kept one', 'kept two']);
    expect(await filter('')).toEqual(['kept one', 'kept two', 'after restart']);
  });
});
