/**
 * The trace operations of the local X-Ray API, each a function of its JSON input: GetTraceSummaries
 * (time window, filter expression, paging), BatchGetTraces, GetTraceGraph, GetServiceGraph and
 * PutTraceSegments. Inputs and outputs are X-Ray's REST-JSON shapes (times in epoch seconds).
 */
import { matchesFilter } from './filter-evaluator';
import { FilterExpressionError, type FilterNode, parseFilterExpression, referencedGroups } from './filter-expression';
import type { XRayGroups } from './groups';
import { InvalidSegmentError } from './segment-document';
import { serviceGraphOf } from './service-graph';
import { traceOf, traceSummaryOf } from './summaries';
import type { TraceFacts } from './trace-facts';
import { type TraceStore, traceIdTimeMs } from './trace-store';
import { type TraceView, viewOf } from './trace-view';

/** An error the API answers with: X-Ray's error type, its message, an HTTP status. */
export class XRayApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** What the trace operations read and write. */
export interface TracesApiDeps {
  readonly store: TraceStore;
  readonly groups: XRayGroups;
  /** Summaries per GetTraceSummaries page. */
  readonly pageSize: number;
  readonly now: () => number;
}

/** An operation's JSON input. */
export type Body = Readonly<Record<string, unknown>>;

const invalid = (message: string) => new XRayApiError('InvalidRequestException', message);

/** An epoch-seconds time of the input (the SDK and the CLI send numbers); throws if absent or not a time. */
function timeOf(body: Body, field: string): number {
  const value = body[field];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value) / 1000;
  throw invalid(`${field} is required and must be a timestamp`);
}

function windowOf(body: Body): { start: number; end: number } {
  const start = timeOf(body, 'StartTime');
  const end = timeOf(body, 'EndTime');
  if (end < start) throw invalid('EndTime must not be before StartTime');
  return { start, end };
}

/** Parses a filter expression (and checks the groups it names exist) into a predicate on traces. */
export function compileFilter(groups: XRayGroups, expression: unknown): (facts: TraceFacts) => boolean {
  if (expression === undefined || expression === null || expression === '') return () => true;
  let filter: FilterNode;
  try {
    filter = parseFilterExpression(String(expression));
  } catch (error) {
    if (error instanceof FilterExpressionError) throw invalid(`Invalid filter expression: ${error.message}`);
    throw error;
  }
  for (const ref of referencedGroups(filter))
    if (!groups.group(ref.value)) throw invalid(`Invalid filter expression: no group ${ref.value}`);
  return (facts) => matchesFilter(filter, facts, (_by, value) => groups.filterOf(value));
}

/**
 * The traces whose time falls in the window, newest first: by `TraceId` the start its id says,
 * by `Event` (update) or `Service` (segment end) the end of its last document.
 */
function tracesIn(store: TraceStore, window: { start: number; end: number }, byTraceId: boolean): TraceView[] {
  const views: TraceView[] = [];
  // A trace id holds whole seconds: one started within the window's first second reads as that second's start.
  const lower = byTraceId ? Math.floor(window.start) : window.start;
  for (const trace of store.all()) {
    const view = viewOf(trace);
    const time = byTraceId ? traceIdTimeMs(trace.id) / 1000 : view.facts.startTime + view.facts.duration;
    if (time >= lower && time <= window.end) views.push(view);
  }
  return views.sort((a, b) => b.facts.startTime - a.facts.startTime || a.trace.id.localeCompare(b.trace.id));
}

/** NextToken: where the previous page stopped, as (start time, trace id) of its last summary. */
function encodeToken(view: TraceView): string {
  return Buffer.from(JSON.stringify([view.facts.startTime, view.trace.id])).toString('base64url');
}

