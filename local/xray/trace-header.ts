/**
 * X-Ray's identifiers and its trace header, as every traced service reads and writes them:
 * trace ids `1-<8 hex: epoch seconds>-<24 hex>`, segment ids of 16 hex digits, and the header
 * `Root=<trace id>;Parent=<segment id>;Sampled=<0|1>` that travels as `X-Amzn-Trace-Id` between
 * services and as `_X_AMZN_TRACE_ID` into a Lambda function. Pure, no I/O.
 */
import { randomBytes } from 'node:crypto';

/** A trace id as X-Ray accepts it. */
export const TRACE_ID_PATTERN = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
/** A segment or subsegment id as X-Ray accepts it. */
export const SEGMENT_ID_PATTERN = /^[0-9a-f]{16}$/;

/** What a trace header says; `sampled` is undefined when the upstream left the decision open. */
export interface TraceHeader {
  readonly root: string;
  readonly parent?: string;
  readonly sampled?: boolean;
}

/** A new trace id, its time part from `nowMs` (the trace's start, which GetTraceSummaries reads). */
export function newTraceId(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `1-${seconds}-${randomBytes(12).toString('hex')}`;
}

/** A new segment or subsegment id. */
export function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Reads a trace header (`Root=…;Parent=…;Sampled=…`, any order, case-insensitive keys, other
 * fields such as `Lineage` ignored); undefined if it carries no valid Root, as a service treats
 * a malformed header: it starts a trace of its own.
 */
export function parseTraceHeader(value: string | undefined | null): TraceHeader | undefined {
  if (!value) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const root = fields.get('root');
  if (!root || !TRACE_ID_PATTERN.test(root)) return undefined;
  const parent = fields.get('parent');
  const sampled = fields.get('sampled');
  return {
    root,
    parent: parent && SEGMENT_ID_PATTERN.test(parent) ? parent : undefined,
    sampled: sampled === '1' ? true : sampled === '0' ? false : undefined,
  };
}

/** Writes a trace header; `Sampled` is written only when decided. */
export function formatTraceHeader(header: TraceHeader): string {
  const parts = [`Root=${header.root}`];
  if (header.parent) parts.push(`Parent=${header.parent}`);
  if (header.sampled !== undefined) parts.push(`Sampled=${header.sampled ? 1 : 0}`);
  return parts.join(';');
}

/** Epoch seconds with sub-millisecond precision, X-Ray's time unit. */
export function epochSeconds(ms: number = Date.now()): number {
  return ms / 1000;
}
