/**
 * The CloudWatch metrics API actions: ListMetrics, GetMetricData (MetricStat queries; metric
 * math `Expression` is refused), GetMetricStatistics and PutMetricData, with CloudWatch's
 * validation and its error types (`InvalidParameterValueException`,
 * `MissingRequiredParameterException`, `InvalidParameterCombinationException`, `InvalidNextToken`).
 * Timestamps arrive as epoch seconds (what AWS JSON and, decoded, CBOR carry) and leave as `Date`.
 */
import { AwsRpcError, type RpcInput, type RpcOperation } from '../aws-rpc';
import type { MetricId, MetricStore } from './metric-store';
import {
  aggregateByPeriod,
  isPercentile,
  isSupportedStatistic,
  type PeriodAggregate,
  pointOfValues,
  type StoredPoint,
  statisticOf,
} from './statistics';

type Input = RpcInput;

/** The `awsQueryCompatible` codes of the error types, sent as `x-amzn-query-error`. */
export const QUERY_ERROR_CODES: Readonly<Record<string, string>> = {
  InvalidParameterValueException: 'InvalidParameterValue',
  MissingRequiredParameterException: 'MissingParameter',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  InvalidNextToken: 'InvalidNextToken',
};

const invalid = (message: string) => new AwsRpcError('InvalidParameterValueException', message);
const combination = (message: string) => new AwsRpcError('InvalidParameterCombinationException', message);
const DAY_MS = 24 * 60 * 60 * 1000;

function required(input: Input, field: string): unknown {
  const value = input[field];
  if (value === undefined || value === null)
    throw new AwsRpcError('MissingRequiredParameterException', `The parameter ${field} is required.`);
  return value;
}

/** Epoch ms of a timestamp member (epoch seconds, or an ISO string from a hand-written request). */
function timeOf(input: Input, field: string): number {
  const value = required(input, field);
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw invalid(`The parameter ${field} must be a timestamp.`);
  return ms;
}

function dimensionsOf(list: unknown): Record<string, string> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list) || list.length > 30) throw invalid('Dimensions must be a list of at most 30 dimensions.');
  const dimensions: Record<string, string> = {};
  for (const dimension of list as Array<{ Name?: unknown; Value?: unknown }>) {
    if (typeof dimension?.Name !== 'string' || typeof dimension.Value !== 'string')
      throw invalid('Each dimension needs a Name and a Value.');
    dimensions[dimension.Name] = dimension.Value;
  }
  return dimensions;
}

