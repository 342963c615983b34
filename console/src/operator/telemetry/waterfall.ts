/** The geometry and words of a trace waterfall (no React: the page draws what these say). */
import type { TraceSegment } from '../types';

/** Milliseconds for a person: `0.42 ms`, `12.3 ms`, `1.25 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A bar's left edge and width in percent of the trace's duration (a zero-length trace fills the row). */
export function barOf(segment: Pick<TraceSegment, 'startOffsetMs' | 'durationMs'>, traceMs: number) {
  if (traceMs <= 0) return { leftPct: 0, widthPct: 100 };
  const leftPct = Math.min(100, Math.max(0, (segment.startOffsetMs / traceMs) * 100));
  const widthPct = Math.min(100 - leftPct, Math.max(0, (segment.durationMs / traceMs) * 100));
  return { leftPct, widthPct };
}

/** The colour class of a bar: fault (5xx) red, error (4xx) orange, throttle purple, otherwise by kind. */
export function barClassOf(segment: TraceSegment): string {
  if (segment.fault) return 'tf-wf-fault';
  if (segment.error) return 'tf-wf-error';
  if (segment.throttle) return 'tf-wf-throttle';
  if (segment.operation) return 'tf-wf-sdk';
  return segment.origin ? 'tf-wf-segment' : 'tf-wf-subsegment';
}

/** What a row says besides its name: the SDK operation, the origin, the HTTP status. */
export function detailOf(segment: TraceSegment): string {
  return [segment.operation, segment.origin, segment.status === undefined ? undefined : `HTTP ${segment.status}`]
    .filter(Boolean)
    .join(' · ');
}
