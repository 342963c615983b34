/**
 * Reading the run's local cloud telemetry back as a user would: the real CloudWatch Logs and
 * X-Ray clients pointed at the endpoints of `<dataDir>/endpoints.json`, every page read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetTraceSummariesCommand, type TraceSummary, type XRayClient } from '@aws-sdk/client-xray';
import type { LocalEndpoints } from '../../../local/cloud';
import { cloud } from './cloud';

/** The local service endpoints the run's cloud wrote. */
export const localEndpoints = (): LocalEndpoints =>
  JSON.parse(fs.readFileSync(path.join(cloud().dataDir, 'endpoints.json'), 'utf8')) as LocalEndpoints;

/** Region and (any) credentials for an SDK client of the local cloud. */
export const LOCAL_CLIENT = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** The pooled Products function's log group, as the template names it. */
export async function productsLogGroup(logs: CloudWatchLogsClient): Promise<string> {
  const { logGroups } = await logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: 'tenantflow-pooled-Products' }),
  );
  const name = logGroups?.[0]?.logGroupName;
  if (!name) throw new Error('no log group for the pooled Products function');
  return name;
}

/** Every page of FilterLogEvents since `startTime`. */
export async function linesMatching(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  filterPattern: string,
  startTime: Date,
): Promise<FilteredLogEvent[]> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, filterPattern, startTime: startTime.getTime(), nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Every page of GetTraceSummaries since `startTime` (like X-Ray, a page may hold fewer matches than exist). */
export async function traceSummaries(
  xray: XRayClient,
  filterExpression: string,
  startTime: Date,
): Promise<TraceSummary[]> {
  const summaries: TraceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await xray.send(
      new GetTraceSummariesCommand({
        StartTime: startTime,
        EndTime: new Date(Date.now() + 1000),
        FilterExpression: filterExpression,
        NextToken,
      }),
    );
    summaries.push(...(page.TraceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return summaries;
}
