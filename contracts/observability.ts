/**
 * The vocabulary of tenantflow's telemetry, shared by the functions that emit it (logs, EMF
 * metrics, X-Ray annotations) and the CDK that reads it (dashboards, alarms, saved queries,
 * Contributor Insights rules, X-Ray groups), so the two cannot drift apart.
 *
 * CloudWatch bills every distinct dimension set as a metric of its own: dimensions are only the
 * low-cardinality `service` and `tier`; the tenant id is a property of each EMF record and a key of
 * each log line, read per tenant by Logs Insights and Contributor Insights, never a dimension.
 */

/** The EMF namespace of every tenantflow metric. */
export const METRIC_NAMESPACE = 'tenantflow';

/** Metric dimensions (the only ones). */
export const DIMENSIONS = { service: 'service', tier: 'tier' } as const;

/** Metric names, with their units. */
export const METRICS = {
  /** One per API request a function answered. Count. */
  requests: 'Requests',
  /** Answers 400–499. Count. */
  clientErrors: 'ClientErrors',
  /** Answers 500–599. Count. */
  serverErrors: 'ServerErrors',
  /** Time in the function from request to answer. Milliseconds. */
  latency: 'Latency',
  /** Requests refused by a usage plan (429), from the API stage's access log. Count. */
  throttled: 'ThrottledRequests',
  /** Sign-up to ACTIVE, recorded by the last onboarding step. Milliseconds. */
  onboardingDuration: 'OnboardingDuration',
  /** Onboardings that ended ACTIVE / that failed. Count. */
  onboardingsSucceeded: 'OnboardingsSucceeded',
  onboardingsFailed: 'OnboardingsFailed',
  /** Failed attempts of an onboarding step (a retried step counts each time). Count. */
  onboardingStepFailures: 'OnboardingStepFailures',
  /** Tenant stacks a release deployed: updated, unchanged, failed. Count. */
  releaseDeploysSucceeded: 'ReleaseDeploysSucceeded',
  releaseDeploysUnchanged: 'ReleaseDeploysUnchanged',
  releaseDeploysFailed: 'ReleaseDeploysFailed',
} as const;

/** Keys of the structured log lines (Powertools Logger) that queries and rules read. */
export const LOG_KEYS = {
  tenantId: 'tenantId',
  tier: 'tier',
  service: 'service',
  /** The API Gateway request id, or the workflow execution name for a workflow step. */
  correlationId: 'correlation_id',
  route: 'route',
  statusCode: 'statusCode',
  latencyMs: 'latencyMs',
  level: 'level',
  message: 'message',
} as const;

/** The message of the one line a function writes per answered API request (queries select it). */
export const REQUEST_LOG_MESSAGE = 'request';

/** X-Ray annotations (searchable: `annotation.tenantId = "…"`). */
export const TRACE_ANNOTATIONS = { tenantId: 'tenantId', tier: 'tier', service: 'service' } as const;
