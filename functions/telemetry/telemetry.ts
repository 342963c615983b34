/**
 * Operators' view of one tenant's telemetry: its recent requests (X-Ray trace summaries by the
 * `tenantId` annotation), one trace as a waterfall, and its log lines (CloudWatch Logs JSON
 * filter pattern on `tenantId`) merged across every log group that can hold them. Independent of
 * the AWS SDK and HTTP: telemetry-store.ts is the I/O.
 *
 * Everything that reaches a filter expression or pattern is validated here first: a tenant id
 * must be a tenant id (a UUID), a level one of four words, so no request can widen a filter.
 */
import { NotFoundError, ValidationError } from '../../contracts/errors';
import {
  LOG_LEVELS,
  type LogLevelName,
  type LogLine,
  type TraceDetail,
  type TraceSegment,
  type TraceSummary,
} from '../../contracts/schemas/control-plane';
import type { TenantRecord } from '../../contracts/tenant-record';
import { parseLimit } from '../shared/pagination';

export type { LogLine, TraceDetail, TraceSegment, TraceSummary };

/** Tenant ids are UUIDs (registrations draw them with `randomUUID`). */
export const TENANT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** X-Ray's trace id: version 1, epoch seconds in hex, 96 random bits. */
export const TRACE_ID_PATTERN = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
/** The default window: the last hour. */
export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;
/** The widest window a request may ask for. */
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
/** CloudFormation names a silo tenant's stack `tenantflow-silo-<tenantId>`, and its unnamed log groups after the stack. */
export const SILO_LOG_GROUP_PREFIX = 'tenantflow-silo-';

type Query = Readonly<Record<string, string | undefined>> | null;

// ---- Validation ----

const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

/** A tenant id from a path: 400 unless it has the form of one (before it goes near a filter). */
export function parseTenantId(value: string): string {
  if (!TENANT_ID_PATTERN.test(value)) throw invalid('tenantId', 'must be a tenant id (a lower-case UUID)');
  return value;
}

/** A trace id from a path: 400 unless it has X-Ray's form. */
export function parseTraceId(value: string): string {
  if (!TRACE_ID_PATTERN.test(value))
    throw invalid('traceId', 'must be an X-Ray trace id (1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx)');
  return value;
}

/** The time window of a list. */
export interface Window {
  readonly from: Date;
  readonly to: Date;
}

// Date.parse also takes "March 7" or "1"; the API promises ISO 8601 date-times only.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function timeOf(query: Query, field: 'from' | 'to'): Date | undefined {
  const raw = query?.[field];
  if (raw === undefined) return undefined;
  const ms = ISO_DATE_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(field, 'must be an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z');
  return new Date(ms);
}

/** `?from&to`: default the hour before `to`, `to` defaults to now; at most 24 hours wide. */
export function parseWindow(query: Query, now: Date): Window {
  const fromGiven = timeOf(query, 'from');
  const to = timeOf(query, 'to') ?? now;
  const from = fromGiven ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (to < from) throw invalid('to', 'must not be before from');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw invalid('from', 'must be at most 24 hours before to');
  return { from, to };
}

/** `?level`: one of DEBUG, INFO, WARN, ERROR, or none. */
export function parseLevel(query: Query): LogLevelName | undefined {
  const raw = query?.level;
  if (raw === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw invalid('level', `must be one of ${LOG_LEVELS.join(', ')}`);
  return raw as LogLevelName;
}

// ---- Filter building ----

/** `annotation.tenantId = "<id>"`, the X-Ray filter expression of a tenant's traces. */
export function tenantTraceFilter(tenantId: string): string {
  return `annotation.tenantId = "${parseTenantId(tenantId)}"`;
}

/** `{ $.tenantId = "<id>" }` (and the level), the CloudWatch Logs JSON filter pattern of a tenant's lines. */
export function tenantLogFilter(tenantId: string, level?: LogLevelName): string {
  const tenant = `$.tenantId = "${parseTenantId(tenantId)}"`;
  if (level === undefined) return `{ ${tenant} }`;
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw invalid('level', `must be one of ${LOG_LEVELS.join(', ')}`);
  return `{ ${tenant} && $.level = "${level}" }`;
}

// ---- Page tokens ----

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const badToken = () => invalid('nextToken', 'is not a valid page token');

/** Where a traces page resumes: X-Ray's page (its NextToken, none for the first) and how many of its summaries were shown. */
export interface TraceCursor {
  readonly xrayToken?: string;
  readonly skip: number;
}

/** The traces `nextToken`: base64url JSON `{"x": <X-Ray NextToken>?, "s": <summaries of that page already shown>}`. */
export function encodeTraceCursor(cursor: TraceCursor): string {
  return encodeToken({ ...(cursor.xrayToken === undefined ? {} : { x: cursor.xrayToken }), s: cursor.skip });
}

export function decodeTraceCursor(token: string | undefined): TraceCursor {
  if (token === undefined) return { skip: 0 };
  const value = decodeToken(token) as { x?: unknown; s?: unknown } | undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    !Number.isInteger(value.s) ||
    (value.s as number) < 0 ||
    (value.x !== undefined && typeof value.x !== 'string')
  )
    throw badToken();
  return { xrayToken: value.x as string | undefined, skip: value.s as number };
}