function periodOf(value: unknown): number {
  const period = Number.isInteger(value) ? (value as number) : 0;
  if (![1, 5, 10, 30].includes(period) && (period < 60 || period % 60 !== 0))
    throw invalid('The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
  return period;
}

function metricView(metric: MetricId): Input {
  return {
    Namespace: metric.namespace,
    MetricName: metric.metricName,
    Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
  };
}

function pointsWithUnit(store: MetricStore, metric: MetricId, unit: unknown): readonly StoredPoint[] {
  const points = store.pointsOf(metric);
  return typeof unit === 'string' ? points.filter((point) => (point.unit ?? 'None') === unit) : points;
}

/** One MetricDataQuery's result. */
function metricDataResult(store: MetricStore, query: Input, start: number, end: number, ascending: boolean): Input {
  if (typeof query?.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(query.Id))
    throw invalid(
      'The Id of a MetricDataQuery must start with a lowercase letter and hold only letters, digits and _.',
    );
  if (query.Expression !== undefined)
    throw invalid('Metric math expressions (Expression) are not supported by the local CloudWatch; use MetricStat.');
  const stat = query.MetricStat;
  if (!stat?.Metric)
    throw new AwsRpcError('MissingRequiredParameterException', 'A MetricDataQuery needs MetricStat or Expression.');
  if (typeof stat.Stat !== 'string' || !isSupportedStatistic(stat.Stat))
    throw invalid(
      `The statistic ${stat.Stat} is not supported locally (Sum, Average, Minimum, Maximum, SampleCount, pNN).`,
    );
  const metric = {
    namespace: String(stat.Metric.Namespace),
    metricName: String(stat.Metric.MetricName),
    dimensions: dimensionsOf(stat.Metric.Dimensions),
  };
  const periods = aggregateByPeriod(
    pointsWithUnit(store, metric, stat.Unit),
    start,
    end,
    periodOf(stat.Period ?? query.Period),
  );
  const rows = [...periods]
    .map(([time, aggregate]) => [time, statisticOf(aggregate, stat.Stat)] as const)
    .filter((row): row is readonly [number, number] => row[1] !== undefined)
    .sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
  return {
    Id: query.Id,
    Label: typeof query.Label === 'string' ? query.Label : metric.metricName,
    Timestamps: rows.map(([time]) => new Date(time)),
    Values: rows.map(([, value]) => value),
    StatusCode: 'Complete',
    Messages: [],
  };
}

function datapointOf(time: number, aggregate: PeriodAggregate, statistics: string[], extended: string[]): Input {
  const datapoint: Input = { Timestamp: new Date(time), Unit: aggregate.unit ?? 'None' };
  for (const stat of statistics) datapoint[stat] = statisticOf(aggregate, stat);
  if (extended.length > 0)
    datapoint.ExtendedStatistics = Object.fromEntries(
      extended.map((stat) => [stat, statisticOf(aggregate, stat)]).filter(([, value]) => value !== undefined),
    );
  return datapoint;
}

/** The datapoints of one PutMetricData MetricDatum. */
function pointOfDatum(datum: Input, now: number): StoredPoint {
  const t = datum.Timestamp === undefined ? now : timeOf(datum, 'Timestamp');
  if (t < now - 14 * DAY_MS || t > now + 2 * 60 * 60 * 1000)
    throw invalid(
      'The parameter MetricData.member.Timestamp must be within the last two weeks and at most two hours ahead.',
    );
  const unit = typeof datum.Unit === 'string' ? datum.Unit : undefined;
  if (Array.isArray(datum.Values) && datum.Values.length > 0) {
    const counts = Array.isArray(datum.Counts) ? datum.Counts : datum.Values.map(() => 1);
    if (counts.length !== datum.Values.length) throw invalid('Values and Counts must be of the same length.');
    return pointOfValues(t, datum.Values, counts, unit);
  }
  if (datum.StatisticValues) {
    const { SampleCount, Sum, Minimum, Maximum } = datum.StatisticValues;
    if (![SampleCount, Sum, Minimum, Maximum].every((value) => typeof value === 'number'))
      throw new AwsRpcError(
        'MissingRequiredParameterException',
        'StatisticValues needs SampleCount, Sum, Minimum and Maximum.',
      );
    return { t, sum: Sum, count: SampleCount, min: Minimum, max: Maximum, unit };
  }
  if (typeof datum.Value !== 'number')
    throw new AwsRpcError('MissingRequiredParameterException', 'A MetricDatum needs Value, Values or StatisticValues.');
  return pointOfValues(t, [datum.Value], [1], unit);
}

/** The CloudWatch operations, by the name after `GraniteServiceVersion20100801.` (or in the CBOR path). */
export function monitoringOperations(store: MetricStore): Record<string, RpcOperation> {
  return {
    ListMetrics(input) {
      const wanted = Array.isArray(input.Dimensions)
        ? (input.Dimensions as Array<{ Name: string; Value?: string }>)
        : [];
      const recentSince = input.RecentlyActive === 'PT3H' ? Date.now() - 3 * 60 * 60 * 1000 : undefined;
      const metrics = store
        .metrics()
        .filter((m) => input.Namespace === undefined || m.namespace === input.Namespace)
        .filter((m) => input.MetricName === undefined || m.metricName === input.MetricName)
        .filter((m) =>
          wanted.every(
            (d) => Object.hasOwn(m.dimensions, d.Name) && (d.Value === undefined || m.dimensions[d.Name] === d.Value),
          ),
        )
        .filter((m) => recentSince === undefined || store.lastTimestampOf(m) >= recentSince);
      const offset =
        input.NextToken === undefined ? 0 : Number(Buffer.from(String(input.NextToken), 'base64url').toString());
      if (!Number.isInteger(offset) || offset < 0)
        throw new AwsRpcError('InvalidNextToken', 'The NextToken is invalid.');
      const items = metrics.slice(offset, offset + 500);
      const next = offset + 500 < metrics.length ? Buffer.from(String(offset + 500)).toString('base64url') : undefined;
      return { Metrics: items.map(metricView), NextToken: next };
    },
    GetMetricData(input) {
      const queries = required(input, 'MetricDataQueries');
      if (!Array.isArray(queries) || queries.length < 1 || queries.length > 500)
        throw invalid('MetricDataQueries must hold 1 to 500 queries.');
      const start = timeOf(input, 'StartTime');
      const end = timeOf(input, 'EndTime');
      if (end <= start) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
      const ascending = input.ScanBy === 'TimestampAscending';
      const results = queries.map((query: Input) => metricDataResult(store, query, start, end, ascending));
      return { MetricDataResults: results.filter((_r, index) => queries[index].ReturnData !== false), Messages: [] };
    },
    GetMetricStatistics(input) {
      const metric = {
        namespace: String(required(input, 'Namespace')),
        metricName: String(required(input, 'MetricName')),
        dimensions: dimensionsOf(input.Dimensions),
      };
      const start = timeOf(input, 'StartTime');
      const end = timeOf(input, 'EndTime');
      const period = periodOf(required(input, 'Period'));
      const statistics = (input.Statistics ?? []) as string[];
      const extended = (input.ExtendedStatistics ?? []) as string[];
      if (statistics.length === 0 && extended.length === 0)
        throw new AwsRpcError(
          'MissingRequiredParameterException',
          'Must specify either Statistics or ExtendedStatistics.',
        );
      if (statistics.some((s) => isPercentile(s) || !isSupportedStatistic(s)) || extended.some((s) => !isPercentile(s)))
        throw invalid('Statistics take SampleCount, Average, Sum, Minimum, Maximum; ExtendedStatistics take pNN.');
      if ((end - start) / (period * 1000) > 1440)
        throw combination(
          `You have requested up to ${Math.ceil((end - start) / (period * 1000))} datapoints, which exceeds the limit of 1440.`,
        );
      const periods = aggregateByPeriod(pointsWithUnit(store, metric, input.Unit), start, end, period);
      const datapoints = [...periods]
        .sort((a, b) => a[0] - b[0])
        .map(([time, aggregate]) => datapointOf(time, aggregate, statistics, extended));
      return { Label: metric.metricName, Datapoints: datapoints };
    },
    PutMetricData(input) {
      const namespace = String(required(input, 'Namespace'));
      if (namespace.startsWith('AWS/')) throw invalid(`The value ${namespace} for parameter Namespace is invalid.`);
      const data = required(input, 'MetricData');
      if (!Array.isArray(data) || data.length < 1 || data.length > 1000)
        throw invalid('MetricData must hold 1 to 1,000 datums.');
      const now = Date.now();
      store.add(
        data.map((datum: Input) => ({
          namespace,
          metricName: String(required(datum, 'MetricName')),
          dimensions: dimensionsOf(datum.Dimensions),
          point: pointOfDatum(datum, now),
        })),
      );
      return {};
    },
  };
}
