/**
 * GetLogEvents and FilterLogEvents over the {@link EventStore}, reading only the segments a
 * request can need.
 *
 * GetLogEvents pages by a stream position: `f/<n>` reads forward from the stream's n-th event,
 * `b/<n>` backward from before it, and at the end of the stream the token passed in comes back,
 * as CloudWatch does (the loop `until nextForwardToken === previous` ends). FilterLogEvents
 * answers in timestamp order (ties by event id) and pages by the last (timestamp, id) returned.
 */
import { AwsRpcError } from '../aws-rpc';
import type { EventStore, StoredEvent } from './event-store';
import type { FilterPattern } from './filter-pattern';

/** The parameters of GetLogEvents the store serves. */
export interface GetEventsQuery {
  readonly group: string;
  readonly stream: string;
  readonly start?: number;
  /** Exclusive, as CloudWatch's endTime. */
  readonly end?: number;
  readonly limit: number;
  readonly startFromHead: boolean;
  readonly nextToken?: string;
  /** Events older than this (retention) are not returned. */
  readonly notBefore: number;
}

/** The answer of GetLogEvents. */
export interface GetEventsResult {
  readonly events: StoredEvent[];
  readonly nextForwardToken: string;
  readonly nextBackwardToken: string;
}

const token = (direction: 'f' | 'b', position: number) => `${direction}/${String(position).padStart(20, '0')}/s`;

function parseToken(value: string): { direction: 'f' | 'b'; position: number } {
  const match = /^([fb])\/(\d+)(\/s)?$/.exec(value);
  if (!match) throw new AwsRpcError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { direction: match[1] as 'f' | 'b', position: Number(match[2]) };
}

/** GetLogEvents: one page of a stream. */
export function getLogEvents(store: EventStore, query: GetEventsQuery): GetEventsResult {
  const slices = store.slicesOf(query.group, query.stream);
  const total = slices.reduce((sum, slice) => sum + slice.stats.count, 0);
  const from = query.nextToken
    ? parseToken(query.nextToken)
    : { direction: query.startFromHead ? ('f' as const) : ('b' as const), position: query.startFromHead ? 0 : total };
  const start = Math.max(query.start ?? 0, query.notBefore);
  const end = query.end ?? Number.POSITIVE_INFINITY;
  const inRange = (event: StoredEvent) => event.t >= start && event.t < end;
  const found: { position: number; event: StoredEvent }[] = [];
  const ordered = from.direction === 'f' ? slices : [...slices].reverse();
  for (const slice of ordered) {
    if (found.length >= query.limit) break;
    const sliceEnd = slice.start + slice.stats.count;
    if (from.direction === 'f' ? sliceEnd <= from.position : slice.start >= from.position) continue;
    if (slice.stats.last < start || slice.stats.first >= end) continue;
    const events = store.eventsOf(query.group, slice.segment).filter((event) => event.s === query.stream);
    const positioned = events.map((event, index) => ({ position: slice.start + index, event }));
    const candidates = from.direction === 'f' ? positioned : positioned.reverse();
    for (const candidate of candidates) {
      if (found.length >= query.limit) break;
      const wanted = from.direction === 'f' ? candidate.position >= from.position : candidate.position < from.position;
      if (wanted && inRange(candidate.event)) found.push(candidate);
    }
  }
  if (from.direction === 'b') found.reverse();
  const first = found[0];
  const last = found.at(-1);
  return {
    events: found.map((item) => item.event),
    nextForwardToken: last ? token('f', last.position + 1) : token('f', from.position),
    nextBackwardToken: first ? token('b', first.position) : token('b', from.position),
  };
}

/** The parameters of FilterLogEvents the store serves. */
export interface FilterQuery {
  readonly group: string;
  /** Streams to search (all if undefined). */
  readonly streams?: ReadonlySet<string>;
  readonly start?: number;
  /** Exclusive. */
  readonly end?: number;
  readonly pattern: FilterPattern;
  readonly limit: number;
  readonly nextToken?: string;
  readonly notBefore: number;
}

const before = (a: { t: number; n: number }, b: { t: number; n: number }) => a.t < b.t || (a.t === b.t && a.n < b.n);

function parseCursor(value: string): { t: number; n: number } {
  try {
    const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { t: unknown; n: unknown };
    if (typeof cursor.t === 'number' && typeof cursor.n === 'number') return { t: cursor.t, n: cursor.n };
  } catch {}
  throw new AwsRpcError('InvalidParameterException', 'The specified nextToken is invalid.');
}

/**
 * FilterLogEvents: the matching events in timestamp order. Segments are visited by their first
 * timestamp and the visit stops once `limit` + 1 matches are held that no later segment can
 * precede, so memory stays at one page plus one segment.
 */
export function filterLogEvents(store: EventStore, query: FilterQuery): { events: StoredEvent[]; nextToken?: string } {
  const cursor = query.nextToken ? parseCursor(query.nextToken) : undefined;
  const start = Math.max(query.start ?? 0, query.notBefore);
  const end = query.end ?? Number.POSITIVE_INFINITY;
  let held: StoredEvent[] = [];
  for (const segment of store.segmentsOf(query.group, query.streams, start, end - 1)) {
    const boundary = held[query.limit];
    if (boundary && segment.first > boundary.t) break;
    for (const event of store.eventsOf(query.group, segment.seq)) {
      if (event.t < start || event.t >= end || (cursor && !before(cursor, event))) continue;
      if (query.streams && !query.streams.has(event.s)) continue;
      if (query.pattern.matches(event.m)) held.push(event);
    }
    held.sort((a, b) => a.t - b.t || a.n - b.n);
    held = held.slice(0, query.limit + 1);
  }
  const events = held.slice(0, query.limit);
  const last = events.at(-1);
  return {
    events,
    nextToken:
      held.length > query.limit && last
        ? Buffer.from(JSON.stringify({ t: last.t, n: last.n })).toString('base64url')
        : undefined,
  };
}
