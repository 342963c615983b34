/**
 * What every function's environment tells Powertools (Logger, Tracer, Metrics): its service, the
 * metric namespace of the contract, the log level of the deployment, and that traced responses are
 * not captured (an answer can carry tenant data; X-Ray keeps no copy of it).
 */
import type { IConstruct } from 'constructs';
import { METRIC_NAMESPACE } from '../../../contracts/observability';

/** The log levels a deployment may set (Powertools Logger also knows TRACE, SILENT, CRITICAL: not offered). */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The level when context `logLevel` is not set. */
export const DEFAULT_LOG_LEVEL: LogLevelName = 'INFO';

/**
 * The functions' log level from context `logLevel` (`cdk deploy -c logLevel=DEBUG`), default INFO.
 * Read where a function is built, from the app's context, so every stack (the silo template's stage
 * included) gets the same level.
 */
export function logLevelOf(scope: IConstruct): LogLevelName {
  const raw: unknown = scope.node.tryGetContext('logLevel');
  if (raw === undefined || raw === '') return DEFAULT_LOG_LEVEL;
  const level = String(raw).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new Error(`Context logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${String(raw)}`);
  return level as LogLevelName;
}

/** The Powertools variables of one function (`service` is the function's id, its metrics' service dimension). */
export function powertoolsEnvironment(scope: IConstruct, service: string): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: logLevelOf(scope),
    // Responses can carry tenant data: traces record that a call answered, not what it answered.
    POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  };
}
