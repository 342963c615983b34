/**
 * The state of the local CloudWatch Logs: the catalog (groups, streams, filters) and the event
 * store, with CloudWatch's errors for missing and duplicate resources. Everything that writes
 * events goes through {@link LogsBackend.put}, whose listeners (subscription filters, metric
 * filters, EMF extraction) see each batch once, as it is stored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsRpcError } from '../aws-rpc';
import { Catalog, type GroupState, type MetricFilterRecord, type SubscriptionFilterRecord } from './catalog';
import { EventStore, type StoredEvent } from './event-store';

/** A batch of events as stored, handed to each ingest listener. */
export interface IngestedBatch {
  readonly group: string;
  readonly stream: string;
  readonly events: readonly StoredEvent[];
  /** Whether CloudWatch would extract EMF metrics from it (Lambda's output, or `x-amzn-logs-format: json/emf`). */
  readonly emf: boolean;
}

/** Receives each stored batch. */
export type IngestListener = (batch: IngestedBatch) => void;

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/** Log groups, streams, filters and events, persisted under one directory. */
export class LogsBackend {
  readonly catalog: Catalog;
  readonly events: EventStore;
  private readonly listeners: IngestListener[] = [];
  private readonly sweep: NodeJS.Timeout;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.catalog = new Catalog(path.join(dataDir, 'catalog.jsonl'));
    this.events = new EventStore(path.join(dataDir, 'groups'));
    for (const name of this.catalog.groups.keys()) this.events.open(name);
    // A delivery position may name an event of a group deleted since: new ids must stay above it.
    for (const group of this.catalog.groups.values())
      for (const through of group.delivered.values()) this.events.idsAbove(through);
    this.expire();
    this.sweep = setInterval(() => this.expire(), RETENTION_SWEEP_MS).unref();
  }

  /** Adds a receiver of every stored batch. */
  onIngest(listener: IngestListener): void {
    this.listeners.push(listener);
  }

  /** The group, or CloudWatch's ResourceNotFoundException. */
  group(name: string): GroupState {
    const group = this.catalog.groups.get(name);
    if (!group) throw new AwsRpcError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  createGroup(name: string, options: { retentionInDays?: number; tags?: Record<string, string> } = {}): void {
    if (this.catalog.groups.has(name))
      throw new AwsRpcError('ResourceAlreadyExistsException', 'The specified log group already exists');
    this.catalog.record({ op: 'group', name, creationTime: Date.now(), ...options });
    this.events.open(name);
  }

  /** Creates the group unless it exists; a retention given is set either way (a deployment's). */
  ensureGroup(name: string, retentionInDays?: number): void {
    if (!this.catalog.groups.has(name)) this.createGroup(name, { retentionInDays });
    else if (retentionInDays !== undefined && this.group(name).retentionInDays !== retentionInDays)
      this.catalog.record({ op: 'retention', name, retentionInDays });
  }

  deleteGroup(name: string): void {
    this.group(name);
    this.catalog.record({ op: 'deleteGroup', name });
    this.events.drop(name);
  }

  setRetention(name: string, retentionInDays: number | undefined): void {
    this.group(name);
    this.catalog.record({ op: 'retention', name, retentionInDays });
    this.expire();
  }

  setTags(name: string, tags: Record<string, string>): void {
    this.group(name);
    this.catalog.record({ op: 'tags', name, tags });
  }

  createStream(group: string, stream: string): void {
    if (this.group(group).streams.has(stream))
      throw new AwsRpcError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    this.catalog.record({ op: 'stream', group, name: stream, creationTime: Date.now() });
  }

  /** Stores events of an existing stream and hands them to the listeners. */
  put(
    group: string,
    stream: string,
    events: readonly { timestamp: number; message: string }[],
    emf: boolean,
  ): StoredEvent[] {
    if (!this.group(group).streams.has(stream))
      throw new AwsRpcError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const stored = this.events.append(group, stream, events);
    const batch: IngestedBatch = { group, stream, events: stored, emf };
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        // A listener's failure (a metric it cannot store) must not lose the events themselves.
        process.emitWarning(`local CloudWatch Logs: an ingest listener failed: ${(error as Error).message}`);
      }
    }
    return stored;
  }

  /** Events older than this (epoch ms) are past the group's retention and not returned. */
  notBefore(group: string): number {
    const days = this.group(group).retentionInDays;
    return days === undefined ? 0 : Date.now() - days * DAY_MS;
  }

  putSubscription(filter: SubscriptionFilterRecord): void {
    const group = this.group(filter.logGroupName);
    const replacing = group.subscriptions.has(filter.filterName);
    this.catalog.record({ op: 'subscription', filter });
    // A new subscription applies to the events ingested from now on.
    if (!replacing) this.markDelivered(filter.logGroupName, filter.filterName, this.events.lastEventId);
  }

  deleteSubscription(group: string, filterName: string): void {
    if (!this.group(group).subscriptions.has(filterName))
      throw new AwsRpcError('ResourceNotFoundException', 'The specified subscription filter does not exist.');
    this.catalog.record({ op: 'deleteSubscription', group, filterName });
  }

  markDelivered(group: string, filterName: string, through: number): void {
    if (this.catalog.groups.get(group)?.subscriptions.has(filterName))
      this.catalog.record({ op: 'delivered', group, filterName, through });
  }

  putMetricFilter(filter: MetricFilterRecord): void {
    this.group(filter.logGroupName);
    this.catalog.record({ op: 'metricFilter', filter });
  }

  deleteMetricFilter(group: string, filterName: string): void {
    if (!this.group(group).metricFilters.has(filterName))
      throw new AwsRpcError('ResourceNotFoundException', 'The specified metric filter does not exist.');
    this.catalog.record({ op: 'deleteMetricFilter', group, filterName });
  }

  close(): void {
    clearInterval(this.sweep);
    this.events.close();
    this.catalog.close();
  }

  /** Applies every group's retention to the sealed segments. */
  private expire(): void {
    for (const group of this.catalog.groups.values())
      if (group.retentionInDays !== undefined)
        this.events.expire(group.name, Date.now() - group.retentionInDays * DAY_MS);
  }
}
