/**
 * The log events of the local CloudWatch Logs, on disk and bounded in memory.
 *
 * Each log group has a directory of segments: append-only JSON Lines files shared by its
 * streams, one event a line (`{"n": id, "s": stream, "t": timestamp, "i": ingestion time,
 * "m": message}`). A segment is sealed when it reaches {@link SEGMENT_MAX_EVENTS} events or
 * {@link SEGMENT_MAX_BYTES} bytes: a small summary (time range, id range, per-stream counts and
 * times) is written beside it once, and only summaries stay in memory. So:
 * - a write appends to one file, whatever the size of the logs;
 * - memory holds the events of the most recently written groups' open segments, at most
 *   {@link OPEN_EVENTS_IN_MEMORY} in all (the least recently written groups' are dropped from
 *   memory first and read from their file when asked for), plus the last
 *   {@link CACHED_SEGMENTS} sealed segments read (an LRU), never the whole history;
 * - a read opens only the segments whose summary overlaps it (stream, time range, position);
 * - start-up reads the summaries and each group's open segment, not every event;
 * - retention deletes whole sealed segments older than the group's retention.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonLinesWriter, readJsonLines } from './json-lines';

/** A stored log event. */
export interface StoredEvent {
  /** Event id (unique in the store, increasing). */
  readonly n: number;
  /** Stream name. */
  readonly s: string;
  /** Timestamp (epoch ms). */
  readonly t: number;
  /** Ingestion time (epoch ms). */
  readonly i: number;
  /** Message. */
  readonly m: string;
}

/** The eventId CloudWatch shows for a stored event: a 56-digit string, ordered like the ids. */
export function eventIdOf(event: Pick<StoredEvent, 'n'>): string {
  return String(event.n).padStart(56, '0');
}

/** Counts and times of one stream (in a segment, or in total). */
export interface StreamStats {
  count: number;
  bytes: number;
  first: number;
  last: number;
  lastIngestion: number;
}

interface SegmentSummary {
  readonly seq: number;
  count: number;
  bytes: number;
  first: number;
  last: number;
  lastId: number;
  readonly streams: Record<string, StreamStats>;
}

interface OpenSegment {
  readonly summary: SegmentSummary;
  /** Its events, or undefined when they are only on disk (the memory budget). */
  events?: StoredEvent[];
  readonly writer: JsonLinesWriter;
}

interface GroupEvents {
  readonly dir: string;
  readonly sealed: SegmentSummary[];
  open: OpenSegment;
}

/** A segment of a stream, with the stream's position of its first event there. */
export interface StreamSlice {
  readonly segment: number;
  readonly start: number;
  readonly stats: StreamStats;
}

export const SEGMENT_MAX_EVENTS = 5000;
export const SEGMENT_MAX_BYTES = 1024 * 1024;
export const CACHED_SEGMENTS = 8;
export const OPEN_EVENTS_IN_MEMORY = 50_000;

const segmentFile = (seq: number) => `${String(seq).padStart(8, '0')}.jsonl`;
const summaryFile = (seq: number) => `${String(seq).padStart(8, '0')}.summary.json`;

function emptySummary(seq: number): SegmentSummary {
  return { seq, count: 0, bytes: 0, first: Number.POSITIVE_INFINITY, last: 0, lastId: 0, streams: {} };
}

function addTo(summary: SegmentSummary, event: StoredEvent): void {
  const bytes = Buffer.byteLength(event.m) + 26;
  summary.count++;
  summary.bytes += bytes;
  summary.first = Math.min(summary.first, event.t);
  summary.last = Math.max(summary.last, event.t);
  summary.lastId = Math.max(summary.lastId, event.n);
  let stats = summary.streams[event.s];
  if (!stats) {
    stats = { count: 0, bytes: 0, first: event.t, last: event.t, lastIngestion: event.i };
    summary.streams[event.s] = stats;
  }
  stats.count++;
  stats.bytes += bytes;
  stats.first = Math.min(stats.first, event.t);
  stats.last = Math.max(stats.last, event.t);
  stats.lastIngestion = Math.max(stats.lastIngestion, event.i);
}

