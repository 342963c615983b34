/**
 * X-Ray segment documents: the fields the local X-Ray reads (the rest travels untouched), and
 * the checks X-Ray makes before it accepts one. A segment has a name; an independent
 * subsegment (`"type": "subsegment"`, sent on its own, as aws-xray-sdk-core does in Lambda)
 * names its trace and its parent instead.
 */
import { SEGMENT_ID_PATTERN, TRACE_ID_PATTERN } from './trace-header';

/** An annotation value: X-Ray indexes strings, numbers and booleans. */
export type AnnotationScalar = string | number | boolean;

/** The http block of a segment or subsegment. */
export interface HttpBlock {
  readonly request?: {
    readonly method?: string;
    readonly url?: string;
    readonly user_agent?: string;
    readonly client_ip?: string;
    readonly x_forwarded_for?: boolean;
  };
  readonly response?: { readonly status?: number; readonly content_length?: number };
}

/** A segment or (nested or independent) subsegment document. */
export interface SegmentDocument {
  readonly id: string;
  readonly name: string;
  readonly trace_id?: string;
  readonly parent_id?: string;
  readonly type?: 'subsegment';
  readonly start_time: number;
  readonly end_time?: number;
  readonly in_progress?: boolean;
  readonly origin?: string;
  readonly namespace?: string;
  readonly user?: string;
  readonly resource_arn?: string;
  readonly fault?: boolean;
  readonly error?: boolean;
  readonly throttle?: boolean;
  readonly http?: HttpBlock;
  readonly aws?: Readonly<Record<string, unknown>>;
  readonly annotations?: Readonly<Record<string, AnnotationScalar>>;
  readonly subsegments?: readonly SegmentDocument[];
  readonly [field: string]: unknown;
}

/** A document accepted for storage: a segment, or an independent subsegment with its trace id. */
export type StoredDocument = SegmentDocument & { readonly trace_id: string };

/** Why X-Ray refuses a document (what PutTraceSegments reports as UnprocessedTraceSegments). */
export class InvalidSegmentError extends Error {
  override readonly name = 'InvalidSegmentError';
  constructor(
    message: string,
    readonly segmentId?: string,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the fields every segment and subsegment has (ids, name, times). */
function checkCommon(doc: Record<string, unknown>): void {
  const id = typeof doc.id === 'string' ? doc.id : undefined;
  if (!id || !SEGMENT_ID_PATTERN.test(id)) throw new InvalidSegmentError('id must be 16 hexadecimal digits');
  if (typeof doc.name !== 'string' || doc.name === '') throw new InvalidSegmentError('name is required', id);
  if (typeof doc.start_time !== 'number') throw new InvalidSegmentError('start_time must be a number', id);
  if (doc.end_time === undefined && doc.in_progress !== true)
    throw new InvalidSegmentError('end_time or in_progress is required', id);
  if (doc.end_time !== undefined && typeof doc.end_time !== 'number')
    throw new InvalidSegmentError('end_time must be a number', id);
  if (doc.parent_id !== undefined && (typeof doc.parent_id !== 'string' || !SEGMENT_ID_PATTERN.test(doc.parent_id)))
    throw new InvalidSegmentError('parent_id must be 16 hexadecimal digits', id);
  if (doc.subsegments !== undefined) {
    if (!Array.isArray(doc.subsegments)) throw new InvalidSegmentError('subsegments must be an array', id);
    for (const sub of doc.subsegments) {
      if (!isObject(sub)) throw new InvalidSegmentError('a subsegment must be an object', id);
      checkCommon(sub);
    }
  }
}

/**
 * Validates a document as X-Ray does on receipt: trace id and ids well-formed, a name and a
 * start time, an end time unless in progress; an independent subsegment names its parent.
 * Throws {@link InvalidSegmentError}.
 */
export function validateSegmentDocument(value: unknown): StoredDocument {
  if (!isObject(value)) throw new InvalidSegmentError('a segment document must be a JSON object');
  checkCommon(value);
  const traceId = value.trace_id;
  if (typeof traceId !== 'string' || !TRACE_ID_PATTERN.test(traceId))
    throw new InvalidSegmentError('trace_id must be 1-<8 hex>-<24 hex>', value.id as string);
  if (value.type === 'subsegment' && value.parent_id === undefined)
    throw new InvalidSegmentError('an independent subsegment needs a parent_id', value.id as string);
  return value as unknown as StoredDocument;
}

/** Every subsegment below `doc` (depth-first), not `doc` itself. */
export function* descendants(doc: SegmentDocument): Generator<SegmentDocument> {
  for (const sub of doc.subsegments ?? []) {
    yield sub;
    yield* descendants(sub);
  }
}

/** A document's end, or its start while it is still in progress. */
export function endOf(doc: SegmentDocument): number {
  return doc.end_time ?? doc.start_time;
}

/** Where a traced service (the local Lambda service, the local API Gateway) sends the segments it records. */
export interface TraceSink {
  /** Stores a segment document; never throws (a request must not fail for its trace). */
  putSegment(doc: SegmentDocument): void;
}
