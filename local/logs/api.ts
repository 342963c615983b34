/**
 * The CloudWatch Logs API actions (AWS JSON 1.1 inputs in, outputs out), with CloudWatch's
 * validation and error types (`ResourceNotFoundException`, `ResourceAlreadyExistsException`,
 * `InvalidParameterException`, `LimitExceededException`).
 */
import { AwsRpcError, type RpcInput, type RpcOperation } from '../aws-rpc';
import { groupNameOfArn, groupOf, int, invalid, type LogsApiContext, page, patternOf, str } from './api-input';
import type { GroupState } from './catalog';
import { eventIdOf } from './event-store';
import { filterOperations } from './filter-api';
import { filterLogEvents, getLogEvents } from './queries';

type Input = RpcInput;

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;
const RETENTION_DAYS = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_BATCH_BYTES = 1_048_576;

function groupView(ctx: LogsApiContext, group: GroupState): Input {
  const arn = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group.name}`;
  return {
    logGroupName: group.name,
    creationTime: group.creationTime,
    retentionInDays: group.retentionInDays,
    metricFilterCount: group.metricFilters.size,
    arn: `${arn}:*`,
    logGroupArn: arn,
    storedBytes: ctx.backend.events.storedBytes(group.name),
    logGroupClass: 'STANDARD',
  };
}

function streamView(ctx: LogsApiContext, group: GroupState, name: string): Input {
  const stats = ctx.backend.events.streamStats(group.name, name);
  return {
    logStreamName: name,
    creationTime: group.streams.get(name),
    firstEventTimestamp: stats?.first,
    lastEventTimestamp: stats?.last,
    lastIngestionTime: stats?.lastIngestion,
    uploadSequenceToken: String(stats?.count ?? 0).padStart(56, '0'),
    arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group.name}:log-stream:${name}`,
    storedBytes: 0,
  };
}

function retentionOf(input: Input): number {
  const days = input.retentionInDays;
  if (!RETENTION_DAYS.has(days))
    throw invalid(
      `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${[...RETENTION_DAYS].join(', ')}]`,
    );
  return days;
}

function tagsOf(input: Input, field = 'tags'): Record<string, string> {
  const tags = input[field] ?? {};
  if (typeof tags !== 'object' || Array.isArray(tags)) throw invalid(`'${field}' must be a map`);
  return tags as Record<string, string>;
}

