/**
 * The contract's metrics as the dashboard and the alarms read them. Powertools Metrics always adds
 * the `service` dimension, so a tier's tenant API metric is the sum over the tenant API's services
 * of the metric with dimensions {service, tier}: explicit metric math, which alarms accept (they
 * refuse SEARCH). Metrics whose emitting services the infrastructure does not pin (onboarding,
 * releases) are summed by a SEARCH over every dimension set of the name, for graphs only.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../../../contracts/observability';
import type { TierName } from '../../../contracts/tiers';

export const PERIOD = Duration.minutes(5);

type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** One service's metric of one tier. */
export function serviceTierMetric(metricName: MetricName, tier: TierName, service: string, statistic = 'Sum') {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { [DIMENSIONS.service]: service, [DIMENSIONS.tier]: tier },
    statistic,
    period: PERIOD,
    label: `${tier} ${service}`,
  });
}

/** Metric-math ids must be unique within a widget or an alarm: `<metric>_<tier>_<n>`. */
const idOf = (metricName: MetricName, tier: TierName, index: number) => `${metricName.toLowerCase()}_${tier}_${index}`;

function summed(metricName: MetricName, tier: TierName, services: readonly string[]) {
  const usingMetrics = Object.fromEntries(
    services.map((service, index) => [idOf(metricName, tier, index), serviceTierMetric(metricName, tier, service)]),
  );
  return { usingMetrics, sum: `SUM([${Object.keys(usingMetrics).join(',')}])` };
}

/** A count metric of one tier, summed over the tenant API's services. */
export function tierTotal(metricName: MetricName, tier: TierName, services: readonly string[]) {
  const { usingMetrics, sum } = summed(metricName, tier, services);
  return new cloudwatch.MathExpression({ expression: sum, usingMetrics, label: tier, period: PERIOD });
}

/** A tier's share of answers that were 5xx, in percent (no requests: no value). */
export function serverErrorRate(tier: TierName, services: readonly string[]) {
  const errors = summed(METRICS.serverErrors, tier, services);
  const requests = summed(METRICS.requests, tier, services);
  return new cloudwatch.MathExpression({
    expression: `100 * ${errors.sum} / ${requests.sum}`,
    usingMetrics: { ...errors.usingMetrics, ...requests.usingMetrics },
    label: `${tier} 5xx %`,
    period: PERIOD,
  });
}

/** METRICS.throttled of one tier, as the access log's metric filter publishes it (dimension tier only). */
export function throttledRequests(tier: TierName) {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: METRICS.throttled,
    dimensionsMap: { [DIMENSIONS.tier]: tier },
    statistic: 'Sum',
    period: PERIOD,
    label: tier,
  });
}

const search = (metricName: MetricName, statistic: string) =>
  `SEARCH('Namespace="${METRIC_NAMESPACE}" MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`;

/** A count metric summed over every dimension set it is published with (graphs only). */
export function namespaceTotal(metricName: MetricName, label: string = metricName) {
  return new cloudwatch.MathExpression({ expression: `SUM(${search(metricName, 'Sum')})`, label, period: PERIOD });
}

/** A metric, one line per dimension set it is published with (graphs only; e.g. a percentile). */
export function namespaceSeries(metricName: MetricName, statistic: string, label: string) {
  return new cloudwatch.MathExpression({ expression: search(metricName, statistic), label, period: PERIOD });
}
