/**
 * The local EventBridge: the default bus (which receives Step Functions status-change events)
 * and custom buses (`AWS::Events::EventBus`), the rules deployed from the templates
 * (`AWS::Events::Rule`, on any bus) with their event patterns, and their targets called
 * asynchronously, as EventBridge does. PutEvents wraps each entry in the real envelope
 * (version, id, detail-type, source, account, time, region, resources, detail). Each bus keeps
 * its last `historyLimit` events, persisted as JSON Lines under the data directory when given.
 * Only the pattern features the templates use are supported: exact values, nested objects,
 * `prefix`, `anything-but` and `exists`.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The bus every account has; rules without EventBusName are on it. */
export const DEFAULT_BUS = 'default';

export interface EventRule {
  readonly name: string;
  /** @default 'default' */
  readonly eventBusName?: string;
  readonly eventPattern: Readonly<Record<string, unknown>>;
  /** Lambda function, state machine or log group ARNs. */
  readonly targets: readonly string[];
}

export type InvokeTarget = (targetArn: string, event: unknown) => Promise<unknown>;

/** An event as EventBridge delivers it. */
export interface EventEnvelope {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
  readonly [member: string]: unknown;
}

/** One entry of PutEvents, as the API takes it. */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Time?: unknown;
  readonly Resources?: unknown;
}

/** The result of one entry: its event id, or why it was not put. */
export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** A bus as ListEventBuses / DescribeEventBus describe it. */
export interface EventBusInfo {
  readonly Name: string;
  readonly Arn: string;
}

export interface LocalEventBusOptions {
  /** Where each bus's recent events are kept (`<bus>.jsonl`); absent: in memory only. */
  readonly dataDir?: string;
  /** Events kept per bus. @default 1000 */
  readonly historyLimit?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

interface Bus {
  readonly info: EventBusInfo;
  readonly rules: Map<string, EventRule>;
  readonly history: EventEnvelope[];
  /** Lines in its file, so the file is rewritten to the kept events once it holds twice as many. */
  lines: number;
}

const BUS_NAME = /^[\w.\-/]{1,256}$/;

export class LocalEventBus {
  private readonly buses = new Map<string, Bus>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly historyLimit: number;
  private readonly region: string;
  private readonly accountId: string;

  constructor(
    private readonly invoke: InvokeTarget,
    private readonly onTargetError: (rule: string, error: unknown) => void = () => undefined,
    private readonly options: LocalEventBusOptions = {},
  ) {
    this.historyLimit = options.historyLimit ?? 1000;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
    this.createBus(DEFAULT_BUS);
  }

  /** Creates a custom bus unless it exists (the deployer's `AWS::Events::EventBus`). */
  createBus(name: string): EventBusInfo {
    const existing = this.buses.get(name);
    if (existing) return existing.info;
    if (!BUS_NAME.test(name)) throw new Error(`Invalid event bus name ${name}`);
    const history = this.load(name);
    const bus: Bus = {
      info: { Name: name, Arn: `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}` },
      rules: new Map(),
      history,
      lines: history.length,
    };
    this.buses.set(name, bus);
    return bus.info;
  }

  /** The bus named or ARN'd, if it exists. */
  bus(nameOrArn: string): EventBusInfo | undefined {
    return this.buses.get(busNameOf(nameOrArn))?.info;
  }

  listBuses(): EventBusInfo[] {
    return [...this.buses.values()].map((bus) => bus.info);
  }

  putRule(rule: EventRule): void {
    const bus = this.buses.get(busNameOf(rule.eventBusName ?? DEFAULT_BUS));
    if (!bus) throw new Error(`Event bus ${rule.eventBusName} does not exist`);
    bus.rules.set(rule.name, rule);
  }

  /** Removes a rule (its stack was deleted or rolled back). */
  removeRule(name: string, busName = DEFAULT_BUS): void {
    this.buses.get(busNameOf(busName))?.rules.delete(name);
  }

  /** Deletes a custom bus with its rules; its recorded events stay on disk for a bus of that name. */
  deleteBus(name: string): void {
    if (busNameOf(name) !== DEFAULT_BUS) this.buses.delete(busNameOf(name));
  }

  /** The rules of a bus (undefined if there is no such bus). */
  rules(busName = DEFAULT_BUS): EventRule[] | undefined {
    const bus = this.buses.get(busNameOf(busName));
    return bus ? [...bus.rules.values()] : undefined;
  }

