/**
 * A stored trace, assembled and read once per revision: the API asks many traces per request
 * (every summary query scans the window), and a trace changes only when a document arrives.
 */
import { assembleTrace } from './assemble';
import type { SegmentDocument } from './segment-document';
import { type TraceFacts, traceFactsOf } from './trace-facts';
import type { StoredTrace } from './trace-store';

/** An assembled trace and its facts. */
export interface TraceView {
  readonly trace: StoredTrace;
  readonly segments: readonly SegmentDocument[];
  readonly facts: TraceFacts;
}

const views = new WeakMap<StoredTrace, { revision: number; view: TraceView }>();

/** The trace assembled, from the cache while no document has arrived since. */
export function viewOf(trace: StoredTrace): TraceView {
  const cached = views.get(trace);
  if (cached && cached.revision === trace.revision) return cached.view;
  const segments = assembleTrace(trace);
  const view = { trace, segments, facts: traceFactsOf(trace.id, segments) };
  views.set(trace, { revision: trace.revision, view });
  return view;
}
