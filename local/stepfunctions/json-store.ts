/**
 * One JSON file per key in a directory, written atomically (temp file + rename) so a crash never
 * leaves a half-written file. Saves of the same key are coalesced: a burst of history events costs
 * one or two writes, and writes of one key never overtake each other.
 *
 * A document is rewritten whole (serializing it blocks the event loop), so after each write the
 * next one of the same key waits {@link WRITE_GAP_FACTOR} times as long as that write took:
 * persistence then takes at most ~1/(1 + factor) of the thread, whatever the size. Without it a
 * fan-out to 1,000 tenants (a history of megabytes, an event every few ms) spent most of the
 * process serializing its history.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** After a write that took t ms, the next write of the same key waits factor × t ms (capped, see below). */
export const WRITE_GAP_FACTOR = 10;
const MAX_WRITE_GAP_MS = 2000;

interface Slot {
  snapshot: () => unknown;
  dirty: boolean;
  writing?: Promise<void>;
}

/** A directory of JSON documents. */
export class JsonStore {
  private readonly slots = new Map<string, Slot>();
  private tmpCounter = 0;
  private closed = false;
  private closing = false;

  constructor(private readonly dir: string) {}

  /** Creates the directory and reads every document in it (unreadable files are skipped). */
  async loadAll<T>(): Promise<T[]> {
    await mkdir(this.dir, { recursive: true });
    const docs: T[] = [];
    for (const file of await readdir(this.dir)) {
      if (file.startsWith('.')) {
        // A temp file left by a crash mid-write; the previous version is intact.
        await rm(join(this.dir, file), { force: true });
        continue;
      }
      if (!file.endsWith('.json')) continue;
      try {
        docs.push(JSON.parse(await readFile(join(this.dir, file), 'utf8')) as T);
      } catch {
        // Only a manual edit can produce this; skipping keeps the rest of the cloud usable.
      }
    }
    return docs;
  }

  /** Schedules a write of `snapshot()` under `key`; the snapshot is taken when the write starts. */
  save(key: string, snapshot: () => unknown): void {
    if (this.closed) return;
    const slot = this.slots.get(key) ?? { snapshot, dirty: false };
    slot.snapshot = snapshot;
    slot.dirty = true;
    this.slots.set(key, slot);
    // `finally` runs asynchronously, so it always clears the promise assigned here.
    slot.writing ??= this.drain(key, slot).finally(() => {
      slot.writing = undefined;
    });
  }

  /** Resolves when every scheduled write has reached the disk. */
  async flush(): Promise<void> {
    while (true) {
      const pending = [...this.slots.values()].flatMap((s) => (s.writing ? [s.writing] : []));
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Flushes, then ignores further saves (the directory may be deleted after this). */
  async close(): Promise<void> {
    // No gaps while closing: what is pending is written at once.
    this.closing = true;
    await this.flush();
    this.closed = true;
  }

  private async drain(key: string, slot: Slot): Promise<void> {
    while (slot.dirty) {
      slot.dirty = false;
      const file = join(this.dir, `${encodeURIComponent(key)}.json`);
      const tmp = join(this.dir, `.${process.pid}-${++this.tmpCounter}.tmp`);
      const started = performance.now();
      try {
        await writeFile(tmp, JSON.stringify(slot.snapshot()));
        await rename(tmp, file);
      } catch (err) {
        // Persistence is best effort: the in-memory state stays authoritative, so warn and go on.
        process.emitWarning(`stepfunctions: could not save ${file}: ${(err as Error).message}`);
      }
      if (slot.dirty && !this.closing) {
        const gapMs = Math.min(MAX_WRITE_GAP_MS, (performance.now() - started) * WRITE_GAP_FACTOR);
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
    }
  }
}
