/**
 * Tenant-aware observability on the local cloud, read back as a user would, with the real SDK
 * clients against the endpoints of endpoints.json: each tenant's log lines (a CloudWatch JSON
 * filter pattern) and metrics (EMF → CloudWatch), an onboarding's steps followed by its
 * correlation id, and no secret in any log line of the journey.
 * (Traces: test/integration/tracing.test.ts, and by tenant annotation after overlapping
 * requests: test/integration/overlapping-tenants.test.ts.)
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE, METRICS } from '../../contracts/observability';
import { outbox, waitFor } from '../support/client';
import { cloud, onboardedTenant, type TenantSession } from '../support/integration/cloud';
import { LOCAL_CLIENT, linesMatching, localEndpoints, productsLogGroup } from '../support/integration/telemetry';

let logs: CloudWatchLogsClient;
let metrics: CloudWatchClient;
let a: TenantSession;
let b: TenantSession;
const started = new Date(Date.now() - 1000);

beforeAll(async () => {
  logs = new CloudWatchLogsClient({ ...LOCAL_CLIENT, endpoint: localEndpoints().logs });
  metrics = new CloudWatchClient({ ...LOCAL_CLIENT, endpoint: localEndpoints().monitoring });
  a = await onboardedTenant('obs-a');
  b = await onboardedTenant('obs-b');
  // Tenant A: two products read back and one miss; tenant B: one product.
  const created = await a.api('POST', '/products', { name: 'Anvil', price: 10 });
  await a.api('GET', `/products/${created.body.productId}`);
  expect((await a.api('GET', '/products/no-such-product')).status).toBe(404);
  await b.api('POST', '/products', { name: 'Rope', price: 2 });
});

afterAll(() => {
  for (const client of [logs, metrics]) client?.destroy();
});

/** The names of the functions an execution invoked: Lambda tasks by ARN, and `lambda:invoke` integrations. */
async function functionsInvokedBy(executionArn: string): Promise<string[]> {
  const sfn = new SFNClient({ ...LOCAL_CLIENT, endpoint: cloud().stepFunctionsEndpoint });
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    sfn.destroy();
  }
  const arns = events.flatMap((event) => {
    if (event.lambdaFunctionScheduledEventDetails) return [event.lambdaFunctionScheduledEventDetails.resource];
    const task = event.taskScheduledEventDetails;
    if (task?.resourceType !== 'lambda') return [];
    return [(JSON.parse(task.parameters ?? '{}') as { FunctionName?: string }).FunctionName];
  });
  return [...new Set(arns.map((arn) => String(arn).split(':').pop() as string))].sort();
}

describe('tenant-aware observability on the local cloud', () => {
  it("finds exactly one tenant's request lines with a JSON filter pattern, none of the other's", async () => {
    const group = await productsLogGroup(logs);

    const linesOfA = await waitFor(
      async () => {
        const lines = await linesMatching(
          logs,
          group,
          `{ $.tenantId = "${a.tenantId}" && $.message = "request" }`,
          started,
        );
        return lines.length >= 3 ? lines : undefined;
      },
      "tenant A's request lines",
      10_000,
    );

    const parsed = linesOfA.map((event) => JSON.parse(event.message as string));
    expect(parsed.map((line) => line.tenantId)).toEqual(parsed.map(() => a.tenantId));
    expect(parsed.map((line) => line.statusCode).sort()).toEqual([200, 201, 404]);
    expect(parsed.every((line) => line.tier === 'BASIC' && typeof line.correlation_id === 'string')).toBe(true);
    const linesOfB = await linesMatching(
      logs,
      group,
      `{ $.tenantId = "${b.tenantId}" && $.message = "request" }`,
      started,
    );
    expect(linesOfB.map((event) => JSON.parse(event.message as string).route)).toEqual(['POST /products']);
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

  it("finds every onboarding step's line by the onboarding's correlation id (the registration id) across the control plane's log groups", async () => {
    const { registrationId, executionId } = a.registration;
    // An execution's ARN is its state machine's, with `execution` for `stateMachine` and its name appended.
    const machine = cloud().onboardingStateMachineArn;
    const invoked = await functionsInvokedBy(`${machine.replace(':stateMachine:', ':execution:')}:${executionId}`);
    const groups: string[] = [];
    for await (const page of paginateDescribeLogGroups(
      { client: logs },
      { logGroupNamePrefix: 'tenantflow-control-plane-' },
    ))
      groups.push(...(page.logGroups ?? []).map((group) => group.logGroupName as string));

    const lines = await waitFor(
      async () => {
        const found = [];
        for (const group of groups)
          for (const event of await linesMatching(logs, group, `{ $.correlation_id = "${registrationId}" }`, started))
            found.push(JSON.parse(event.message as string));
        const stepped = new Set(found.filter((line) => line.message === 'step done').map((line) => line.function_name));
        return invoked.every((name) => stepped.has(name)) ? found : undefined;
      },
      "a 'step done' line of every function the onboarding invoked",
      10_000,
    );

    expect(invoked.length).toBeGreaterThanOrEqual(5);
    expect(lines.every((line) => line.correlation_id === registrationId && line.tenantId === a.tenantId)).toBe(true);
  });

  it('writes no temporary password, token or credential into any log line of the journey', async () => {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'tenantflow-' }));
    const everything: string[] = [];
    for (const group of logGroups ?? []) {
      for (const event of await linesMatching(logs, group.logGroupName as string, '', started))
        everything.push(event.message ?? '');
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
