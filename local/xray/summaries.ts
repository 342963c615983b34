/**
 * The shapes X-Ray's API answers with, built from assembled traces: a TraceSummary
 * (GetTraceSummaries) and a Trace with its segment documents (BatchGetTraces). Field names and
 * nesting are X-Ray's, so `@aws-sdk/client-xray` and the AWS CLI read them unchanged.
 */
import type { SegmentDocument } from './segment-document';
import type { ServiceScope, TraceFacts } from './trace-facts';

/** X-Ray's ServiceId. */
export interface ServiceIdShape {
  readonly Name: string;
  readonly Names: string[];
  readonly AccountId?: string;
  readonly Type?: string;
}

/** An annotation value as X-Ray's API writes it (a tagged union). */
export type AnnotationValueShape = { StringValue: string } | { NumberValue: number } | { BooleanValue: boolean };

/** A service as X-Ray's API names it. */
export function serviceIdOf(service: ServiceScope): ServiceIdShape {
  return { Name: service.name, Names: [service.name], AccountId: service.accountId, Type: service.type };
}

function annotationValueOf(value: string | number | boolean): AnnotationValueShape {
  if (typeof value === 'string') return { StringValue: value };
  if (typeof value === 'number') return { NumberValue: value };
  return { BooleanValue: value };
}

/** Distinct services by name and type, in order of appearance. */
export function distinctServiceIds(services: readonly ServiceScope[]): ServiceIdShape[] {
  const seen = new Map<string, ServiceIdShape>();
  for (const service of services) {
    const key = `${service.name}\u0000${service.type ?? ''}`;
    if (!seen.has(key)) seen.set(key, serviceIdOf(service));
  }
  return [...seen.values()];
}

/** `{"tenantId": [{"AnnotationValue": {"StringValue": "…"}, "ServiceIds": [...]}]}`, per value the services that recorded it. */
function annotationsOf(facts: TraceFacts): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [key, values] of facts.annotations) {
    out[key] = values.map((value) => ({
      AnnotationValue: annotationValueOf(value),
      ServiceIds: distinctServiceIds(
        facts.services.filter((service) => !service.inferred && service.annotations.get(key)?.includes(value)),
      ),
    }));
  }
  return out;
}

/** X-Ray's Http of a summary: the entry point's request and response. */
function httpOf(facts: TraceFacts): Record<string, unknown> {
  const { url, method, status, useragent, clientip } = facts.http;
  return { HttpURL: url, HttpMethod: method, HttpStatus: status, UserAgent: useragent, ClientIp: clientip };
}

/** A TraceSummary as GetTraceSummaries returns it. */
export function traceSummaryOf(facts: TraceFacts, revision: number): Record<string, unknown> {
  const arns = [
    ...new Set(facts.services.map((service) => service.document.resource_arn).filter((arn) => typeof arn === 'string')),
  ];
  return {
    Id: facts.id,
    StartTime: facts.startTime,
    Duration: round(facts.duration),
    ResponseTime: round(facts.responseTime),
    HasFault: facts.fault,
    HasError: facts.error,
    HasThrottle: facts.throttle,
    IsPartial: false,
    Http: httpOf(facts),
    Annotations: annotationsOf(facts),
    Users: facts.users.map((user) => ({
      UserName: user,
      ServiceIds: distinctServiceIds(facts.services.filter((service) => service.users.includes(user))),
    })),
    ServiceIds: distinctServiceIds(facts.services),
    ResourceARNs: arns.map((arn) => ({ ARN: arn })),
    InstanceIds: [],
    AvailabilityZones: [],
    EntryPoint: facts.root ? serviceIdOf(facts.root) : undefined,
    FaultRootCauses: [],
    ErrorRootCauses: [],
    ResponseTimeRootCauses: [],
    Revision: revision,
  };
}

/** A Trace as BatchGetTraces returns it: each segment's document as a JSON string. */
export function traceOf(facts: TraceFacts, segments: readonly SegmentDocument[], limitExceeded: boolean) {
  return {
    Id: facts.id,
    Duration: round(facts.duration),
    LimitExceeded: limitExceeded,
    Segments: segments.map((segment) => ({ Id: segment.id, Document: JSON.stringify(segment) })),
  };
}

/** Seconds to X-Ray's precision (milliseconds), without float noise. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