/** Which of a PutLogEvents batch CloudWatch would refuse, and the error for an invalid batch. */
function rejections(events: readonly { timestamp: number; message: string }[], retentionInDays?: number) {
  const now = Date.now();
  const oldest = now - 14 * DAY_MS;
  const expiry = retentionInDays === undefined ? Number.NEGATIVE_INFINITY : now - retentionInDays * DAY_MS;
  let bytes = 0;
  let tooOld = -1;
  let expired = -1;
  let tooNew = -1;
  events.forEach((event, index) => {
    if (!Number.isInteger(event?.timestamp) || typeof event?.message !== 'string' || event.message === '')
      throw invalid('Each log event needs a timestamp and a non-empty message.');
    if (index > 0 && event.timestamp < (events[index - 1] as { timestamp: number }).timestamp)
      throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
    bytes += Buffer.byteLength(event.message) + 26;
    if (event.timestamp < expiry) expired = index;
    if (event.timestamp < oldest) tooOld = index;
    if (tooNew < 0 && event.timestamp > now + 2 * 60 * 60 * 1000) tooNew = index;
  });
  const first = events[0]?.timestamp ?? 0;
  if ((events.at(-1)?.timestamp ?? 0) - first > DAY_MS)
    throw invalid('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  if (bytes > MAX_BATCH_BYTES) throw invalid('Upload too large: the batch exceeds 1,048,576 bytes.');
  return { tooOld, expired, tooNew };
}

/** The CloudWatch Logs operations, by the name after `Logs_20140328.` in X-Amz-Target. */
export function logsOperations(ctx: LogsApiContext): Record<string, RpcOperation> {
  return {
    ...groupOperations(ctx),
    ...eventOperations(ctx),
    ...filterOperations(ctx),
    ...tagOperations(ctx),
  };
}

/** Log groups and streams. */
function groupOperations(ctx: LogsApiContext): Record<string, RpcOperation> {
  const { backend } = ctx;
  return {
    CreateLogGroup(input) {
      const name = str(input, 'logGroupName', true);
      if (!GROUP_NAME.test(name)) throw invalid(`Invalid log group name: ${name}`);
      backend.createGroup(name, { tags: tagsOf(input) });
      return {};
    },
    DescribeLogGroups(input) {
      const prefix = str(input, 'logGroupNamePrefix');
      const pattern = str(input, 'logGroupNamePattern')?.toLowerCase();
      if (prefix !== undefined && pattern !== undefined)
        throw invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      const groups = [...backend.catalog.groups.values()]
        .filter(
          (g) =>
            (prefix === undefined || g.name.startsWith(prefix)) && (!pattern || g.name.toLowerCase().includes(pattern)),
        )
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const { items, nextToken } = page(input, groups, 50);
      return { logGroups: items.map((group) => groupView(ctx, group)), nextToken };
    },
    DeleteLogGroup(input) {
      backend.deleteGroup(str(input, 'logGroupName', true));
      return {};
    },
    PutRetentionPolicy(input) {
      backend.setRetention(str(input, 'logGroupName', true), retentionOf(input));
      return {};
    },
    DeleteRetentionPolicy(input) {
      backend.setRetention(str(input, 'logGroupName', true), undefined);
      return {};
    },
    CreateLogStream(input) {
      const stream = str(input, 'logStreamName', true);
      if (!STREAM_NAME.test(stream)) throw invalid(`Invalid log stream name: ${stream}`);
      backend.createStream(str(input, 'logGroupName', true), stream);
      return {};
    },
    DescribeLogStreams(input) {
      const group = groupOf(ctx, input);
      const prefix = str(input, 'logStreamNamePrefix');
      const byTime = str(input, 'orderBy') === 'LastEventTime';
      if (byTime && prefix !== undefined) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const views = [...group.streams.keys()]
        .filter((name) => prefix === undefined || name.startsWith(prefix))
        .map((name) => streamView(ctx, group, name));
      const key = (view: Input) => (byTime ? (view.lastEventTimestamp ?? 0) : view.logStreamName);
      views.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (input.descending === true) views.reverse();
      const { items, nextToken } = page(input, views, 50);
      return { logStreams: items, nextToken };
    },
  };
}

/** Writing and reading events. */
function eventOperations(ctx: LogsApiContext): Record<string, RpcOperation> {
  const { backend } = ctx;
  return {
    PutLogEvents(input, request) {
      const group = backend.group(str(input, 'logGroupName', true));
      const stream = str(input, 'logStreamName', true);
      const events = input.logEvents;
      if (!Array.isArray(events) || events.length < 1 || events.length > 10_000)
        throw invalid('logEvents must hold 1 to 10,000 events.');
      const { tooOld, expired, tooNew } = rejections(events, group.retentionInDays);
      const firstKept = Math.max(tooOld, expired) + 1;
      const kept = events.slice(firstKept, tooNew < 0 ? undefined : tooNew);
      const emf = String(request.headers['x-amzn-logs-format'] ?? '') === 'json/emf';
      if (!group.streams.has(stream))
        throw new AwsRpcError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const stored = kept.length > 0 ? backend.put(group.name, stream, kept, emf) : [];
      const rejected =
        tooOld >= 0 || expired >= 0 || tooNew >= 0
          ? {
              ...(tooOld >= 0 ? { tooOldLogEventEndIndex: tooOld } : {}),
              ...(expired >= 0 ? { expiredLogEventEndIndex: expired } : {}),
              ...(tooNew >= 0 ? { tooNewLogEventStartIndex: tooNew } : {}),
            }
          : undefined;
      const last = stored.at(-1);
      return { nextSequenceToken: last ? eventIdOf(last) : undefined, rejectedLogEventsInfo: rejected };
    },
    GetLogEvents(input) {
      const group = groupOf(ctx, input);
      const stream = str(input, 'logStreamName', true);
      if (!group.streams.has(stream))
        throw new AwsRpcError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const result = getLogEvents(backend.events, {
        group: group.name,
        stream,
        start: input.startTime ?? undefined,
        end: input.endTime ?? undefined,
        limit: int(input, 'limit', 1, 10_000, 10_000),
        startFromHead: input.startFromHead === true,
        nextToken: str(input, 'nextToken'),
        notBefore: backend.notBefore(group.name),
      });
      return {
        events: result.events.map((event) => ({ timestamp: event.t, message: event.m, ingestionTime: event.i })),
        nextForwardToken: result.nextForwardToken,
        nextBackwardToken: result.nextBackwardToken,
      };
    },
    FilterLogEvents(input) {
      const group = groupOf(ctx, input);
      const names = input.logStreamNames as string[] | undefined;
      const prefix = str(input, 'logStreamNamePrefix');
      if (names !== undefined && prefix !== undefined)
        throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      if (names !== undefined && (!Array.isArray(names) || names.length < 1 || names.length > 100))
        throw invalid('logStreamNames must name 1 to 100 streams.');
      const streams =
        names !== undefined
          ? new Set(names)
          : prefix !== undefined
            ? new Set([...group.streams.keys()].filter((name) => name.startsWith(prefix)))
            : undefined;
      if (names?.some((name) => !group.streams.has(name)))
        throw new AwsRpcError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const result = filterLogEvents(backend.events, {
        group: group.name,
        streams,
        start: input.startTime ?? undefined,
        end: input.endTime ?? undefined,
        pattern: patternOf(str(input, 'filterPattern')),
        limit: int(input, 'limit', 1, 10_000, 10_000),
        nextToken: str(input, 'nextToken'),
        notBefore: backend.notBefore(group.name),
      });
      return {
        events: result.events.map((event) => ({
          logStreamName: event.s,
          timestamp: event.t,
          message: event.m,
          ingestionTime: event.i,
          eventId: eventIdOf(event),
        })),
        searchedLogStreams: [],
        nextToken: result.nextToken,
      };
    },
  };
}

/** Tags, by log group name (the old actions) or by ARN. */
function tagOperations(ctx: LogsApiContext): Record<string, RpcOperation> {
  const { backend } = ctx;
  const byArn = (input: Input) => backend.group(groupNameOfArn(str(input, 'resourceArn', true)));
  const tag = (group: GroupState, tags: Record<string, string>) =>
    backend.setTags(group.name, { ...group.tags, ...tags });
  const untag = (group: GroupState, keys: unknown) =>
    backend.setTags(
      group.name,
      Object.fromEntries(Object.entries(group.tags).filter(([key]) => !(keys as string[]).includes(key))),
    );
  const named = (input: Input) => backend.group(str(input, 'logGroupName', true));
  return {
    TagResource(input) {
      tag(byArn(input), tagsOf(input));
    },
    UntagResource(input) {
      untag(byArn(input), input.tagKeys ?? []);
    },
    ListTagsForResource(input) {
      return { tags: byArn(input).tags };
    },
    TagLogGroup(input) {
      tag(named(input), tagsOf(input));
    },
    UntagLogGroup(input) {
      untag(named(input), input.tags ?? []);
    },
    ListTagsLogGroup(input) {
      return { tags: named(input).tags };
    },
  };
}
