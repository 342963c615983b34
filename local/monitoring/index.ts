/**
 * The local CloudWatch metrics (the `monitoring` endpoint) on 127.0.0.1, in both protocols its
 * clients speak: AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
 * what `@aws-sdk/client-cloudwatch` sends) and Smithy RPC v2 CBOR
 * (`POST /service/GraniteServiceVersion20100801/operation/<Operation>`, what the AWS CLI picks).
 *
 * Metrics come from the EMF records in the log events the local CloudWatch Logs stores (Lambda
 * output always; PutLogEvents only with `x-amzn-logs-format: json/emf`, as on AWS), from metric
 * filters, and from PutMetricData. Datapoints persist under `dataDir` (see `metric-store.ts`
 * for the bounds).
 */
import { startRpcServer } from '../aws-rpc';
import { monitoringOperations, QUERY_ERROR_CODES } from './api';
import { extractEmf, type MetricPoint } from './emf';
import { MetricStore } from './metric-store';
import { pointOfValues } from './statistics';

export type { MetricPoint } from './emf';

/** Options of {@link startLocalMonitoring}. */
export interface LocalMonitoringOptions {
  /** Where datapoints persist (e.g. `<dataDir>/monitoring`). */
  readonly dataDir: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** A batch of stored log events, as the local CloudWatch Logs hands it on. */
export interface LogEventBatch {
  readonly events: readonly { readonly t: number; readonly m: string }[];
  /** Whether EMF records in it count. */
  readonly emf: boolean;
}

/** A datapoint of a metric filter. */
export interface MetricFilterDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly value: number;
  readonly unit?: string;
}

/** A running local CloudWatch metrics endpoint. */
export interface LocalMonitoring {
  /** Base URL for `new CloudWatchClient({ endpoint })` and `AWS_ENDPOINT_URL_CLOUDWATCH`. */
  readonly endpoint: string;
  /** Extracts the EMF metrics of stored log events. */
  ingestLogEvents(batch: LogEventBatch): void;
  /** Stores metric filter datapoints. */
  putMetricFilterData(data: readonly MetricFilterDatum[]): void;
  close(): Promise<void>;
}

/** Starts the local CloudWatch metrics endpoint. */
export async function startLocalMonitoring(opts: LocalMonitoringOptions): Promise<LocalMonitoring> {
  const store = new MetricStore(opts.dataDir);
  const server = await startRpcServer({
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    cborService: 'GraniteServiceVersion20100801',
    errorNamespace: 'com.amazonaws.cloudwatch#',
    queryErrorCode: (type) => QUERY_ERROR_CODES[type],
    operations: monitoringOperations(store),
    port: opts.port,
  });
  const add = (points: readonly MetricPoint[]) =>
    store.add(
      points.map((point) => ({
        namespace: point.namespace,
        metricName: point.metricName,
        dimensions: point.dimensions,
        point: pointOfValues(point.timestamp, point.values, point.counts, point.unit),
      })),
    );
  return {
    endpoint: server.endpoint,
    ingestLogEvents(batch) {
      if (!batch.emf) return;
      // Cheap test first: most lines are not EMF records.
      const points = batch.events.flatMap((event) => (event.m.includes('"_aws"') ? extractEmf(event.m, event.t) : []));
      add(points);
    },
    putMetricFilterData(data) {
      add(
        data.map((datum) => ({
          namespace: datum.namespace,
          metricName: datum.metricName,
          dimensions: datum.dimensions,
          timestamp: datum.timestamp,
          values: [datum.value],
          counts: [1],
          unit: datum.unit,
        })),
      );
    },
    async close() {
      await server.close();
      store.close();
    },
  };
}