  /** The bus's recent events, oldest first (at most `historyLimit`). */
  history(busName = DEFAULT_BUS): readonly EventEnvelope[] {
    return this.buses.get(busNameOf(busName))?.history ?? [];
  }

  /**
   * Delivers an event that an AWS service emits on the default bus (e.g. Step Functions status
   * changes) to every matching rule's targets (fire and forget, like EventBridge).
   */
  put(event: Readonly<Record<string, unknown>>): void {
    this.deliver(this.buses.get(DEFAULT_BUS) as Bus, this.envelope(event));
  }

  /** PutEvents: each entry is validated and put on its bus on its own, as EventBridge does. */
  putEvents(entries: readonly PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    const results = entries.map((entry) => this.putEntry(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Resolves when every delivery so far has been handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private putEntry(entry: PutEventsEntry): PutEventsResultEntry {
    const missing = (['Source', 'DetailType', 'Detail'] as const).filter(
      (name) => typeof entry[name] !== 'string' || entry[name] === '',
    );
    if (missing.length > 0)
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} are missing` };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const busName =
      typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : DEFAULT_BUS;
    const bus = this.buses.get(busNameOf(busName));
    if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    const time = timeOf(entry.Time);
    const event = this.envelope({
      source: entry.Source,
      'detail-type': entry.DetailType,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
      ...(time ? { time } : {}),
    });
    this.deliver(bus, event);
    return { EventId: event.id };
  }

  private envelope(event: Readonly<Record<string, unknown>>): EventEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      account: this.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [],
      ...event,
    } as unknown as EventEnvelope;
  }

  private deliver(bus: Bus, event: EventEnvelope): void {
    this.record(bus, event);
    for (const rule of bus.rules.values()) {
      if (!matches(rule.eventPattern, event)) continue;
      for (const target of rule.targets) {
        const delivery = this.invoke(target, event)
          .catch((error) => this.onTargetError(rule.name, error))
          .finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  private record(bus: Bus, event: EventEnvelope): void {
    bus.history.push(event);
    if (bus.history.length > this.historyLimit) bus.history.splice(0, bus.history.length - this.historyLimit);
    const file = this.fileOf(bus.info.Name);
    if (!file) return;
    bus.lines += 1;
    if (bus.lines >= 2 * this.historyLimit) {
      // Compacted to the kept events, so the file stays bounded however long the cloud runs.
      fs.writeFileSync(file, bus.history.map((e) => `${JSON.stringify(e)}\n`).join(''));
      bus.lines = bus.history.length;
    } else fs.appendFileSync(file, `${JSON.stringify(event)}\n`);
  }

  private load(name: string): EventEnvelope[] {
    const file = this.fileOf(name);
    if (!file || !fs.existsSync(file)) return [];
    const events = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          return line ? [JSON.parse(line) as EventEnvelope] : [];
        } catch {
          // A line cut short by a crash.
          return [];
        }
      });
    return events.slice(-this.historyLimit);
  }

  private fileOf(busName: string): string | undefined {
    return this.options.dataDir ? path.join(this.options.dataDir, `${encodeURIComponent(busName)}.jsonl`) : undefined;
  }
}

/** `arn:aws:events:…:event-bus/<name>` or a name → the name. */
function busNameOf(nameOrArn: string): string {
  const match = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/** PutEvents' Time: a Date (SDK), epoch seconds (AWS JSON) or an ISO string; undefined when absent. */
function timeOf(value: unknown): string | undefined {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value * 1000
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** EventBridge pattern matching for the supported subset. */
export function matches(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) return expected.some((candidate) => matchesValue(candidate, actual));
    if (typeof expected === 'object' && expected !== null) return matches(expected as Record<string, unknown>, actual);
    return false;
  });
}

function matchesValue(candidate: unknown, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => matchesValue(candidate, item));
  if (typeof candidate !== 'object' || candidate === null) return candidate === actual;
  const rule = candidate as Record<string, unknown>;
  if ('prefix' in rule) return typeof actual === 'string' && actual.startsWith(String(rule.prefix));
  if ('exists' in rule) return rule.exists ? actual !== undefined : actual === undefined;
  if ('anything-but' in rule) {
    const excluded = Array.isArray(rule['anything-but']) ? rule['anything-but'] : [rule['anything-but']];
    return actual !== undefined && !excluded.includes(actual);
  }
  return false;
}
