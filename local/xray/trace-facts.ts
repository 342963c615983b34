/**
 * What X-Ray knows of a trace once assembled, in the terms its filter expressions and trace
 * summaries use: the entry point (root segment) and its HTTP facts, response time and
 * duration, fault/error/throttle, annotations, users, and the services (one entry per segment,
 * plus the downstream services X-Ray infers from `aws` and `remote` subsegments). Pure.
 */
import { type AnnotationScalar, descendants, endOf, type HttpBlock, type SegmentDocument } from './segment-document';

/** The HTTP facts filter expressions read (`http.url`, `http.status`, …). */
export interface HttpFacts {
  readonly url?: string;
  readonly method?: string;
  readonly status?: number;
  readonly useragent?: string;
  readonly clientip?: string;
}

/** What a filter keyword can be asked of: a whole trace, or one service's segment inside `service() {…}`. */
export interface Scope {
  readonly fault: boolean;
  readonly error: boolean;
  readonly throttle: boolean;
  /** Seconds. */
  readonly responseTime: number;
  /** Seconds. */
  readonly duration: number;
  readonly http: HttpFacts;
  /** Annotation values by key, in order of appearance. */
  readonly annotations: ReadonlyMap<string, readonly AnnotationScalar[]>;
  readonly users: readonly string[];
}

/** One segment of a service (or one inferred call to a downstream service). */
export interface ServiceScope extends Scope {
  readonly name: string;
  /** The segment's origin (`AWS::Lambda::Function`), or the inferred service's type. */
  readonly type?: string;
  readonly accountId?: string;
  readonly inferred: boolean;
  /** The segment or subsegment this entry was made from. */
  readonly document: SegmentDocument;
}

/** A trace as filter expressions and summaries see it. */
export interface TraceFacts extends Scope {
  readonly id: string;
  /** Epoch seconds: the earliest start of any document. */
  readonly startTime: number;
  readonly root: ServiceScope | undefined;
  readonly services: readonly ServiceScope[];
}

/** The type X-Ray gives a downstream service it infers from an `aws` subsegment. */
function inferredType(sub: SegmentDocument): string {
  if (sub.namespace === 'remote') return 'remote';
  return sub.name === 'DynamoDB' ? 'AWS::DynamoDB::Table' : `AWS::${sub.name}`;
}

function httpFactsOf(http: HttpBlock | undefined): HttpFacts {
  return {
    url: http?.request?.url,
    method: http?.request?.method,
    status: http?.response?.status,
    useragent: http?.request?.user_agent,
    clientip: http?.request?.client_ip,
  };
}

function annotationsOf(docs: Iterable<SegmentDocument>): Map<string, AnnotationScalar[]> {
  const found = new Map<string, AnnotationScalar[]>();
  for (const doc of docs) {
    for (const [key, value] of Object.entries(doc.annotations ?? {})) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      const values = found.get(key) ?? [];
      if (!values.includes(value)) values.push(value);
      found.set(key, values);
    }
  }
  return found;
}

function accountOf(doc: SegmentDocument): string | undefined {
  const account = doc.aws?.account_id;
  return typeof account === 'string' ? account : undefined;
}

/**
 * One scope per segment, and one per `aws`/`remote` subsegment (the inferred downstream call)
 * unless the downstream service sent a segment of its own under it (`answered`: the parent ids
 * of the trace's segments), as X-Ray infers a node only for a service that does not trace.
 */
function serviceScopesOf(segment: SegmentDocument, answered: ReadonlySet<string>): ServiceScope[] {
  const subs = [...descendants(segment)];
  const own: ServiceScope = {
    name: segment.name,
    type: segment.origin,
    accountId: accountOf(segment),
    inferred: false,
    document: segment,
    fault: segment.fault === true,
    error: segment.error === true,
    throttle: segment.throttle === true,
    responseTime: endOf(segment) - segment.start_time,
    duration: endOf(segment) - segment.start_time,
    http: httpFactsOf(segment.http),
    annotations: annotationsOf([segment, ...subs]),
    users: segment.user ? [segment.user] : [],
  };
  const inferred = subs
    .filter((sub) => (sub.namespace === 'aws' || sub.namespace === 'remote') && !answered.has(sub.id))
    .map(
      (sub): ServiceScope => ({
        name: sub.name,
        type: inferredType(sub),
        accountId: accountOf(sub),
        inferred: true,
        document: sub,
        fault: sub.fault === true,
        error: sub.error === true,
        throttle: sub.throttle === true,
        responseTime: endOf(sub) - sub.start_time,
        duration: endOf(sub) - sub.start_time,
        http: httpFactsOf(sub.http),
        annotations: new Map(),
        users: [],
      }),
    );
  return [own, ...inferred];
}

/** The entry point: the earliest segment whose parent is not in the trace. */
function rootOf(segments: readonly SegmentDocument[]): SegmentDocument | undefined {
  const ids = new Set<string>();
  for (const segment of segments) {
    ids.add(segment.id);
    for (const sub of descendants(segment)) ids.add(sub.id);
  }
  const roots = segments.filter((segment) => segment.parent_id === undefined || !ids.has(segment.parent_id));
  return [...(roots.length > 0 ? roots : segments)].sort((a, b) => a.start_time - b.start_time)[0];
}

/** The facts of an assembled trace (see `assembleTrace`). */
export function traceFactsOf(id: string, segments: readonly SegmentDocument[]): TraceFacts {
  const answered = new Set(segments.map((segment) => segment.parent_id).filter((id) => id !== undefined));
  const services = segments.flatMap((segment) => serviceScopesOf(segment, answered));
  const rootDoc = rootOf(segments);
  const root = services.find((service) => service.document === rootDoc);
  const all = segments.flatMap((segment) => [segment, ...descendants(segment)]);
  const startTime = Math.min(...all.map((doc) => doc.start_time));
  const endTime = Math.max(...all.map(endOf));
  return {
    id,
    startTime,
    root,
    services,
    fault: services.some((service) => service.fault),
    error: services.some((service) => service.error),
    throttle: services.some((service) => service.throttle),
    responseTime: root ? root.responseTime : endTime - startTime,
    duration: endTime - startTime,
    http: root?.http ?? {},
    annotations: annotationsOf(all),
    users: [...new Set(services.flatMap((service) => service.users))],
  };
}
