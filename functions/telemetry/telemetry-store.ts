/** X-Ray and CloudWatch Logs as the telemetry view reads them (telemetry.ts's TraceSource and LogSource). */
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetTracesCommand, GetTraceSummariesCommand, type XRayClient } from '@aws-sdk/client-xray';
import type { LogSource, SegmentDocumentInput, TraceSource } from './telemetry';

/** X-Ray's GetTraceSummaries (by trace start time) and BatchGetTraces. */
export function xrayTraces(xray: Pick<XRayClient, 'send'>): TraceSource {
  return {
    async summaries(filter, window, nextToken) {
      const page = await xray.send(
        new GetTraceSummariesCommand({
          StartTime: window.from,
          EndTime: window.to,
          TimeRangeType: 'TraceId',
          FilterExpression: filter,
          NextToken: nextToken,
        }),
      );
      return { summaries: page.TraceSummaries ?? [], nextToken: page.NextToken || undefined };
    },
    async segments(traceId) {
      const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
      const trace = Traces?.find((t) => t.Id === traceId);
      if (!trace) return undefined;
      return (trace.Segments ?? []).flatMap((segment) =>
        segment.Document ? [JSON.parse(segment.Document) as SegmentDocumentInput] : [],
      );
    },
  };
}

/** CloudWatch Logs' FilterLogEvents (one group per call) and DescribeLogGroups by prefix. */
export function cloudWatchLogs(logs: Pick<CloudWatchLogsClient, 'send'>): LogSource {
  return {
    async filter(logGroupName, filterPattern, startTime, endTime, nextToken) {
      try {
        const page = await logs.send(
          new FilterLogEventsCommand({ logGroupName, filterPattern, startTime, endTime, nextToken }),
        );
        return { events: page.events ?? [], nextToken: page.nextToken || undefined };
      } catch (error) {
        // A function that never ran has no log group yet (on AWS Lambda creates it at first output).
        if ((error as Error).name === 'ResourceNotFoundException') return { events: [] };
        throw error;
      }
    },
    async groupsWithPrefix(logGroupNamePrefix) {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix, nextToken }));
        for (const group of page.logGroups ?? []) if (group.logGroupName) names.push(group.logGroupName);
        nextToken = page.nextToken || undefined;
      } while (nextToken);
      return names;
    },
  };
}
