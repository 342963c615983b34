/**
 * The REST API stages' access log: one JSON line per request, with the tenant and tier the
 * authorizer put in its context (authorizer/authorize.ts), and the metric filter that counts the
 * requests a usage plan refused (429) per tier.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DIMENSIONS, LOG_KEYS, METRIC_NAMESPACE, METRICS } from '../../../contracts/observability';

/** Keys of an access log line (the tenant's and tier's are the contract's log keys). */
export const ACCESS_LOG_KEYS = {
  requestId: 'requestId',
  time: 'time',
  httpMethod: 'httpMethod',
  resourcePath: 'resourcePath',
  status: 'status',
  responseLatency: 'responseLatency',
  integrationLatency: 'integrationLatency',
  tenantId: LOG_KEYS.tenantId,
  tier: LOG_KEYS.tier,
  apiKeyId: 'apiKeyId',
  errorMessage: 'errorMessage',
} as const;

/** The status of a request a usage plan (or the account's throttle) refused. */
export const THROTTLED_STATUS = 429;

/**
 * The access log format. API Gateway writes `-` for a variable without value (no authorizer on a
 * public route, no integration on a refused request), so only the two values that always hold a
 * number are written unquoted: `status` (so filters and rules compare numbers) and
 * `responseLatency`. API Gateway's own error messages ("Limit Exceeded", "Unauthorized", …) hold no
 * quotes, so the quoted `$context.error.message` keeps the line valid JSON.
 */
export function accessLogFormat(): apigateway.AccessLogFormat {
  const k = ACCESS_LOG_KEYS;
  const fields = [
    `"${k.requestId}":"$context.requestId"`,
    `"${k.time}":"$context.requestTime"`,
    `"${k.httpMethod}":"$context.httpMethod"`,
    `"${k.resourcePath}":"$context.resourcePath"`,
    `"${k.status}":$context.status`,
    `"${k.responseLatency}":$context.responseLatency`,
    `"${k.integrationLatency}":"$context.integrationLatency"`,
    `"${k.tenantId}":"$context.authorizer.tenantId"`,
    `"${k.tier}":"$context.authorizer.tier"`,
    `"${k.apiKeyId}":"$context.identity.apiKeyId"`,
    `"${k.errorMessage}":"$context.error.message"`,
  ];
  return apigateway.AccessLogFormat.custom(`{${fields.join(',')}}`);
}

/** The CloudWatch Logs filter pattern of a refused request's access log line. */
export const THROTTLED_FILTER_PATTERN = `{ $.${ACCESS_LOG_KEYS.status} = ${THROTTLED_STATUS} }`;

/**
 * Counts the stage's 429 answers as METRICS.throttled, dimension tier (from the line's `tier`):
 * the functions never see these requests, so the access log is the only place they can be counted.
 */
export function throttledRequestsMetricFilter(scope: Construct, accessLogs: logs.ILogGroup): logs.MetricFilter {
  return new logs.MetricFilter(scope, 'ThrottledRequestsMetricFilter', {
    logGroup: accessLogs,
    filterPattern: logs.FilterPattern.literal(THROTTLED_FILTER_PATTERN),
    metricNamespace: METRIC_NAMESPACE,
    metricName: METRICS.throttled,
    metricValue: '1',
    unit: cloudwatch.Unit.COUNT,
    dimensions: { [DIMENSIONS.tier]: `$.${ACCESS_LOG_KEYS.tier}` },
  });
}
