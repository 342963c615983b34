/**
 * Lambda's part of X-Ray tracing, done by the local Lambda service as the Lambda service does
 * it: per invocation it decides whether to sample (Active tracing samples unless the caller
 * said Sampled=0; PassThrough only if the caller said Sampled=1), hands the function a trace
 * header (`_X_AMZN_TRACE_ID`, with the function segment as Parent), and, when sampled, records
 * the `AWS::Lambda` (service) and `AWS::Lambda::Function` segments itself. The function's own
 * X-Ray SDK builds a facade from that header and sends only subsegments, which X-Ray nests
 * under the function segment.
 */

import type { SegmentDocument, TraceSink } from '../xray/segment-document';
import {
  epochSeconds,
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseTraceHeader,
  type TraceHeader,
} from '../xray/trace-header';

/** How a function is traced (`TracingConfig.Mode` of its template). */
export type TracingMode = 'Active' | 'PassThrough';

/** The local Lambda service's tracing: where segments go, and the daemon functions send to. */
export interface LambdaTracing {
  readonly sink: TraceSink;
  /** `127.0.0.1:<port>`, a function's `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly daemonAddress: string;
}

/** What the worker measured, in epoch milliseconds. */
export interface InvocationTiming {
  readonly initStart?: number;
  readonly initEnd?: number;
  readonly start?: number;
  readonly end?: number;
}

/** What a traced function needs to know of one invocation and of how it ended. */
export interface InvocationTrace {
  /** The function's `_X_AMZN_TRACE_ID` for this invocation. */
  readonly header: string;
  /** Records the invocation's segments (nothing when not sampled). */
  finish(outcome: { readonly timing?: InvocationTiming; readonly error?: { name: string; message: string } }): void;
}

/** What a function being traced is. */
interface TracedFunction {
  readonly functionName: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly tracingMode?: TracingMode;
}

/**
 * The variables Lambda sets for tracing, and those the X-Ray SDK and Powertools Tracer read to
 * know they run in Lambda (without LAMBDA_TASK_ROOT the SDK wants a segment of its own; without
 * AWS_EXECUTION_ENV Powertools Tracer turns itself off). LOG_ERROR is Lambda's own setting.
 */
export function tracingEnvironmentOf(fn: TracedFunction, tracing: LambdaTracing): Record<string, string> {
  return {
    AWS_XRAY_DAEMON_ADDRESS: tracing.daemonAddress,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    LAMBDA_TASK_ROOT: fn.codeDir,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  };
}

/** Whether Lambda records this invocation: the caller's decision if it made one, else the function's mode. */
export function isSampled(mode: TracingMode | undefined, incoming: TraceHeader | undefined): boolean {
  if (incoming?.sampled !== undefined) return incoming.sampled;
  // Locally every undecided request of an Active function is sampled (AWS: 1 a second and 5 %).
  return mode === 'Active';
}

const accountOf = (arn: string) => arn.split(':')[4];

function causeOf(error: { name: string; message: string }) {
  return {
    working_directory: '/var/task',
    exceptions: [{ id: newSegmentId(), message: error.message, type: error.name }],
  };
}

/**
 * The init this invocation waited for, if any: an environment started for it loads the code
 * after the invoke arrived. An init that began earlier (a pre-warmed environment) belongs to no
 * request, so the invocation is a warm start and its trace holds no idle time.
 */
function ownTiming(timing: InvocationTiming, invokedAt: number): InvocationTiming {
  if (timing.initStart === undefined || timing.initStart < invokedAt) return { start: timing.start, end: timing.end };
  return timing;
}

/** The function segment's subsegments: Initialization (cold start), Invocation, Overhead. */
function functionSubsegments(timing: InvocationTiming, end: number, error?: { name: string; message: string }) {
  const subs: Record<string, unknown>[] = [];
  if (timing.initStart !== undefined)
    subs.push({
      id: newSegmentId(),
      name: 'Initialization',
      start_time: epochSeconds(timing.initStart),
      end_time: epochSeconds(timing.initEnd ?? timing.start ?? end),
    });
  const start = timing.start ?? timing.initEnd ?? end;
  const invocationEnd = timing.end ?? end;
  subs.push({
    id: newSegmentId(),
    name: 'Invocation',
    start_time: epochSeconds(start),
    end_time: epochSeconds(invocationEnd),
    ...(error ? { fault: true, cause: causeOf(error) } : {}),
  });
  subs.push({
    id: newSegmentId(),
    name: 'Overhead',
    start_time: epochSeconds(invocationEnd),
    end_time: epochSeconds(end),
  });
  return subs;
}

/**
 * Starts an invocation's trace: `incomingHeader` is the caller's (API Gateway's, an SDK's), if
 * any. Not sampled, the function still gets a header (Sampled=0), as on Lambda, so its SDK
 * records nothing rather than complaining of a missing context.
 */
export function startInvocationTrace(
  fn: TracedFunction,
  incomingHeader: string | undefined,
  sink: TraceSink,
  requestId: string,
  now: () => number = Date.now,
): InvocationTrace {
  const incoming = parseTraceHeader(incomingHeader);
  const sampled = isSampled(fn.tracingMode, incoming);
  const startedAt = now();
  const traceId = incoming?.root ?? newTraceId(startedAt);
  const serviceId = newSegmentId();
  const functionId = newSegmentId();
  const header = formatTraceHeader({ root: traceId, parent: functionId, sampled });
  return {
    header,
    finish({ timing: measured = {}, error }) {
      if (!sampled) return;
      const timing = ownTiming(measured, startedAt);
      // The worker's clock reads the same epoch; the max keeps its times inside the segments.
      const end = Math.max(now(), timing.end ?? 0);
      const common = { trace_id: traceId, name: fn.functionName, resource_arn: fn.arn };
      const service: SegmentDocument = {
        ...common,
        id: serviceId,
        parent_id: incoming?.parent,
        origin: 'AWS::Lambda',
        start_time: epochSeconds(startedAt),
        end_time: epochSeconds(end),
        // The Invoke call itself succeeded: a function error is the function segment's fault.
        http: { response: { status: 200 } },
        aws: { request_id: requestId, account_id: accountOf(fn.arn) },
      };
      const functionStart = Math.max(startedAt, timing.initStart ?? timing.start ?? startedAt);
      const functionSegment: SegmentDocument = {
        ...common,
        id: functionId,
        parent_id: serviceId,
        origin: 'AWS::Lambda::Function',
        start_time: epochSeconds(functionStart),
        end_time: epochSeconds(end),
        aws: { function_arn: fn.arn, resource_names: [fn.functionName], account_id: accountOf(fn.arn) },
        subsegments: functionSubsegments(timing, end, error) as unknown as SegmentDocument[],
        ...(error ? { fault: true, cause: causeOf(error) } : {}),
      };
      sink.putSegment(service);
      sink.putSegment(functionSegment);
    },
  };
}