/**
 * Where a log lines page resumes: the last line shown, by its time, its log group and its event
 * id. Lines are ordered by (timestamp, log group name, position in the group), so the cursor
 * alone says which lines of every group are still to come.
 */
export interface LogCursor {
  readonly timestamp: number;
  readonly logGroup: string;
  readonly eventId: string;
}

/** The logs `nextToken`: base64url JSON `{"t": <epoch ms>, "g": <log group>, "e": <event id>}` of the last line shown. */
export function encodeLogCursor(cursor: LogCursor): string {
  return encodeToken({ t: cursor.timestamp, g: cursor.logGroup, e: cursor.eventId });
}

export function decodeLogCursor(token: string | undefined): LogCursor | undefined {
  if (token === undefined) return undefined;
  const value = decodeToken(token) as { t?: unknown; g?: unknown; e?: unknown } | undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    !Number.isInteger(value.t) ||
    typeof value.g !== 'string' ||
    typeof value.e !== 'string'
  )
    throw badToken();
  return { timestamp: value.t as number, logGroup: value.g, eventId: value.e };
}

// ---- Traces ----

/** The fields of an X-Ray TraceSummary this view reads (the SDK's shape, times in Dates and seconds). */
export interface TraceSummaryInput {
  readonly Id?: string;
  readonly StartTime?: Date;
  readonly Duration?: number;
  readonly HasFault?: boolean;
  readonly HasError?: boolean;
  readonly HasThrottle?: boolean;
  readonly Http?: { readonly HttpMethod?: string; readonly HttpURL?: string; readonly HttpStatus?: number };
}

/** A segment document as X-Ray stores it (the fields the waterfall reads). */
export interface SegmentDocumentInput {
  readonly id: string;
  readonly name: string;
  readonly parent_id?: string;
  readonly start_time: number;
  readonly end_time?: number;
  readonly origin?: string;
  readonly fault?: boolean;
  readonly error?: boolean;
  readonly throttle?: boolean;
  readonly http?: { readonly response?: { readonly status?: number } };
  readonly aws?: { readonly operation?: unknown };
  readonly annotations?: Readonly<Record<string, unknown>>;
  readonly subsegments?: readonly SegmentDocumentInput[];
}

/** X-Ray, as this view reads it. */
export interface TraceSource {
  /** One page of summaries matching `filter` in the window. */
  summaries(
    filter: string,
    window: Window,
    xrayToken?: string,
  ): Promise<{ summaries: TraceSummaryInput[]; nextToken?: string }>;
  /** The segment documents of one trace; undefined when X-Ray does not know it. */
  segments(traceId: string): Promise<SegmentDocumentInput[] | undefined>;
}

/** The path of a URL (or the value itself when it is no absolute URL). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** A summary as the console lists it. */
export function traceSummaryOf(summary: TraceSummaryInput): TraceSummary {
  const http = summary.Http ?? {};
  return {
    traceId: summary.Id ?? '',
    at: (summary.StartTime ?? new Date(0)).toISOString(),
    durationMs: milliseconds(summary.Duration ?? 0),
    ...(http.HttpMethod ? { method: http.HttpMethod } : {}),
    ...(http.HttpURL ? { path: pathOf(http.HttpURL) } : {}),
    ...(Number.isInteger(http.HttpStatus) ? { status: http.HttpStatus } : {}),
    fault: summary.HasFault === true,
    error: summary.HasError === true,
    throttle: summary.HasThrottle === true,
  };
}

