/**
 * Tenant-aware observability on the local cloud, read back as a user would, with the real SDK
 * clients against the endpoints of endpoints.json: each tenant's log lines (a CloudWatch JSON
 * filter pattern), traces (an X-Ray filter expression) and metrics (EMF → CloudWatch), and no
 * secret in any log line of the journey.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetTraceSummariesCommand, type TraceSummary, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE, METRICS } from '../../contracts/observability';
import type { LocalEndpoints } from '../../local/cloud';
import { outbox, waitFor } from '../support/client';
import { cloud, onboardedTenant, type TenantSession } from '../support/integration/cloud';

const endpoints = () =>
  JSON.parse(fs.readFileSync(path.join(cloud().dataDir, 'endpoints.json'), 'utf8')) as LocalEndpoints;
const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
let logs: CloudWatchLogsClient;
let xray: XRayClient;
let metrics: CloudWatchClient;
let a: TenantSession;
let b: TenantSession;
const started = new Date(Date.now() - 1000);

beforeAll(async () => {
  logs = new CloudWatchLogsClient({ ...local, endpoint: endpoints().logs });
  xray = new XRayClient({ ...local, endpoint: endpoints().xray });
  metrics = new CloudWatchClient({ ...local, endpoint: endpoints().monitoring });
  // One after the other: locally, overlapping invocations of a function share one worker and the
  // X-Ray SDK's one facade segment, which would mix their annotations (docs/local-cloud.md).
  a = await onboardedTenant('obs-a');
  b = await onboardedTenant('obs-b');
  // Tenant A: two products read back and one miss; tenant B: one product.
  const created = await a.api('POST', '/products', { name: 'Anvil', price: 10 });
  await a.api('GET', `/products/${created.body.productId}`);
  expect((await a.api('GET', '/products/no-such-product')).status).toBe(404);
  await b.api('POST', '/products', { name: 'Rope', price: 2 });
});

afterAll(() => {
  for (const client of [logs, xray, metrics]) client?.destroy();
});

/** The pooled Products function's log group, as the template names it. */
async function productsLogGroup(): Promise<string> {
  const { logGroups } = await logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: 'tenantflow-pooled-Products' }),
  );
  const name = logGroups?.[0]?.logGroupName;
  if (!name) throw new Error('no log group for the pooled Products function');
  return name;
}

async function linesMatching(logGroupName: string, filterPattern: string): Promise<FilteredLogEvent[]> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, filterPattern, startTime: started.getTime(), nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe('tenant-aware observability on the local cloud', () => {
  it("finds exactly one tenant's request lines with a JSON filter pattern, none of the other's", async () => {
    const group = await productsLogGroup();

    const linesOfA = await waitFor(
      async () => {
        const lines = await linesMatching(group, `{ $.tenantId = "${a.tenantId}" && $.message = "request" }`);
        return lines.length >= 3 ? lines : undefined;
      },
      "tenant A's request lines",
      10_000,
    );

    const parsed = linesOfA.map((event) => JSON.parse(event.message as string));
    expect(parsed.map((line) => line.tenantId)).toEqual(parsed.map(() => a.tenantId));
    expect(parsed.map((line) => line.statusCode).sort()).toEqual([200, 201, 404]);
    expect(parsed.every((line) => line.tier === 'BASIC' && typeof line.correlation_id === 'string')).toBe(true);
    const linesOfB = await linesMatching(group, `{ $.tenantId = "${b.tenantId}" && $.message = "request" }`);
    expect(linesOfB.map((event) => JSON.parse(event.message as string).route)).toEqual(['POST /products']);
  });

  it("finds a tenant's traces by annotation, with the authorizer and the function in them", async () => {
    // Every page: like X-Ray, a page may hold fewer matches than exist (NextToken goes on).
    const summariesOf = async (tenantId: string) => {
      const summaries: TraceSummary[] = [];
      let NextToken: string | undefined;
      do {
        const page = await xray.send(
          new GetTraceSummariesCommand({
            StartTime: started,
            EndTime: new Date(Date.now() + 1000),
            FilterExpression: `annotation.tenantId = "${tenantId}"`,
            NextToken,
          }),
        );
        summaries.push(...(page.TraceSummaries ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return summaries;
    };

    const tracesOfA = await waitFor(
      async () => {
        const summaries = await summariesOf(a.tenantId);
        return summaries.some((summary) => summary.Http?.HttpStatus === 404) ? summaries : undefined;
      },
      "tenant A's traces, its 404 among them",
      20_000,
    );

    const tenantsAnnotated = tracesOfA.map(
      (summary) => summary.Annotations?.tenantId?.[0]?.AnnotationValue?.StringValue,
    );
    expect(new Set(tenantsAnnotated)).toEqual(new Set([a.tenantId]));
    const idsOfB = new Set((await summariesOf(b.tenantId)).map((summary) => summary.Id));
    expect(tracesOfA.filter((summary) => idsOfB.has(summary.Id))).toEqual([]);
  });

  it('counts the requests per tier in the tenantflow namespace, with the tenant only as a property', async () => {
    const requests = await waitFor(
      async () => {
        const { Datapoints } = await metrics.send(
          new GetMetricStatisticsCommand({
            Namespace: METRIC_NAMESPACE,
            MetricName: METRICS.requests,
            Dimensions: [
              { Name: 'service', Value: 'ProductsFunction' },
              { Name: 'tier', Value: 'BASIC' },
            ],
            StartTime: started,
            EndTime: new Date(Date.now() + 60_000),
            Period: 3600,
            Statistics: ['Sum'],
          }),
        );
        const sum = (Datapoints ?? []).reduce((total, point) => total + (point.Sum ?? 0), 0);
        return sum >= 4 ? sum : undefined;
      },
      'the Requests metric of the BASIC tier',
      10_000,
    );

    // At least this file's four requests (other files' BASIC tenants may add theirs).
    expect(requests).toBeGreaterThanOrEqual(4);
  });

  it('writes no temporary password, token or credential into any log line of the journey', async () => {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'tenantflow-' }));
    const everything: string[] = [];
    for (const group of logGroups ?? []) {
      for (const event of await linesMatching(group.logGroupName as string, '')) everything.push(event.message ?? '');
    }
    const mails = await outbox(cloud());
    const temporaryPasswords = mails.map((mail) => String(mail.variables.temporaryPassword ?? '')).filter(Boolean);
    const secrets = [...temporaryPasswords, a.idToken, b.idToken, a.idToken.split('.')[2] as string];

    expect(everything.length).toBeGreaterThan(50);
    expect(temporaryPasswords.length).toBeGreaterThanOrEqual(2);
    expect(secrets.filter((secret) => everything.some((line) => line.includes(secret)))).toEqual([]);
    // Nothing that looks like a temporary STS credential or a bearer token either.
    expect(
      everything.filter((line) => /"(secretAccessKey|sessionToken|SecretAccessKey|SessionToken)"\s*:/.test(line)),
    ).toEqual([]);
    expect(everything.filter((line) => /Bearer\s+ey/.test(line))).toEqual([]);
  });
});
