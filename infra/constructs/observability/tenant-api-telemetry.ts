import type * as logs from 'aws-cdk-lib/aws-logs';
import type { AppFunction } from '../app-function';

/**
 * What a tenant stack offers the control plane's observability: the functions behind its API
 * (their log groups hold the request lines; their service names are the `service` dimension of
 * the per-tier metrics) and its stage's access log group.
 */
export interface TenantApiTelemetry {
  readonly functions: readonly AppFunction[];
  readonly accessLogs: logs.ILogGroup;
}

/** The Powertools service names of the tenant API's functions. */
export function tenantApiServices(telemetry: TenantApiTelemetry): string[] {
  return telemetry.functions.map((fn) => fn.serviceName);
}