/** Newest first; the same instant by trace id, so pages are stable. */
function newestFirst(a: TraceSummary, b: TraceSummary): number {
  return b.at.localeCompare(a.at) || a.traceId.localeCompare(b.traceId);
}

/**
 * One page of up to `limit` summaries, newest first within each X-Ray page (the local X-Ray's
 * pages are newest first throughout). Reads X-Ray pages until `limit` are found; the token
 * remembers how far into the last one it got.
 */
export async function collectTraces(
  source: Pick<TraceSource, 'summaries'>,
  filter: string,
  window: Window,
  limit: number,
  cursor: TraceCursor,
): Promise<{ items: TraceSummary[]; nextToken?: string }> {
  const items: TraceSummary[] = [];
  let xrayToken = cursor.xrayToken;
  let skip = cursor.skip;
  for (;;) {
    const page = await source.summaries(filter, window, xrayToken);
    const summaries = page.summaries
      .map(traceSummaryOf)
      .filter((s) => s.traceId)
      .sort(newestFirst);
    const taken = summaries.slice(skip, skip + (limit - items.length));
    items.push(...taken);
    const shown = skip + taken.length;
    if (items.length >= limit) {
      if (shown < summaries.length) return { items, nextToken: encodeTraceCursor({ xrayToken, skip: shown }) };
      return {
        items,
        nextToken: page.nextToken ? encodeTraceCursor({ xrayToken: page.nextToken, skip: 0 }) : undefined,
      };
    }
    if (!page.nextToken) return { items };
    xrayToken = page.nextToken;
    skip = 0;
  }
}

/** X-Ray's seconds as milliseconds, to the microsecond. */
function milliseconds(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}

interface Node {
  readonly doc: SegmentDocumentInput;
  readonly parentId?: string;
}

/**
 * The waterfall of a trace: every segment and nested subsegment, depth-first with siblings in
 * start order, each with its depth and its offset from the trace's start. A segment whose parent
 * is a subsegment of another segment (Lambda's function segment under its invocation) hangs
 * under that subsegment; a parent X-Ray did not receive makes a node a root.
 */
