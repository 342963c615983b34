/**
 * Metric filters: each stored event that matches a group's metric filter becomes one datapoint
 * of each of its metric transformations, handed to a {@link MetricSink} (the local CloudWatch
 * metrics). The value is the transformation's number, or the number a `$.selector` reaches in a
 * JSON event; dimensions take the string a `$.selector` reaches. An event whose value or
 * dimension is missing or of the wrong type emits nothing, as on AWS. `defaultValue` (a datapoint
 * for periods without a match) is not emitted locally.
 */
import type { LogsBackend } from './backend';
import type { MetricFilterRecord, MetricTransformation } from './catalog';
import type { StoredEvent } from './event-store';
import { type FilterPattern, parseFilterPattern } from './filter-pattern';

/** One datapoint for the metrics store. */
export interface MetricDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly value: number;
  readonly unit?: string;
}

/** Where metric filters put their datapoints. */
export type MetricSink = (data: readonly MetricDatum[]) => void;

/** The value a `$.a.b` selector reaches in a JSON message, or undefined. */
function selectorValue(message: string, selector: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  for (const key of selector.replace(/^\$\.?/, '').split('.')) {
    if (key === '') continue;
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function datumOf(transformation: MetricTransformation, event: StoredEvent): MetricDatum | undefined {
  const raw = transformation.metricValue.startsWith('$')
    ? selectorValue(event.m, transformation.metricValue)
    : Number(transformation.metricValue);
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  const dimensions: Record<string, string> = {};
  for (const [name, selector] of Object.entries(transformation.dimensions ?? {})) {
    const value = selectorValue(event.m, selector);
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    dimensions[name] = String(value);
  }
  return {
    namespace: transformation.metricNamespace,
    metricName: transformation.metricName,
    dimensions,
    timestamp: event.t,
    value: raw,
    unit: transformation.unit,
  };
}

/** Applies every group's metric filters to each stored batch. */
export function applyMetricFilters(backend: LogsBackend, sink: MetricSink): void {
  const patterns = new Map<string, FilterPattern>();
  const patternOf = (filter: MetricFilterRecord) => {
    let pattern = patterns.get(filter.filterPattern);
    if (!pattern) {
      pattern = parseFilterPattern(filter.filterPattern);
      patterns.set(filter.filterPattern, pattern);
    }
    return pattern;
  };
  backend.onIngest((batch) => {
    const filters = backend.catalog.groups.get(batch.group)?.metricFilters;
    if (!filters || filters.size === 0) return;
    const data: MetricDatum[] = [];
    for (const filter of filters.values()) {
      const pattern = patternOf(filter);
      for (const event of batch.events) {
        if (!pattern.matches(event.m)) continue;
        for (const transformation of filter.metricTransformations) {
          const datum = datumOf(transformation, event);
          if (datum) data.push(datum);
        }
      }
    }
    if (data.length > 0) sink(data);
  });
}
