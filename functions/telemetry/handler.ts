/** Operators' telemetry API: a tenant's traces and log lines, and one trace as a waterfall. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { XRayClient } from '@aws-sdk/client-xray';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, pathParam, router } from '../shared/http';
import { tenantStore } from '../tenants/tenant-store';
import { type TelemetryDeps, tenantLogs, tenantTraces, traceDetail } from './telemetry';
import { cloudWatchLogs, xrayTraces } from './telemetry-store';

const env = defineEnv(['TENANT_DETAILS_TABLE', 'TENANT_NAMES_TABLE', 'POOLED_API_LOG_GROUPS', 'SHARED_LOG_GROUPS']);
/** The environment lists log group names comma-separated (Lambda environment values are strings). */
const names = (value: string) => value.split(',').filter(Boolean);
const deps = lazy(
  (): TelemetryDeps => ({
    tenants: tenantStore(dynamoDb(), env),
    traces: xrayTraces(traced(new XRayClient({}))),
    logs: cloudWatchLogs(traced(new CloudWatchLogsClient({}))),
    logGroups: { pooledApi: names(env.POOLED_API_LOG_GROUPS), shared: names(env.SHARED_LOG_GROUPS) },
    now: () => new Date(),
  }),
);

export const handler = instrumentApi(
  router(
    {
      'GET /tenants/{tenantId}/traces': async (event) =>
        json(200, await tenantTraces(deps(), pathParam(event, 'tenantId'), event.queryStringParameters)),
      'GET /tenants/{tenantId}/logs': async (event) =>
        json(200, await tenantLogs(deps(), pathParam(event, 'tenantId'), event.queryStringParameters)),
      'GET /traces/{traceId}': async (event) => json(200, await traceDetail(deps(), pathParam(event, 'traceId'))),
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
