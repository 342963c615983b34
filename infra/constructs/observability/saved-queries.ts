/**
 * Logs Insights saved queries (folder `tenantflow/` of the console's Queries list), over the log
 * groups of the pooled tenant API's functions and access log, the control plane's API functions
 * and the onboarding's step functions. A silo tenant's log groups (stack `tenantflow-silo-<id>`)
 * are not known when the control plane is deployed: select them next to these in the console, or
 * run the same query string with `SOURCE logGroups(namePrefix: [...])` (docs/observability.md).
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import { CfnQueryDefinition } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_KEYS, REQUEST_LOG_MESSAGE } from '../../../contracts/observability';
import { ACCESS_LOG_KEYS, THROTTLED_STATUS } from './access-log';

/** The saved queries' folder. */
export const QUERY_FOLDER = 'tenantflow';

/** What the onboarding timeline query filters on until the operator puts a tenant id in. */
export const TENANT_ID_PLACEHOLDER = '<tenantId>';

const k = LOG_KEYS;
const isRequestLine = `filter ${k.message} = "${REQUEST_LOG_MESSAGE}"`;
const query = (...commands: string[]) => commands.join('\n| ');

/** The query strings, by saved query (name without the folder). */
export const SAVED_QUERIES = {
  /**
   * One row per tenant. Insights has no conditional count: for an HTTP status s (< 1000),
   * floor(s / 400) - floor(s / 500) is 1 for 4xx only and floor(s / 500) is 1 for 5xx only.
   */
  'Requests, errors and latency by tenant': query(
    `fields floor(${k.statusCode} / 400) - floor(${k.statusCode} / 500) as clientError, floor(${k.statusCode} / 500) as serverError`,
    isRequestLine,
    `stats count(*) as requests, sum(clientError) as clientErrors, sum(serverError) as serverErrors, pct(${k.latencyMs}, 50) as p50LatencyMs, pct(${k.latencyMs}, 95) as p95LatencyMs by ${k.tenantId}, ${k.tier}`,
    'sort requests desc',
  ),
  'Top tenants by requests': query(
    isRequestLine,
    `stats count(*) as requests by ${k.tenantId}, ${k.tier}`,
    'sort requests desc',
    'limit 25',
  ),
  /**
   * Lambda's REPORT line carries the request id but no tenant, and Insights cannot join it to the
   * request line; the request line carries the handler's own time from request to answer
   * (latencyMs), so that is the duration attributed to a tenant (init and runtime overhead excluded;
   * those are in the REPORT query below, per function).
   */
  'Lambda duration by tenant': query(
    isRequestLine,
    `stats count(*) as requests, sum(${k.latencyMs}) as totalMs, avg(${k.latencyMs}) as avgMs, pct(${k.latencyMs}, 95) as p95Ms, max(${k.latencyMs}) as maxMs by ${k.tenantId}, ${k.tier}, ${k.service}`,
    'sort totalMs desc',
  ),
  /** Lambda's own duration, per function log group (in a silo stack, a log group is one tenant's). */
  'Lambda REPORT duration by function': query(
    'filter @type = "REPORT"',
    'stats count(*) as invocations, avg(@duration) as avgMs, pct(@duration, 95) as p95Ms, max(@duration) as maxMs, sum(@billedDuration) as billedMs, max(@maxMemoryUsed) as maxMemoryBytes by @log',
    'sort billedMs desc',
  ),
  /** Every line the onboarding's steps wrote for one tenant (correlation_id: the execution name). */
  'Onboarding timeline of a tenant': query(
    `fields @timestamp, ${k.service}, ${k.level}, ${k.message}, ${k.correlationId}, ${k.tier}`,
    `filter ${k.tenantId} = "${TENANT_ID_PLACEHOLDER}"`,
    'sort @timestamp asc',
    'limit 1000',
  ),
  /** Requests the usage plans refused, from the stage's access log (the functions never see them). */
  'Throttles by tenant': query(
    `filter ${ACCESS_LOG_KEYS.status} = ${THROTTLED_STATUS}`,
    `stats count(*) as throttled by ${ACCESS_LOG_KEYS.tenantId}, ${ACCESS_LOG_KEYS.tier}, ${ACCESS_LOG_KEYS.apiKeyId}`,
    'sort throttled desc',
  ),
  'Errors by tenant': query(
    `filter ${k.level} = "ERROR"`,
    `stats count(*) as errors, latest(${k.message}) as lastMessage by ${k.tenantId}, ${k.service}`,
    'sort errors desc',
  ),
} as const;

export type SavedQueryName = keyof typeof SAVED_QUERIES;

export interface SavedQueriesProps {
  /** The log groups of the functions behind the tenant API (request lines). */
  readonly tenantApiFunctions: readonly logs.ILogGroup[];
  /** The tenant API stage's access log group(s). */
  readonly tenantApiAccessLogs: readonly logs.ILogGroup[];
  /** The log groups of the control plane's API functions. */
  readonly controlPlaneFunctions: readonly logs.ILogGroup[];
  /** The log groups of the onboarding's step functions. */
  readonly onboardingSteps: readonly logs.ILogGroup[];
}

/** The saved queries, each over the log groups its lines are in. */
export class SavedQueries extends Construct {
  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const { tenantApiFunctions, tenantApiAccessLogs, controlPlaneFunctions, onboardingSteps } = props;
    const logGroupsOf: Record<SavedQueryName, readonly logs.ILogGroup[]> = {
      'Requests, errors and latency by tenant': tenantApiFunctions,
      'Top tenants by requests': tenantApiFunctions,
      'Lambda duration by tenant': tenantApiFunctions,
      'Lambda REPORT duration by function': tenantApiFunctions,
      'Onboarding timeline of a tenant': onboardingSteps,
      'Throttles by tenant': tenantApiAccessLogs,
      'Errors by tenant': [...tenantApiFunctions, ...controlPlaneFunctions, ...onboardingSteps],
    };
    for (const [name, queryString] of Object.entries(SAVED_QUERIES)) {
      // 'Top tenants by requests' → TopTenantsByRequests
      const id = name.replace(/(?:^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
      new CfnQueryDefinition(this, id, {
        name: `${QUERY_FOLDER}/${name}`,
        queryString,
        logGroupNames: logGroupsOf[name as SavedQueryName].map((logGroup) => logGroup.logGroupName),
      });
    }
  }
}
