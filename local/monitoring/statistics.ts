/**
 * CloudWatch statistics over the datapoints of one period: SampleCount, Sum, Average, Minimum,
 * Maximum, and percentiles `pNN` / `pNN.N`. A percentile is the nearest-rank value of the
 * period's values (the value at rank ⌈p/100 × n⌉ in ascending order, counts included), exact
 * where CloudWatch approximates; it is absent for a period whose datapoints were all sent as
 * statistic sets (StatisticValues carry no distribution), as on CloudWatch.
 */

/** A datapoint as stored: its aggregate, and its values when they are known. */
export interface StoredPoint {
  /** Epoch ms. */
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly values?: readonly number[];
  readonly counts?: readonly number[];
  readonly unit?: string;
}

/** The datapoints of one period, aggregated. */
export interface PeriodAggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Value → count, of the datapoints that carried values. */
  readonly distribution: Map<number, number>;
  unit?: string;
}

const STATISTICS = new Set(['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum']);
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100)$/;

/** Whether CloudWatch's name of a statistic is one the local metrics compute. */
export function isSupportedStatistic(stat: string): boolean {
  return STATISTICS.has(stat) || PERCENTILE.test(stat);
}

/** Whether a name is an extended statistic (a percentile). */
export function isPercentile(stat: string): boolean {
  return PERCENTILE.test(stat);
}

/** Aggregates datapoints by period (aligned to multiples of the period since the epoch). */
export function aggregateByPeriod(
  points: Iterable<StoredPoint>,
  startMs: number,
  endMs: number,
  periodSeconds: number,
): Map<number, PeriodAggregate> {
  const periodMs = periodSeconds * 1000;
  const periods = new Map<number, PeriodAggregate>();
  for (const point of points) {
    if (point.t < startMs || point.t >= endMs) continue;
    const periodStart = Math.floor(point.t / periodMs) * periodMs;
    let aggregate = periods.get(periodStart);
    if (!aggregate) {
      aggregate = {
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        distribution: new Map(),
        unit: point.unit,
      };
      periods.set(periodStart, aggregate);
    }
    aggregate.sum += point.sum;
    aggregate.count += point.count;
    aggregate.min = Math.min(aggregate.min, point.min);
    aggregate.max = Math.max(aggregate.max, point.max);
    point.values?.forEach((value, index) => {
      aggregate.distribution.set(value, (aggregate.distribution.get(value) ?? 0) + (point.counts?.[index] ?? 1));
    });
  }
  return periods;
}

/** One statistic of a period, or undefined when it cannot be computed (a percentile without values). */
export function statisticOf(aggregate: PeriodAggregate, stat: string): number | undefined {
  switch (stat) {
    case 'SampleCount':
      return aggregate.count;
    case 'Sum':
      return aggregate.sum;
    case 'Average':
      return aggregate.count === 0 ? undefined : aggregate.sum / aggregate.count;
    case 'Minimum':
      return aggregate.min;
    case 'Maximum':
      return aggregate.max;
  }
  if (!PERCENTILE.test(stat) || aggregate.distribution.size === 0) return undefined;
  const p = Number(stat.slice(1));
  const sorted = [...aggregate.distribution].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted.at(-1)?.[0];
}

/** A stored point from values and their counts. */
export function pointOfValues(
  t: number,
  values: readonly number[],
  counts: readonly number[],
  unit?: string,
): StoredPoint {
  let sum = 0;
  let count = 0;
  for (const [index, value] of values.entries()) {
    const times = counts[index] ?? 1;
    sum += value * times;
    count += times;
  }
  return { t, sum, count, min: Math.min(...values), max: Math.max(...values), values, counts, unit };
}
