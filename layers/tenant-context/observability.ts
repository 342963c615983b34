/**
 * Tenant-aware telemetry for every tenantflow function: one Powertools Logger, Tracer and Metrics
 * per execution environment, and the wrappers that give each invocation its Lambda context, its
 * correlation id and — once known — its tenant, in the log keys, the X-Ray annotations and the EMF
 * records alike. The tenant API functions get it from the tenant-context layer; the other
 * functions bundle this same module.
 *
 * The names (namespace, metrics, dimensions, keys, annotations) are the contract's
 * (contracts/observability.ts), which the CDK's dashboards, queries and alarms read too. Dimensions
 * stay low-cardinality (`service`, `tier`); the tenant id is an EMF property, never a dimension.
 *
 * Nothing here logs an event, a body, a header or a credential: the request line carries the
 * route, the status and the latency only.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  DIMENSIONS,
  LOG_KEYS,
  METRIC_NAMESPACE,
  METRICS,
  REQUEST_LOG_MESSAGE,
  TRACE_ANNOTATIONS,
} from '../../contracts/observability';

export { MetricUnit };

/** Service name, level and sampling come from the environment (POWERTOOLS_*), as CDK sets it. */
export const logger = new Logger();
export const tracer = new Tracer();
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE });

/** The tenant an invocation acts for, as far as it is known. */
export interface TenantTag {
  readonly tenantId: string;
  readonly tier?: string;
}

/**
 * Tags the current invocation with its tenant: log keys, X-Ray annotations (searchable:
 * `annotation.tenantId = "…"`), the `tier` metric dimension and the `tenantId` EMF property.
 */
export function tagTenant(tenant: TenantTag): void {
  logger.appendKeys({ [LOG_KEYS.tenantId]: tenant.tenantId, ...(tenant.tier ? { [LOG_KEYS.tier]: tenant.tier } : {}) });
  tracer.putAnnotation(TRACE_ANNOTATIONS.tenantId, tenant.tenantId);
  if (tenant.tier) tracer.putAnnotation(TRACE_ANNOTATIONS.tier, tenant.tier);
  metrics.addMetadata(LOG_KEYS.tenantId, tenant.tenantId);
  if (tenant.tier) metrics.addDimension(DIMENSIONS.tier, tenant.tier);
}

/** Wraps an SDK v3 client so each of its calls is an X-Ray subsegment. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}

/**
 * Runs one invocation inside a `## <handler>` subsegment of Lambda's facade segment, with the
 * Lambda context and the correlation id on every log line, and the stored metrics flushed at
 * the end whatever happens.
 */
export async function invocation<R>(
  context: Context | undefined,
  correlationId: string | undefined,
  run: (subsegment: ReturnType<Tracer['getSegment']>) => Promise<R>,
): Promise<R> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  if (correlationId) logger.appendKeys({ [LOG_KEYS.correlationId]: correlationId });
  const facade = tracer.getSegment();
  const subsegment = facade?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await run(subsegment);
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment?.close();
    if (facade) tracer.setSegment(facade);
    // Publishing clears the invocation's dimensions and metadata; with nothing to publish they
    // are cleared by hand, so no tenant is carried into the next invocation.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else {
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  }
}

type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/** The tenant the authorizer established for an API request, if any (operators have none). */
function authorizerTenant(event: APIGatewayProxyEvent): TenantTag | undefined {
  const authorizer = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const tenantId = authorizer.tenantId;
  if (typeof tenantId !== 'string' || tenantId === '') return undefined;
  return { tenantId, tier: typeof authorizer.tier === 'string' && authorizer.tier ? authorizer.tier : undefined };
}

/**
 * Instruments an API Gateway (REST, Lambda proxy) handler: correlation id = the API Gateway
 * request id, the tenant from the authorizer's context, the route as trace metadata, and per
 * request one INFO line `request` (route, status, latency) plus the Requests, ClientErrors /
 * ServerErrors and Latency metrics.
 */
export function instrumentApi(handler: ApiHandler): ApiHandler {
  return (event, context) =>
    invocation(context, event.requestContext?.requestId, async () => {
      const started = performance.now();
      const route = `${event.httpMethod} ${event.resource}`;
      tracer.putMetadata(LOG_KEYS.route, route);
      const tenant = authorizerTenant(event);
      if (tenant) tagTenant(tenant);
      let statusCode = 500;
      try {
        const result = await handler(event, context);
        statusCode = result.statusCode;
        return result;
      } finally {
        recordRequest(route, statusCode, performance.now() - started);
      }
    });
}

function recordRequest(route: string, statusCode: number, latencyMs: number): void {
  const rounded = Math.round(latencyMs * 100) / 100;
  metrics.addMetric(METRICS.requests, MetricUnit.Count, 1);
  if (statusCode >= 400 && statusCode < 500) metrics.addMetric(METRICS.clientErrors, MetricUnit.Count, 1);
  if (statusCode >= 500) metrics.addMetric(METRICS.serverErrors, MetricUnit.Count, 1);
  metrics.addMetric(METRICS.latency, MetricUnit.Milliseconds, rounded);
  logger.info(REQUEST_LOG_MESSAGE, {
    [LOG_KEYS.route]: route,
    [LOG_KEYS.statusCode]: statusCode,
    [LOG_KEYS.latencyMs]: rounded,
  });
}

/**
 * Instruments a workflow step or an event target: the correlation id (the execution name) and
 * the tenant are read from the input; a failure is logged with its name and counted.
 */
export function instrumentStep<E, R>(
  handler: (event: E, context?: Context) => Promise<R>,
  describe: (event: E) => { correlationId?: string; tenant?: TenantTag; failureMetric?: string },
): (event: E, context?: Context) => Promise<R> {
  return (event, context) => {
    const { correlationId, tenant, failureMetric } = describe(event);
    return invocation(context, correlationId, async () => {
      if (tenant) tagTenant(tenant);
      try {
        const result = await handler(event, context);
        // One line per step, so a workflow's steps can be followed by its correlation id.
        logger.info('step done');
        return result;
      } catch (error) {
        const { name, message } = error as Error;
        logger.error('step failed', { error: { name, message } });
        if (failureMetric) metrics.addMetric(failureMetric, MetricUnit.Count, 1);
        throw error;
      }
    });
  };
}
