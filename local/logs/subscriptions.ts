/**
 * Subscription filters with a Lambda destination, delivered as CloudWatch Logs delivers them:
 * the matching events of one log stream in one invocation of
 * `{"awslogs": {"data": base64(gzip(JSON))}}` whose JSON is `{messageType: "DATA_MESSAGE", owner,
 * logGroup, logStream, subscriptionFilters, logEvents: [{id, timestamp, message}]}`.
 *
 * Batches leave every {@link DELIVERY_INTERVAL_MS} or as soon as {@link BATCH_SIZE} events wait.
 * Delivery is at least once: the id of the last event delivered is recorded per subscription
 * after each successful invocation, and at start the events after it are matched and delivered
 * again, so a stop between an invocation and its record repeats a batch rather than losing it.
 * A failed invocation is retried with backoff (1 s doubling, at most 60 s); after
 * {@link MAX_ATTEMPTS} failures the batch is dropped with a warning, as an asynchronous
 * invocation's events end after their retries. At most {@link MAX_QUEUED} events wait per
 * subscription; beyond that the oldest are dropped (a destination down for long).
 */
import { gzipSync } from 'node:zlib';
import type { LogsBackend } from './backend';
import type { SubscriptionFilterRecord } from './catalog';
import { eventIdOf, type StoredEvent } from './event-store';
import { type FilterPattern, parseFilterPattern } from './filter-pattern';

export const BATCH_SIZE = 100;
export const DELIVERY_INTERVAL_MS = 1000;
export const MAX_ATTEMPTS = 8;
export const MAX_QUEUED = 10_000;

/** Options of {@link SubscriptionDelivery}. */
export interface SubscriptionDeliveryOptions {
  readonly backend: LogsBackend;
  /** Invokes a Lambda function (by ARN) with an event, as an asynchronous invocation would. */
  readonly invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  /** The `owner` of the payloads. */
  readonly accountId: string;
  readonly warn?: (message: string) => void;
}

interface Queue {
  readonly group: string;
  readonly filterName: string;
  readonly events: StoredEvent[];
  attempts: number;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
}

/** Builds the invocation event of a batch of one stream. */
export function subscriptionPayload(
  filter: Pick<SubscriptionFilterRecord, 'logGroupName' | 'filterName'>,
  owner: string,
  logStream: string,
  events: readonly StoredEvent[],
): { awslogs: { data: string } } {
  const message = {
    messageType: 'DATA_MESSAGE',
    owner,
    logGroup: filter.logGroupName,
    logStream,
    subscriptionFilters: [filter.filterName],
    logEvents: events.map((event) => ({ id: eventIdOf(event), timestamp: event.t, message: event.m })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(message)).toString('base64') } };
}

/** Matches stored events against the subscription filters and delivers them. */
export class SubscriptionDelivery {
  private readonly queues = new Map<string, Queue>();
  private readonly patterns = new Map<string, FilterPattern>();
  private closed = false;

  constructor(private readonly opts: SubscriptionDeliveryOptions) {
    opts.backend.onIngest((batch) => this.enqueue(batch.group, batch.events));
    this.recover();
  }

  /** Resolves when nothing waits for delivery (tests, shutdown). */
  async idle(): Promise<void> {
    while (!this.closed) {
      const pending = [...this.queues.values()].filter((queue) => queue.events.length > 0 || queue.inFlight);
      if (pending.length === 0) return;
      await Promise.all(pending.map((queue) => queue.inFlight ?? this.flush(queue)));
    }
  }

  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
  }

  /** Re-matches what was stored after each subscription's last delivered event. */
  private recover(): void {
    const { backend } = this.opts;
    for (const group of backend.catalog.groups.values()) {
      for (const filter of group.subscriptions.values()) {
        const through = group.delivered.get(filter.filterName) ?? backend.events.lastEventId;
        const segments = backend.events.segmentsOf(group.name, undefined).sort((a, b) => a.seq - b.seq);
        for (const segment of segments) {
          if (segment.lastId <= through) continue;
          const events = backend.events.eventsOf(group.name, segment.seq).filter((event) => event.n > through);
          this.enqueueFor(filter, events);
        }
      }
    }
  }

  private enqueue(groupName: string, events: readonly StoredEvent[]): void {
    const group = this.opts.backend.catalog.groups.get(groupName);
    for (const filter of group?.subscriptions.values() ?? []) this.enqueueFor(filter, events);
  }

  private enqueueFor(filter: SubscriptionFilterRecord, events: readonly StoredEvent[]): void {
    let pattern = this.patterns.get(filter.filterPattern);
    if (!pattern) {
      pattern = parseFilterPattern(filter.filterPattern);
      this.patterns.set(filter.filterPattern, pattern);
    }
    const matched = events.filter((event) => (pattern as FilterPattern).matches(event.m));
    if (matched.length === 0) return;
    const key = `${filter.logGroupName}\u0000${filter.filterName}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { group: filter.logGroupName, filterName: filter.filterName, events: [], attempts: 0 };
      this.queues.set(key, queue);
    }
    queue.events.push(...matched);
    if (queue.events.length > MAX_QUEUED) {
      const dropped = queue.events.splice(0, queue.events.length - MAX_QUEUED);
      this.warn(`subscription ${filter.filterName}: dropped ${dropped.length} undelivered events`);
    }
    this.schedule(queue, queue.events.length >= BATCH_SIZE ? 0 : DELIVERY_INTERVAL_MS);
  }

  private schedule(queue: Queue, delayMs: number): void {
    if (this.closed || queue.inFlight) return;
    if (queue.timer && delayMs > 0) return;
    clearTimeout(queue.timer);
    queue.timer = setTimeout(() => void this.flush(queue), delayMs);
    queue.timer.unref();
  }

  private flush(queue: Queue): Promise<void> {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.inFlight ??= this.deliver(queue).finally(() => {
      queue.inFlight = undefined;
      if (queue.events.length > 0) this.schedule(queue, queue.attempts > 0 ? backoffMs(queue.attempts) : 0);
    });
    return queue.inFlight;
  }

  /** Sends the first batch of the queue, one invocation per log stream. */
  private async deliver(queue: Queue): Promise<void> {
    const filter = this.opts.backend.catalog.groups.get(queue.group)?.subscriptions.get(queue.filterName);
    if (!filter) {
      // Deleted meanwhile: what it matched is no longer wanted.
      queue.events.length = 0;
      return;
    }
    const batch = queue.events.slice(0, BATCH_SIZE);
    const byStream = new Map<string, StoredEvent[]>();
    for (const event of batch) byStream.set(event.s, [...(byStream.get(event.s) ?? []), event]);
    try {
      for (const [stream, events] of byStream)
        await this.opts.invoke(filter.destinationArn, subscriptionPayload(filter, this.opts.accountId, stream, events));
    } catch (error) {
      queue.attempts++;
      if (queue.attempts < MAX_ATTEMPTS) return;
      this.warn(`subscription ${filter.filterName}: dropped ${batch.length} events: ${(error as Error).message}`);
    }
    queue.attempts = 0;
    queue.events.splice(0, batch.length);
    const through = batch.reduce((max, event) => Math.max(max, event.n), 0);
    this.opts.backend.markDelivered(queue.group, queue.filterName, through);
  }

  private warn(message: string): void {
    (this.opts.warn ?? ((text: string) => process.emitWarning(text)))(`local CloudWatch Logs: ${message}`);
  }
}

function backoffMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** (attempts - 1));
}
