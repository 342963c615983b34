/**
 * The local CloudWatch Logs: an AWS JSON 1.1 endpoint on 127.0.0.1 (`X-Amz-Target:
 * Logs_20140328.<Operation>`) for `@aws-sdk/client-cloudwatch-logs` and `aws logs`, plus the
 * in-process side the local cloud uses: the Lambda runtime ships function output here, the
 * deployer creates the templates' log groups, subscription filters and metric filters.
 *
 * Operations: CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy,
 * DeleteRetentionPolicy, CreateLogStream, DescribeLogStreams, PutLogEvents, GetLogEvents,
 * FilterLogEvents, Put/Describe/DeleteSubscriptionFilter, Put/Describe/DeleteMetricFilter,
 * TestMetricFilter, DescribeQueryDefinitions, TagResource, UntagResource, ListTagsForResource,
 * TagLogGroup, UntagLogGroup, ListTagsLogGroup. Logs Insights queries (StartQuery) are not.
 * State persists under `dataDir` (see `event-store.ts` and `catalog.ts` for the layout and its bounds).
 */
import { startRpcServer } from '../aws-rpc';
import { logsOperations } from './api';
import type { QueryDefinition } from './api-input';
import { type IngestListener, LogsBackend } from './backend';
import { applyMetricFilters, type MetricSink } from './metric-filters';
import { SubscriptionDelivery } from './subscriptions';

export type { QueryDefinition } from './api-input';
export type { IngestedBatch, IngestListener } from './backend';
export type { MetricDatum, MetricSink } from './metric-filters';

/** Options of {@link startLocalLogs}. */
export interface LocalLogsOptions {
  /** Where groups, streams and events persist (e.g. `<dataDir>/logs`). */
  readonly dataDir: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Where metric filters put their datapoints (absent: metric filters are stored, not applied). */
  readonly metrics?: MetricSink;
}

/** How subscription filters reach Lambda functions; connected once the Lambda runtime runs. */
export interface FunctionInvoker {
  invoke(functionArn: string, event: unknown): Promise<unknown>;
  has(functionArn: string): boolean;
}

/** A subscription filter of a template (`AWS::Logs::SubscriptionFilter`). */
export interface SubscriptionFilterInput {
  readonly logGroupName: string;
  readonly filterName: string;
  readonly filterPattern: string;
  readonly destinationArn: string;
  readonly roleArn?: string;
  readonly distribution?: string;
}

/** A metric filter of a template (`AWS::Logs::MetricFilter`), in the API's shape. */
export interface MetricFilterInput {
  readonly logGroupName: string;
  readonly filterName: string;
  readonly filterPattern: string;
  readonly metricTransformations: readonly Record<string, unknown>[];
}

/** A running local CloudWatch Logs. */
export interface LocalLogs {
  /** Base URL for `new CloudWatchLogsClient({ endpoint })` and `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`. */
  readonly endpoint: string;
  /** Connects subscription delivery to the functions; deliveries wait until then. */
  connectFunctions(functions: FunctionInvoker): void;
  /** Creates a log group unless it exists; a retention given is set either way. */
  ensureLogGroup(name: string, retentionInDays?: number): void;
  /** Deletes a log group, its events and its filters (no error if it is gone). */
  deleteLogGroup(name: string): void;
  putSubscriptionFilter(filter: SubscriptionFilterInput): void;
  deleteSubscriptionFilter(logGroupName: string, filterName: string): void;
  putMetricFilter(filter: MetricFilterInput): void;
  deleteMetricFilter(logGroupName: string, filterName: string): void;
  putQueryDefinition(definition: QueryDefinition): void;
  deleteQueryDefinition(queryDefinitionId: string): void;
  /**
   * What a Lambda function wrote, as Lambda ships it: the group and stream are created when
   * missing, and EMF records in the events become metrics.
   */
  putFunctionLogs(group: string, stream: string, events: readonly { timestamp: number; message: string }[]): void;
  /** Adds a receiver of every stored batch (the metrics' EMF extraction). */
  onIngest(listener: IngestListener): void;
  /** Resolves when every matched event has been delivered to its subscription. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the local CloudWatch Logs on 127.0.0.1. */
export async function startLocalLogs(opts: LocalLogsOptions): Promise<LocalLogs> {
  const backend = new LogsBackend(opts.dataDir);
  if (opts.metrics) applyMetricFilters(backend, opts.metrics);
  const accountId = opts.accountId ?? '000000000000';
  const queryDefinitions = new Map<string, QueryDefinition>();
  let functions: FunctionInvoker | undefined;
  let delivery: SubscriptionDelivery | undefined;
  const operations = logsOperations({
    backend,
    region: opts.region ?? 'us-east-1',
    accountId,
    hasFunction: (arn) => functions?.has(arn) ?? false,
    queryDefinitions,
  });
  const call = (operation: string, input: Record<string, unknown>) =>
    operations[operation]?.(input, { headers: {}, protocol: 'json' });
  const server = await startRpcServer({ targetPrefix: 'Logs_20140328', jsonVersion: '1.1', operations });

  return {
    endpoint: server.endpoint,
    connectFunctions(connected) {
      functions = connected;
      delivery ??= new SubscriptionDelivery({
        backend,
        accountId,
        invoke: (arn, event) => connected.invoke(arn, event),
      });
    },
    ensureLogGroup: (name, retentionInDays) => backend.ensureGroup(name, retentionInDays),
    deleteLogGroup(name) {
      if (backend.catalog.groups.has(name)) backend.deleteGroup(name);
    },
    putSubscriptionFilter: (filter) => call('PutSubscriptionFilter', { ...filter }),
    deleteSubscriptionFilter(logGroupName, filterName) {
      if (backend.catalog.groups.get(logGroupName)?.subscriptions.has(filterName))
        backend.deleteSubscription(logGroupName, filterName);
    },
    putMetricFilter: (filter) => call('PutMetricFilter', { ...filter }),
    deleteMetricFilter(logGroupName, filterName) {
      if (backend.catalog.groups.get(logGroupName)?.metricFilters.has(filterName))
        backend.deleteMetricFilter(logGroupName, filterName);
    },
    putQueryDefinition: (definition) => queryDefinitions.set(definition.queryDefinitionId, definition),
    deleteQueryDefinition: (id) => queryDefinitions.delete(id),
    putFunctionLogs(group, stream, events) {
      if (events.length === 0) return;
      backend.ensureGroup(group);
      if (!backend.group(group).streams.has(stream)) backend.createStream(group, stream);
      backend.put(group, stream, events, true);
    },
    onIngest: (listener) => backend.onIngest(listener),
    idle: async () => delivery?.idle(),
    async close() {
      delivery?.close();
      await server.close();
      backend.close();
    },
  };
}