/** The events of every log group, by group name. */
export class EventStore {
  private readonly groups = new Map<string, GroupEvents>();
  private readonly cache = new Map<string, StoredEvent[]>();
  /** Groups whose open segment's events are in memory, least recently written first. */
  private readonly resident = new Map<GroupEvents, number>();
  private residentEvents = 0;
  private lastId = 0;

  /** `openEventsInMemory`: the budget of in-memory open-segment events (tests lower it). */
  constructor(
    private readonly dir: string,
    private readonly openEventsInMemory = OPEN_EVENTS_IN_MEMORY,
  ) {}

  /** The id of the newest event stored (0 before the first). */
  get lastEventId(): number {
    return this.lastId;
  }

  /** Makes the next ids greater than `id` (ids recorded elsewhere, of events since deleted). */
  idsAbove(id: number): void {
    this.lastId = Math.max(this.lastId, id);
  }

  /** Opens (or creates) a group's directory and reads its summaries and open segment. */
  open(groupName: string): void {
    if (this.groups.has(groupName)) return;
    const dir = path.join(this.dir, createHash('sha256').update(groupName).digest('hex').slice(0, 24));
    fs.mkdirSync(dir, { recursive: true });
    const files = fs.readdirSync(dir);
    const sealed = files
      .filter((file) => file.endsWith('.summary.json'))
      .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SegmentSummary)
      .sort((a, b) => a.seq - b.seq);
    const sealedSeqs = new Set(sealed.map((summary) => summary.seq));
    const openSeq = files
      .filter((file) => /^\d+\.jsonl$/.test(file))
      .map((file) => Number.parseInt(file, 10))
      .filter((seq) => !sealedSeqs.has(seq))
      .reduce((max, seq) => Math.max(max, seq), (sealed.at(-1)?.seq ?? 0) + 1);
    const summary = emptySummary(openSeq);
    const events = readJsonLines<StoredEvent>(path.join(dir, segmentFile(openSeq)));
    for (const event of events) addTo(summary, event);
    const writer = new JsonLinesWriter(path.join(dir, segmentFile(openSeq)));
    for (const s of [...sealed, summary]) this.lastId = Math.max(this.lastId, s.lastId);
    const group: GroupEvents = { dir, sealed, open: { summary, events, writer } };
    this.groups.set(groupName, group);
    this.touch(group);
  }

  /** Deletes a group's events (DeleteLogGroup). */
  drop(groupName: string): void {
    const group = this.groups.get(groupName);
    if (!group) return;
    group.open.writer.close();
    this.groups.delete(groupName);
    this.release(group);
    for (const key of this.cache.keys()) if (key.startsWith(group.dir)) this.cache.delete(key);
    fs.rmSync(group.dir, { recursive: true, force: true });
  }

  /** Appends events of one stream; returns them as stored (with ids). */
  append(groupName: string, stream: string, events: readonly { timestamp: number; message: string }[]): StoredEvent[] {
    const group = this.group(groupName);
    const ingestion = Date.now();
    const stored = events.map((event) => ({
      n: ++this.lastId,
      s: stream,
      t: event.timestamp,
      i: ingestion,
      m: event.message,
    }));
    group.open.writer.append(stored);
    group.open.events?.push(...stored);
    for (const event of stored) addTo(group.open.summary, event);
    const { summary } = group.open;
    if (summary.count >= SEGMENT_MAX_EVENTS || summary.bytes >= SEGMENT_MAX_BYTES) this.seal(group);
    this.touch(group);
    return stored;
  }

  /** A stream's totals over every segment, or undefined if it has no events. */
  streamStats(groupName: string, stream: string): StreamStats | undefined {
    let total: StreamStats | undefined;
    for (const { stats } of this.slicesOf(groupName, stream)) {
      total ??= { count: 0, bytes: 0, first: stats.first, last: stats.last, lastIngestion: 0 };
      total.count += stats.count;
      total.bytes += stats.bytes;
      total.first = Math.min(total.first, stats.first);
      total.last = Math.max(total.last, stats.last);
      total.lastIngestion = Math.max(total.lastIngestion, stats.lastIngestion);
    }
    return total;
  }

  /** Bytes stored by a group. */
  storedBytes(groupName: string): number {
    const group = this.groups.get(groupName);
    return group ? [...group.sealed, group.open.summary].reduce((sum, s) => sum + s.bytes, 0) : 0;
  }

  /** The segments holding a stream, oldest first, with the stream's position at each. */
  slicesOf(groupName: string, stream: string): StreamSlice[] {
    const group = this.groups.get(groupName);
    if (!group) return [];
    const slices: StreamSlice[] = [];
    let start = 0;
    for (const summary of [...group.sealed, group.open.summary]) {
      const stats = summary.streams[stream];
      if (!stats) continue;
      slices.push({ segment: summary.seq, start, stats });
      start += stats.count;
    }
    return slices;
  }

  /**
   * Summaries of the segments that may hold events of `streams` (all if undefined) between
   * `start` and `end` (inclusive), in time order of their first event.
   */
  segmentsOf(
    groupName: string,
    streams: ReadonlySet<string> | undefined,
    start = Number.NEGATIVE_INFINITY,
    end = Number.POSITIVE_INFINITY,
  ): { seq: number; first: number; last: number; lastId: number }[] {
    const group = this.groups.get(groupName);
    if (!group) return [];
    return [...group.sealed, group.open.summary]
      .filter((s) => s.count > 0 && s.last >= start && s.first <= end)
      .filter((s) => !streams || [...streams].some((stream) => s.streams[stream] !== undefined))
      .sort((a, b) => a.first - b.first || a.seq - b.seq);
  }

  /** The events of one segment, in stored order. */
  eventsOf(groupName: string, seq: number): readonly StoredEvent[] {
    const group = this.group(groupName);
    const file = path.join(group.dir, segmentFile(seq));
    // An open segment out of memory is read whole: it is at most one segment, and rarely asked for.
    if (seq === group.open.summary.seq) return group.open.events ?? readJsonLines<StoredEvent>(file);
    let events = this.cache.get(file);
    if (events) this.cache.delete(file);
    else events = readJsonLines<StoredEvent>(file);
    this.cache.set(file, events);
    while (this.cache.size > CACHED_SEGMENTS) this.cache.delete(this.cache.keys().next().value as string);
    return events;
  }

  /** Deletes the sealed segments whose newest event is older than `cutoff` (epoch ms). */
  expire(groupName: string, cutoff: number): void {
    const group = this.groups.get(groupName);
    if (!group) return;
    for (const summary of group.sealed.filter((s) => s.last < cutoff)) {
      const file = path.join(group.dir, segmentFile(summary.seq));
      this.cache.delete(file);
      fs.rmSync(file, { force: true });
      fs.rmSync(path.join(group.dir, summaryFile(summary.seq)), { force: true });
    }
    group.sealed.splice(0, group.sealed.length, ...group.sealed.filter((s) => s.last >= cutoff));
  }

  /** Closes every open file. */
  close(): void {
    for (const group of this.groups.values()) group.open.writer.close();
  }

  private group(groupName: string): GroupEvents {
    this.open(groupName);
    return this.groups.get(groupName) as GroupEvents;
  }

  /** Writes the open segment's summary (it is then sealed) and starts the next segment. */
  private seal(group: GroupEvents): void {
    const { summary, writer } = group.open;
    writer.close();
    fs.writeFileSync(path.join(group.dir, summaryFile(summary.seq)), JSON.stringify(summary));
    group.sealed.push(summary);
    const next = emptySummary(summary.seq + 1);
    this.release(group);
    group.open = {
      summary: next,
      events: [],
      writer: new JsonLinesWriter(path.join(group.dir, segmentFile(next.seq))),
    };
  }

  /** Marks a group as written now and keeps the in-memory events within the budget. */
  private touch(group: GroupEvents): void {
    const events = group.open.events;
    if (!events) return;
    this.release(group);
    this.resident.set(group, events.length);
    this.residentEvents += events.length;
    for (const [oldest] of this.resident) {
      if (this.residentEvents <= this.openEventsInMemory || oldest === group) break;
      this.release(oldest);
      oldest.open.events = undefined;
    }
  }

  private release(group: GroupEvents): void {
    this.residentEvents -= this.resident.get(group) ?? 0;
    this.resident.delete(group);
  }
}
