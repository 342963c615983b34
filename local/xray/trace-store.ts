/**
 * The local X-Ray's trace store: the documents received (segments and independent
 * subsegments), grouped by trace id, in memory for the API and in an append-only log under the
 * data directory, so a restart keeps the recent traces. Both are bounded: the oldest traces go
 * first, and the log is rewritten with what is kept once it has grown well past it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidSegmentError, type StoredDocument, validateSegmentDocument } from './segment-document';

/** One trace as stored: its documents by id. */
export interface StoredTrace {
  readonly id: string;
  /** Segments and independent subsegments by id (a later copy of an id replaces an earlier one). */
  readonly documents: Map<string, StoredDocument>;
  /** How many documents were received for it (X-Ray's `Revision` grows with each). */
  revision: number;
  /** More documents arrived than a trace may hold; the rest were dropped. */
  limitExceeded: boolean;
}

/** Options of {@link TraceStore.open}. */
export interface TraceStoreOptions {
  /** Directory of the log (created). */
  readonly dir: string;
  /** @default 2000 */
  readonly maxTraces?: number;
  /** @default 500 */
  readonly maxDocumentsPerTrace?: number;
  /** Traces whose id says they started earlier are not reloaded (X-Ray keeps 30 days). @default 30 days */
  readonly retentionMs?: number;
  readonly now?: () => number;
}

/** The file, under the store's directory, that holds every document received, one JSON a line. */
export const SEGMENT_LOG_FILE = 'segments.jsonl';
const FLUSH_DELAY_MS = 100;
const DAY_MS = 24 * 3600 * 1000;

/** The trace's start in epoch ms, as its id says. */
export function traceIdTimeMs(traceId: string): number {
  return Number.parseInt(traceId.slice(2, 10), 16) * 1000;
}

/** The local X-Ray's documents, by trace. */
export class TraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  private readonly file: string;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private linesInLog = 0;
  private documentCount = 0;
  private readonly maxTraces: number;
  private readonly maxDocuments: number;

  private constructor(opts: TraceStoreOptions) {
    fs.mkdirSync(opts.dir, { recursive: true });
    this.file = path.join(opts.dir, SEGMENT_LOG_FILE);
    this.maxTraces = opts.maxTraces ?? 2000;
    this.maxDocuments = opts.maxDocumentsPerTrace ?? 500;
  }

  /** Opens the store, reloading the log's documents of the retention period. */
  static open(opts: TraceStoreOptions): TraceStore {
    const store = new TraceStore(opts);
    const oldest = (opts.now ?? Date.now)() - (opts.retentionMs ?? 30 * DAY_MS);
    const text = fs.existsSync(store.file) ? fs.readFileSync(store.file, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (line === '') continue;
      store.linesInLog += 1;
      try {
        const doc = validateSegmentDocument(JSON.parse(line));
        if (traceIdTimeMs(doc.trace_id) >= oldest) store.keep(doc);
      } catch {
        // A torn last line (the process died mid-write) or a foreign line: skipped, as X-Ray drops invalid documents.
      }
    }
    store.compactIfGrown();
    return store;
  }

  /** Validates and stores a document (throws {@link InvalidSegmentError}); it is logged shortly after. */
  put(value: unknown): StoredDocument {
    const doc = validateSegmentDocument(value);
    if (!this.keep(doc)) throw new InvalidSegmentError('the trace holds too many documents', doc.id);
    this.pending.push(JSON.stringify(doc));
    // Batched: a request produces several documents within a few milliseconds.
    this.timer ??= setTimeout(() => this.flushInBackground(), FLUSH_DELAY_MS).unref();
    return doc;
  }

  /** The trace of this id, if kept. */
  get(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId);
  }

  /** Every kept trace, oldest first. */
  all(): IterableIterator<StoredTrace> {
    return this.traces.values();
  }

  /** Writes what is pending to the log now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    fs.appendFileSync(this.file, `${this.pending.join('\n')}\n`);
    this.linesInLog += this.pending.length;
    this.pending = [];
    this.compactIfGrown();
  }

  /**
   * The batched write: a log that cannot be written (its directory removed, a full disk) loses
   * those lines rather than taking down the process that serves the cloud; memory keeps them.
   */
  private flushInBackground(): void {
    try {
      this.flush();
    } catch {
      this.pending = [];
    }
  }

  /** Adds a document to its trace; false if the trace is full. */
  private keep(doc: StoredDocument): boolean {
    let trace = this.traces.get(doc.trace_id);
    if (!trace) {
      trace = { id: doc.trace_id, documents: new Map(), revision: 0, limitExceeded: false };
      this.traces.set(trace.id, trace);
      this.evictBeyondBound();
    }
    const existing = trace.documents.get(doc.id);
    if (!existing && trace.documents.size >= this.maxDocuments) {
      trace.limitExceeded = true;
      return false;
    }
    trace.revision += 1;
    // An in-progress copy arriving after the completed one (UDP does not keep order) must not undo it.
    if (existing && existing.in_progress !== true && doc.in_progress === true) return true;
    if (!existing) this.documentCount += 1;
    trace.documents.set(doc.id, doc);
    return true;
  }

  private evictBeyondBound(): void {
    while (this.traces.size > this.maxTraces) {
      const oldest = this.traces.keys().next().value as string;
      this.documentCount -= this.traces.get(oldest)?.documents.size ?? 0;
      this.traces.delete(oldest);
    }
  }

  /** Rewrites the log with the kept documents once it holds twice as many lines (and more than a few). */
  private compactIfGrown(): void {
    if (this.linesInLog < 1000 || this.linesInLog < 2 * this.documentCount) return;
    const lines: string[] = [];
    for (const trace of this.traces.values())
      for (const doc of trace.documents.values()) lines.push(JSON.stringify(doc));
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    fs.renameSync(tmp, this.file);
    this.linesInLog = lines.length;
  }
}
