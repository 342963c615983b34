/**
 * What the local CloudWatch Logs knows besides the events: log groups (retention, tags), their
 * streams, subscription filters and metric filters, and how far each subscription has been
 * delivered. Kept as an append-only journal (`catalog.jsonl`), replayed at start and compacted
 * then when most of it is superseded, so a change costs one appended line.
 */
import * as fs from 'node:fs';
import { JsonLinesWriter, readJsonLines, rewriteJsonLines } from './json-lines';

/** A subscription filter as DescribeSubscriptionFilters shows it. */
export interface SubscriptionFilterRecord {
  readonly filterName: string;
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly destinationArn: string;
  readonly roleArn?: string;
  readonly distribution: string;
  readonly creationTime: number;
}

/** One metric a metric filter emits per matching event. */
export interface MetricTransformation {
  readonly metricName: string;
  readonly metricNamespace: string;
  /** A number, or `$.selector` of a JSON event. */
  readonly metricValue: string;
  readonly defaultValue?: number;
  /** Dimension name → `$.selector`. */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly unit?: string;
}

/** A metric filter as DescribeMetricFilters shows it. */
export interface MetricFilterRecord {
  readonly filterName: string;
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly metricTransformations: readonly MetricTransformation[];
  readonly creationTime: number;
}

/** A log group and what hangs off it. */
export interface GroupState {
  readonly name: string;
  readonly creationTime: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  /** Stream name → creation time. */
  readonly streams: Map<string, number>;
  readonly subscriptions: Map<string, SubscriptionFilterRecord>;
  readonly metricFilters: Map<string, MetricFilterRecord>;
  /** Subscription filter name → id of the last event delivered. */
  readonly delivered: Map<string, number>;
}

type Entry =
  | { op: 'group'; name: string; creationTime: number; retentionInDays?: number; tags?: Record<string, string> }
  | { op: 'deleteGroup'; name: string }
  | { op: 'retention'; name: string; retentionInDays?: number }
  | { op: 'tags'; name: string; tags: Record<string, string> }
  | { op: 'stream'; group: string; name: string; creationTime: number }
  | { op: 'subscription'; filter: SubscriptionFilterRecord }
  | { op: 'deleteSubscription'; group: string; filterName: string }
  | { op: 'metricFilter'; filter: MetricFilterRecord }
  | { op: 'deleteMetricFilter'; group: string; filterName: string }
  | { op: 'delivered'; group: string; filterName: string; through: number };

function groupNameOf(entry: Exclude<Entry, { op: 'group' | 'deleteGroup' }>): string {
  if (entry.op === 'retention' || entry.op === 'tags') return entry.name;
  if (entry.op === 'subscription' || entry.op === 'metricFilter') return entry.filter.logGroupName;
  return entry.group;
}

/** The journal, replayed: log groups by name. */
export class Catalog {
  readonly groups = new Map<string, GroupState>();
  private readonly writer: JsonLinesWriter;

  constructor(file: string) {
    const entries = readJsonLines<Entry>(file);
    for (const entry of entries) this.apply(entry);
    // Compaction: delivery cursors and deleted groups make most of a long-lived journal stale.
    const live = this.snapshot();
    if (entries.length > 2 * live.length + 100) rewriteJsonLines(file, live);
    else if (!fs.existsSync(file)) rewriteJsonLines(file, []);
    this.writer = new JsonLinesWriter(file);
  }

  /** Records a change and applies it. */
  record(entry: Entry): void {
    this.writer.append([entry]);
    this.apply(entry);
  }

  close(): void {
    this.writer.close();
  }

  private apply(entry: Entry): void {
    if (entry.op === 'group') {
      this.groups.set(entry.name, {
        name: entry.name,
        creationTime: entry.creationTime,
        retentionInDays: entry.retentionInDays,
        tags: { ...entry.tags },
        streams: new Map(),
        subscriptions: new Map(),
        metricFilters: new Map(),
        delivered: new Map(),
      });
      return;
    }
    if (entry.op === 'deleteGroup') {
      this.groups.delete(entry.name);
      return;
    }
    const group = this.groups.get(groupNameOf(entry));
    if (!group) return;
    if (entry.op === 'retention') group.retentionInDays = entry.retentionInDays;
    else if (entry.op === 'tags') group.tags = { ...entry.tags };
    else if (entry.op === 'stream') group.streams.set(entry.name, entry.creationTime);
    else if (entry.op === 'subscription') group.subscriptions.set(entry.filter.filterName, entry.filter);
    else if (entry.op === 'metricFilter') group.metricFilters.set(entry.filter.filterName, entry.filter);
    else if (entry.op === 'deleteMetricFilter') group.metricFilters.delete(entry.filterName);
    else if (entry.op === 'deleteSubscription') {
      group.subscriptions.delete(entry.filterName);
      group.delivered.delete(entry.filterName);
    } else if (entry.op === 'delivered') group.delivered.set(entry.filterName, entry.through);
  }

  /** The entries that rebuild the current state. */
  private snapshot(): Entry[] {
    const entries: Entry[] = [];
    for (const group of this.groups.values()) {
      const { name, creationTime, retentionInDays, tags } = group;
      entries.push({ op: 'group', name, creationTime, retentionInDays, tags });
      for (const [stream, created] of group.streams)
        entries.push({ op: 'stream', group: name, name: stream, creationTime: created });
      for (const filter of group.subscriptions.values()) entries.push({ op: 'subscription', filter });
      for (const filter of group.metricFilters.values()) entries.push({ op: 'metricFilter', filter });
      for (const [filterName, through] of group.delivered)
        entries.push({ op: 'delivered', group: name, filterName, through });
    }
    return entries;
  }
}
