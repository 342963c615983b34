/**
 * X-Ray tracing of a stage, as API Gateway does it when `TracingEnabled` is set: each request
 * gets a segment named `<api name>/<stage>` (origin `AWS::ApiGateway::Stage`) with its HTTP
 * request and response, a `Lambda` subsegment per function it invokes (the authorizer, the
 * integration) whose id is the Parent of the trace header that invocation carries, so the
 * functions' segments join the same trace; the client gets the trace id back in
 * `X-Amzn-Trace-Id`. A request arriving with a trace header continues that trace.
 */
import type { ServerResponse } from 'node:http';
import type { SegmentDocument, TraceSink } from '../xray/segment-document';
import { epochSeconds, formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader } from '../xray/trace-header';
import type { InvokeWithin } from './invoke-within';
import type { RestApiModel } from './types';

/** The header API Gateway reads and writes. */
export const TRACE_HEADER = 'X-Amzn-Trace-Id';

/** What is known of the request when its trace starts. */
export interface TracedRequest {
  readonly api: RestApiModel;
  readonly region: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly method: string;
  /** The URL the client called, without the query. */
  readonly url: string;
  readonly clientIp: string;
  readonly userAgent: string | undefined;
  /** The client's `X-Amzn-Trace-Id`, if any. */
  readonly incomingHeader: string | undefined;
  /** Epoch ms the request arrived. */
  readonly startedAt: number;
}

/** One request's trace. */
export interface RequestTrace {
  /** The `X-Amzn-Trace-Id` the integration and authorizer events carry. */
  readonly forwardedHeader: string;
  /** Wraps an invoker: each invocation becomes a `Lambda` subsegment and carries the trace header. */
  traced(invoke: InvokeWithin): InvokeWithin;
}

/** The raw headers with the client's X-Amzn-Trace-Id replaced by the gateway's. */
export function withTraceHeader(rawHeaders: readonly string[], value: string): string[] {
  const headers: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.toLowerCase() !== TRACE_HEADER.toLowerCase()) headers.push(name, rawHeaders[i + 1] as string);
  }
  headers.push(TRACE_HEADER, value);
  return headers;
}

/** The `Lambda` subsegment of one invocation (`functionName` may be the integration's function ARN). */
function invocationSubsegment(
  functionNameOrArn: string,
  region: string,
  id: string,
  start: number,
  kind: 'value' | 'error' | 'timeout',
): SegmentDocument {
  const functionName = /:function:([^:]+)/.exec(functionNameOrArn)?.[1] ?? functionNameOrArn;
  return {
    id,
    name: 'Lambda',
    namespace: 'aws',
    start_time: epochSeconds(start),
    end_time: epochSeconds(Date.now()),
    http: { response: { status: 200 } },
    aws: { operation: 'Invoke', function_name: functionName, region, resource_names: [functionName] },
    ...(kind === 'value' ? {} : { fault: true }),
  };
}

/** The stage segment, once the response is written. */
function stageSegment(
  request: TracedRequest,
  ids: { traceId: string; segmentId: string; parent?: string },
  res: ServerResponse,
  subsegments: SegmentDocument[],
): SegmentDocument {
  const status = res.statusCode;
  const length = Number(res.getHeader('content-length'));
  const { api } = request;
  return {
    id: ids.segmentId,
    trace_id: ids.traceId,
    parent_id: ids.parent,
    name: `${api.name}/${api.stageName}`,
    origin: 'AWS::ApiGateway::Stage',
    resource_arn: `arn:aws:apigateway:${request.region}::/restapis/${api.restApiId}/stages/${api.stageName}`,
    start_time: epochSeconds(request.startedAt),
    end_time: epochSeconds(Date.now()),
    http: {
      request: { method: request.method, url: request.url, client_ip: request.clientIp, user_agent: request.userAgent },
      response: { status, ...(Number.isFinite(length) ? { content_length: length } : {}) },
    },
    aws: {
      account_id: request.accountId,
      api_gateway: {
        account_id: request.accountId,
        rest_api_id: api.restApiId,
        stage: api.stageName,
        request_id: request.requestId,
      },
    },
    ...(status >= 500 ? { fault: true } : {}),
    ...(status >= 400 && status < 500 ? { error: true } : {}),
    ...(status === 429 ? { throttle: true } : {}),
    subsegments: subsegments.sort((a, b) => a.start_time - b.start_time),
  };
}

/**
 * Starts a request's trace: sets the response's `X-Amzn-Trace-Id` now (every later answer,
 * the function's or the gateway's own, carries it) and records the segment when the response
 * is done. A client that sent Sampled=0 is not recorded, but the decision travels on.
 */
export function startRequestTrace(sink: TraceSink, request: TracedRequest, res: ServerResponse): RequestTrace {
  const incoming = parseTraceHeader(request.incomingHeader);
  const sampled = incoming?.sampled ?? true;
  const traceId = incoming?.root ?? newTraceId(request.startedAt);
  const segmentId = newSegmentId();
  const subsegments: SegmentDocument[] = [];
  res.setHeader(TRACE_HEADER, formatTraceHeader({ root: traceId, sampled }));
  if (sampled)
    res.once('close', () => {
      sink.putSegment(stageSegment(request, { traceId, segmentId, parent: incoming?.parent }, res, subsegments));
    });
  return {
    forwardedHeader: formatTraceHeader({ root: traceId, parent: segmentId, sampled }),
    traced: (invoke) => async (functionName, event) => {
      const id = newSegmentId();
      const start = Date.now();
      const settled = await invoke(functionName, event, {
        traceHeader: formatTraceHeader({ root: traceId, parent: id, sampled }),
      });
      if (sampled) subsegments.push(invocationSubsegment(functionName, request.region, id, start, settled.kind));
      return settled;
    },
  };
}