function pageStart(views: readonly TraceView[], token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  let cursor: [number, string];
  try {
    cursor = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8'));
  } catch {
    throw invalid('NextToken is not valid');
  }
  if (!Array.isArray(cursor) || typeof cursor[0] !== 'number' || typeof cursor[1] !== 'string')
    throw invalid('NextToken is not valid');
  const [time, id] = cursor;
  const at = views.findIndex((v) => v.facts.startTime < time || (v.facts.startTime === time && v.trace.id > id));
  return at < 0 ? views.length : at;
}

/** GetTraceSummaries. */
export function getTraceSummaries(deps: TracesApiDeps, body: Body) {
  const window = windowOf(body);
  const matches = compileFilter(deps.groups, body.FilterExpression);
  const byTraceId = body.TimeRangeType === undefined || body.TimeRangeType === 'TraceId';
  const inWindow = tracesIn(deps.store, window, byTraceId);
  const matching = inWindow.filter((view) => matches(view.facts));
  const start = pageStart(matching, body.NextToken);
  const page = matching.slice(start, start + deps.pageSize);
  const more = start + page.length < matching.length;
  return {
    TraceSummaries: page.map((view) => traceSummaryOf(view.facts, view.trace.revision)),
    ApproximateTime: deps.now() / 1000,
    TracesProcessedCount: inWindow.length,
    NextToken: more ? encodeToken(page[page.length - 1] as TraceView) : undefined,
  };
}

function traceIdsOf(body: Body): string[] {
  const ids = body.TraceIds;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw invalid('TraceIds must be a list of trace ids');
  return ids as string[];
}

/** BatchGetTraces: the traces with their segment documents, unknown ids as UnprocessedTraceIds. */
export function batchGetTraces(deps: TracesApiDeps, body: Body) {
  const ids = traceIdsOf(body);
  const found = ids.map((id) => deps.store.get(id)).filter((trace) => trace !== undefined);
  return {
    Traces: found.map((trace) => {
      const view = viewOf(trace);
      return traceOf(view.facts, view.segments, trace.limitExceeded);
    }),
    UnprocessedTraceIds: ids.filter((id) => !deps.store.get(id)),
  };
}

/** GetTraceGraph: the service graph of the given traces. */
export function getTraceGraph(deps: TracesApiDeps, body: Body) {
  const views = traceIdsOf(body)
    .map((id) => deps.store.get(id))
    .filter((trace) => trace !== undefined)
    .map(viewOf);
  return { Services: serviceGraphOf(views.map((view) => view.facts)) };
}

/** GetServiceGraph: the service graph of the window's traces, of one group if asked. */
export function getServiceGraph(deps: TracesApiDeps, body: Body) {
  const window = windowOf(body);
  const groupName = body.GroupName ?? body.GroupARN;
  let matches: (facts: TraceFacts) => boolean = () => true;
  if (typeof groupName === 'string') {
    if (!deps.groups.group(groupName)) throw invalid(`Group ${groupName} does not exist`);
    matches = compileFilter(deps.groups, deps.groups.group(groupName)?.FilterExpression);
  }
  const views = tracesIn(deps.store, window, false).filter((view) => matches(view.facts));
  return {
    StartTime: window.start,
    EndTime: window.end,
    Services: serviceGraphOf(views.map((view) => view.facts)),
    ContainsOldGroupVersions: false,
  };
}

/** PutTraceSegments: each document a JSON string; refused ones come back as UnprocessedTraceSegments. */
export function putTraceSegments(deps: TracesApiDeps, body: Body) {
  const documents = body.TraceSegmentDocuments;
  if (!Array.isArray(documents)) throw invalid('TraceSegmentDocuments must be a list of strings');
  const unprocessed: { Id?: string; ErrorCode: string; Message: string }[] = [];
  for (const text of documents) {
    try {
      deps.store.put(JSON.parse(String(text)));
    } catch (error) {
      const id = error instanceof InvalidSegmentError ? error.segmentId : undefined;
      unprocessed.push({ Id: id, ErrorCode: 'InvalidSegment', Message: (error as Error).message });
    }
  }
  return { UnprocessedTraceSegments: unprocessed };
}