export function waterfallOf(traceId: string, documents: readonly SegmentDocumentInput[]): TraceDetail {
  const nodes = new Map<string, Node>();
  const visit = (doc: SegmentDocumentInput, parentId: string | undefined) => {
    if (!nodes.has(doc.id)) nodes.set(doc.id, { doc, parentId });
    for (const sub of doc.subsegments ?? []) visit(sub, doc.id);
  };
  for (const doc of documents) visit(doc, doc.parent_id);
  const all = [...nodes.values()];
  if (all.length === 0) throw new NotFoundError('Trace');

  const start = Math.min(...all.map((node) => node.doc.start_time));
  const end = Math.max(...all.map((node) => node.doc.end_time ?? node.doc.start_time));
  const children = new Map<string | undefined, Node[]>();
  for (const node of all) {
    const parent = node.parentId !== undefined && nodes.has(node.parentId) ? node.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const segments: TraceSegment[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const siblings = (children.get(parent) ?? []).sort(
      (a, b) => a.doc.start_time - b.doc.start_time || a.doc.id.localeCompare(b.doc.id),
    );
    for (const node of siblings) {
      segments.push(segmentOf(node, depth, start, end));
      walk(node.doc.id, depth + 1);
    }
  };
  walk(undefined, 0);
  const tenantId = all.map((node) => node.doc.annotations?.tenantId).find((value) => typeof value === 'string');
  return {
    traceId,
    startedAt: new Date(Math.round(start * 1000)).toISOString(),
    durationMs: milliseconds(end - start),
    ...(tenantId ? { tenantId: tenantId as string } : {}),
    segments,
  };
}

function segmentOf(node: Node, depth: number, traceStart: number, traceEnd: number): TraceSegment {
  const { doc } = node;
  // A segment still in progress has no end yet: it lasts until the trace's last known moment.
  const end = doc.end_time ?? traceEnd;
  const status = doc.http?.response?.status;
  const operation = doc.aws?.operation;
  return {
    id: doc.id,
    ...(node.parentId ? { parentId: node.parentId } : {}),
    name: doc.name,
    ...(doc.origin ? { origin: doc.origin } : {}),
    depth,
    startOffsetMs: milliseconds(doc.start_time - traceStart),
    durationMs: milliseconds(Math.max(0, end - doc.start_time)),
    fault: doc.fault === true,
    error: doc.error === true,
    throttle: doc.throttle === true,
    ...(typeof operation === 'string' ? { operation } : {}),
    ...(Number.isInteger(status) ? { status } : {}),
  };
}

// ---- Log lines ----

/** A FilterLogEvents event (the fields read). */
export interface LogEventInput {
  readonly eventId?: string;
  readonly timestamp?: number;
  readonly message?: string;
}

/** CloudWatch Logs, as this view reads it. */
export interface LogSource {
  /** One FilterLogEvents page of a group, oldest first. */
  filter(
    logGroup: string,
    pattern: string,
    startMs: number,
    endMs: number,
    nextToken?: string,
  ): Promise<{ events: LogEventInput[]; nextToken?: string }>;
  /** The log groups whose names start with `prefix`. */
  groupsWithPrefix(prefix: string): Promise<string[]>;
}

/** The deployment's log groups that hold tenant lines, from the function's environment. */
export interface TenantLogGroups {
  /** The pooled tenant API's functions (pool tenants' requests). */
  readonly pooledApi: readonly string[];
  /** The control plane's and the onboarding's functions (every tenant's sign-up and operations). */
  readonly shared: readonly string[];
}

/**
 * The log groups that can hold a tenant's lines: the control plane's and the onboarding's, and
 * then the pooled API's for a pool tenant or its own stack's for a silo tenant. Sorted by name,
 * the order lines of the same millisecond are merged in.
 */
export async function logGroupsOf(
  tenant: Pick<TenantRecord, 'tenantId' | 'deploymentModel'>,
  groups: TenantLogGroups,
  source: Pick<LogSource, 'groupsWithPrefix'>,
): Promise<string[]> {
  const own =
    tenant.deploymentModel === 'silo'
      ? await source.groupsWithPrefix(`${SILO_LOG_GROUP_PREFIX}${parseTenantId(tenant.tenantId)}-`)
      : groups.pooledApi;
  return [...new Set([...groups.shared, ...own])].sort();
}

/** Keys a log line shows in their own columns; the rest go to `fields`. */
const OWN_KEYS = new Set(['level', 'message', 'service', 'correlation_id', 'timestamp']);

/** A JSON log line as the console shows it. */
export function logLineOf(logGroup: string, event: LogEventInput): LogLine {
  const text = event.message ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const timestamp = new Date(event.timestamp ?? 0).toISOString();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { timestamp, logGroup, message: text.trimEnd(), fields: {} };
  const line = parsed as Record<string, unknown>;
  const text_ = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const message = line.message;
  return {
    timestamp,
    logGroup,
    ...(text_(line.level) ? { level: text_(line.level) } : {}),
    message: typeof message === 'string' ? message : JSON.stringify(message ?? ''),
    ...(text_(line.service) ? { service: text_(line.service) } : {}),
    ...(text_(line.correlation_id) ? { correlationId: text_(line.correlation_id) } : {}),
    fields: Object.fromEntries(Object.entries(line).filter(([key]) => !OWN_KEYS.has(key))),
  };
}

interface Ranked {
  readonly logGroup: string;
  readonly eventId: string;
  readonly timestamp: number;
  readonly event: LogEventInput;
}

/** Whether a line of `logGroup` at `timestamp` comes after the cursor (same group: decided by position). */
function afterCursor(cursor: LogCursor | undefined, logGroup: string, timestamp: number): boolean | 'same-group' {
  if (!cursor || timestamp > cursor.timestamp) return true;
  if (timestamp < cursor.timestamp) return false;
  if (logGroup === cursor.logGroup) return 'same-group';
  return logGroup > cursor.logGroup;
}

/**
 * The next up-to-`limit` lines of one group after the cursor, oldest first: pages FilterLogEvents
 * from the cursor's millisecond on, and drops the lines shown already (in the cursor's own group,
 * those up to its event id).
 */
async function nextOfGroup(
  source: Pick<LogSource, 'filter'>,
  logGroup: string,
  pattern: string,
  window: Window,
  cursor: LogCursor | undefined,
  limit: number,
): Promise<Ranked[]> {
  const found: Ranked[] = [];
  const start = Math.max(window.from.getTime(), cursor?.timestamp ?? 0);
  let passedCursor = cursor?.logGroup !== logGroup;
  let token: string | undefined;
  do {
    const page = await source.filter(logGroup, pattern, start, window.to.getTime(), token);
    for (const event of page.events) {
      const timestamp = event.timestamp ?? 0;
      const eventId = event.eventId ?? '';
      let after = afterCursor(cursor, logGroup, timestamp);
      if (after === 'same-group') {
        // The cursor's own millisecond in its own group: everything up to its event was shown.
        after = passedCursor;
        if (eventId === cursor?.eventId) passedCursor = true;
      }
      if (!after) continue;
      found.push({ logGroup, eventId, timestamp, event });
      if (found.length >= limit) return found;
    }
    token = page.nextToken;
  } while (token);
  return found;
}

/**
 * One page of a tenant's lines across `groups`, oldest first, merged by (timestamp, group, position
 * in the group). Each group is read from the cursor on, `limit` lines at most: the first `limit`
 * of the merge are the page, and its last line is the next cursor.
 */
export async function collectLogLines(
  source: Pick<LogSource, 'filter'>,
  groups: readonly string[],
  pattern: string,
  window: Window,
  limit: number,
  cursor: LogCursor | undefined,
): Promise<{ items: LogLine[]; nextToken?: string }> {
  const perGroup = await Promise.all(groups.map((group) => nextOfGroup(source, group, pattern, window, cursor, limit)));
  // Each group's lines are in its own order already; a stable sort keeps it within a millisecond.
  const merged = perGroup
    .flat()
    .sort((a, b) => a.timestamp - b.timestamp || (a.logGroup < b.logGroup ? -1 : a.logGroup > b.logGroup ? 1 : 0));
  const page = merged.slice(0, limit);
  const last = page[page.length - 1];
  // More lines may follow only if some group had at least `limit` after the cursor, or the merge overflowed.
  const more = merged.length > limit || perGroup.some((lines) => lines.length >= limit);
  return {
    items: page.map((line) => logLineOf(line.logGroup, line.event)),
    ...(more && last
      ? { nextToken: encodeLogCursor({ timestamp: last.timestamp, logGroup: last.logGroup, eventId: last.eventId }) }
      : {}),
  };
}

// ---- The API ----

/** What the telemetry routes need. */
export interface TelemetryDeps {
  readonly tenants: { get(tenantId: string): Promise<Pick<TenantRecord, 'tenantId' | 'deploymentModel'> | undefined> };
  readonly traces: TraceSource;
  readonly logs: LogSource;
  readonly logGroups: TenantLogGroups;
  readonly now: () => Date;
}

async function existingTenant(deps: Pick<TelemetryDeps, 'tenants'>, tenantId: string) {
  const tenant = await deps.tenants.get(parseTenantId(tenantId));
  if (!tenant) throw new NotFoundError('Tenant');
  return tenant;
}

/** `GET /tenants/{tenantId}/traces`: the tenant's traces in the window, newest first. */
export async function tenantTraces(
  deps: Pick<TelemetryDeps, 'tenants' | 'traces' | 'now'>,
  tenantId: string,
  query: Query,
): Promise<{ items: TraceSummary[]; nextToken?: string }> {
  const id = parseTenantId(tenantId);
  const window = parseWindow(query, deps.now());
  const limit = parseLimit(query);
  const cursor = decodeTraceCursor(query?.nextToken);
  await existingTenant(deps, id);
  return collectTraces(deps.traces, tenantTraceFilter(id), window, limit, cursor);
}

/** `GET /traces/{traceId}`: one trace as a waterfall; 404 when X-Ray has none by that id. */
export async function traceDetail(deps: Pick<TelemetryDeps, 'traces'>, traceId: string): Promise<TraceDetail> {
  const id = parseTraceId(traceId);
  const documents = await deps.traces.segments(id);
  if (!documents || documents.length === 0) throw new NotFoundError('Trace');
  return waterfallOf(id, documents);
}

/** `GET /tenants/{tenantId}/logs`: the tenant's log lines in the window, oldest first. */
export async function tenantLogs(
  deps: Pick<TelemetryDeps, 'tenants' | 'logs' | 'logGroups' | 'now'>,
  tenantId: string,
  query: Query,
): Promise<{ items: LogLine[]; nextToken?: string }> {
  const id = parseTenantId(tenantId);
  const window = parseWindow(query, deps.now());
  const level = parseLevel(query);
  const limit = parseLimit(query);
  const cursor = decodeLogCursor(query?.nextToken);
  const tenant = await existingTenant(deps, id);
  const groups = await logGroupsOf(tenant, deps.logGroups, deps.logs);
  return collectLogLines(deps.logs, groups, tenantLogFilter(id, level), window, limit, cursor);
}
