import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  DescribeQueryDefinitionsCommand,
  DescribeSubscriptionFiltersCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployFixtureTenantStack, fakeServices, fixtureTemplate } from '../../test/support/local/cloudformation';
import type { LocalCloudFormation } from '../cloudformation';
import { type LocalLogs, startLocalLogs } from '.';

/** The fixture tenant stack plus what CDK synthesizes for a function's logs and a subscription. */
function templateWithLogs(): Record<string, unknown> {
  const template = fixtureTemplate() as { Resources: Record<string, unknown> };
  template.Resources.FnLogs = {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Delete',
    Properties: { RetentionInDays: 30 },
  };
  template.Resources.AuditLogs = {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Retain',
    Properties: { LogGroupName: { 'Fn::Join': ['', ['/tenant/', { Ref: 'TenantId' }, '/audit']] } },
  };
  template.Resources.Errors = {
    Type: 'AWS::Logs::SubscriptionFilter',
    Properties: {
      LogGroupName: { Ref: 'AuditLogs' },
      FilterPattern: '{ $.level = "ERROR" }',
      DestinationArn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    },
  };
  template.Resources.ServerErrors = {
    Type: 'AWS::Logs::MetricFilter',
    Properties: {
      LogGroupName: { Ref: 'AuditLogs' },
      FilterPattern: '{ $.statusCode >= 500 }',
      MetricTransformations: [{ MetricName: 'ServerErrors', MetricNamespace: 'tenantflow', MetricValue: '1' }],
    },
  };
  template.Resources.SlowRequests = {
    Type: 'AWS::Logs::QueryDefinition',
    Properties: {
      Name: 'tenant/slow',
      QueryString: 'fields @message | filter latencyMs > 1000',
      LogGroupNames: [{ Ref: 'FnLogs' }],
    },
  };
  return template;
}

describe('the deployer and the local CloudWatch Logs', () => {
  let dir: string;
  let fake: ReturnType<typeof fakeServices>;
  let logs: LocalLogs;
  let cfn: LocalCloudFormation;
  let client: CloudWatchLogsClient;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-logs-cfn-'));
    fake = fakeServices();
    logs = await startLocalLogs({ dataDir: path.join(dir, 'logs') });
    logs.connectFunctions({ has: (arn) => fake.lambda.has(arn), invoke: async () => null });
    client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: logs.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    cfn = await deployFixtureTenantStack(dir, templateWithLogs(), { ...fake.services, logs });
  });
  afterEach(async () => {
    client.destroy();
    await cfn.close();
    await fake.lambda.close();
    await logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the log groups (retention kept), the subscription, the metric filter and the saved query', async () => {
    const groups = await client.send(new DescribeLogGroupsCommand({}));
    const subscriptions = await client.send(
      new DescribeSubscriptionFiltersCommand({ logGroupName: '/tenant/t1/audit' }),
    );
    const metricFilters = await client.send(new DescribeMetricFiltersCommand({ logGroupName: '/tenant/t1/audit' }));
    const queries = await client.send(new DescribeQueryDefinitionsCommand({}));

    expect(groups.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      ['/tenant/t1/audit', undefined],
      ['tenant-t1-FnLogs', 30],
    ]);
    expect(subscriptions.subscriptionFilters).toEqual([
      expect.objectContaining({
        filterName: 'tenant-t1-Errors',
        filterPattern: '{ $.level = "ERROR" }',
        destinationArn: 'arn:aws:lambda:us-east-1:000000000000:function:tenant-t1-Fn',
      }),
    ]);
    expect(metricFilters.metricFilters?.[0]?.metricTransformations).toEqual([
      { metricName: 'ServerErrors', metricNamespace: 'tenantflow', metricValue: '1' },
    ]);
    expect(queries.queryDefinitions?.map((q) => [q.name, q.logGroupNames])).toEqual([
      ['tenant/slow', ['tenant-t1-FnLogs']],
    ]);
  });

  it('removes the subscription, filters and query with the stack, and the groups unless retained', async () => {
    await cfn.deleteStack({ StackName: 'tenant-t1' });
    await cfn.idle();

    const groups = await client.send(new DescribeLogGroupsCommand({}));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/tenant/t1/audit']);
    expect(
      (await client.send(new DescribeSubscriptionFiltersCommand({ logGroupName: '/tenant/t1/audit' })))
        .subscriptionFilters,
    ).toEqual([]);
    expect(
      (await client.send(new DescribeMetricFiltersCommand({ logGroupName: '/tenant/t1/audit' }))).metricFilters,
    ).toEqual([]);
    expect((await client.send(new DescribeQueryDefinitionsCommand({}))).queryDefinitions).toEqual([]);
  });
});
