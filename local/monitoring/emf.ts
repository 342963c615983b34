/**
 * CloudWatch Embedded Metric Format: a log event whose message is a JSON object with
 * `_aws.CloudWatchMetrics` becomes metric datapoints, as CloudWatch extracts them: for each
 * directive, each dimension set and each metric, one datapoint whose value is the member of the
 * metric's name (a number, or an array of numbers: one datapoint of several values), timestamped
 * `_aws.Timestamp`, dimensioned by the members the set names.
 *
 * A metric whose value is missing or not numeric, and a dimension set naming a member that is
 * missing or not a string, are skipped, as CloudWatch skips them. A message in Lambda's text form
 * (`<time>\t<request id>\t<level>\t{…}`, what `console.log` of a record gives) is read from its
 * JSON part, so records printed either way count, as they do on Lambda.
 */

/** A datapoint as the metrics store keeps it. */
export interface MetricPoint {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly timestamp: number;
  /** Values and how often each occurred (PutMetricData's Values/Counts). */
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly unit?: string;
  readonly storageResolution?: number;
}

const LAMBDA_TEXT_PREFIX = /^[^\t]+\t[^\t]+\t[A-Z]+\t(?=\{)/;

/** The JSON object of an EMF record in a message, or undefined. */
function recordOf(message: string): Record<string, unknown> | undefined {
  const json = message.startsWith('{') ? message : message.replace(LAMBDA_TEXT_PREFIX, '');
  if (!json.startsWith('{') || !json.includes('"_aws"')) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function numbersOf(value: unknown): number[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'number' && Number.isFinite(item))) return undefined;
  return list as number[];
}

interface Directive {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

/** The datapoints of the EMF record in a log event's message (none if it holds none). */
export function extractEmf(message: string, eventTimestamp: number): MetricPoint[] {
  const record = recordOf(message);
  const aws = record?._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!record || !aws || !Array.isArray(aws.CloudWatchMetrics)) return [];
  const timestamp = typeof aws.Timestamp === 'number' ? aws.Timestamp : eventTimestamp;
  const points: MetricPoint[] = [];
  for (const directive of aws.CloudWatchMetrics as Directive[]) {
    if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const sets = Array.isArray(directive.Dimensions) ? (directive.Dimensions as unknown[]) : [[]];
    for (const set of sets) {
      const dimensions = dimensionsOf(record, set);
      if (!dimensions) continue;
      for (const metric of directive.Metrics as Array<{
        Name?: unknown;
        Unit?: unknown;
        StorageResolution?: unknown;
      }>) {
        if (typeof metric?.Name !== 'string') continue;
        const values = numbersOf(record[metric.Name]);
        if (!values) continue;
        points.push({
          namespace: directive.Namespace,
          metricName: metric.Name,
          dimensions,
          timestamp,
          values,
          counts: values.map(() => 1),
          unit: typeof metric.Unit === 'string' ? metric.Unit : undefined,
          storageResolution: typeof metric.StorageResolution === 'number' ? metric.StorageResolution : undefined,
        });
      }
    }
  }
  return points;
}

function dimensionsOf(record: Record<string, unknown>, set: unknown): Record<string, string> | undefined {
  if (!Array.isArray(set)) return undefined;
  const dimensions: Record<string, string> = {};
  for (const name of set) {
    const value = typeof name === 'string' ? record[name] : undefined;
    if (typeof value !== 'string') return undefined;
    dimensions[name as string] = value;
  }
  return dimensions;
}
