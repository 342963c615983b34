import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStore } from './event-store';

describe('EventStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-events-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const batch = (prefix: string, count: number) =>
    Array.from({ length: count }, (_v, index) => ({ timestamp: 1000 + index, message: `${prefix} ${index}` }));
  const messagesOf = (store: EventStore, group: string) =>
    store.segmentsOf(group, undefined).flatMap((s) => store.eventsOf(group, s.seq).map((event) => event.m));

  it('keeps at most its budget of open-segment events in memory, reading the others from disk', () => {
    const store = new EventStore(dir, 10);
    store.append('/one', 's', batch('one', 8));
    store.append('/two', 's', batch('two', 8));
    // /one was written least recently: its events left memory, they are still readable.
    const internals = store as unknown as { residentEvents: number };
    expect(internals.residentEvents).toBe(8);
    expect(messagesOf(store, '/one')).toEqual(batch('one', 8).map((e) => e.message));

    store.append('/one', 's', batch('more', 2));
    expect(messagesOf(store, '/one')).toEqual([...batch('one', 8), ...batch('more', 2)].map((e) => e.message));
    expect(messagesOf(store, '/two')).toEqual(batch('two', 8).map((e) => e.message));
    expect(store.streamStats('/one', 's')).toMatchObject({ count: 10, first: 1000, last: 1007 });
    store.close();
  });

  it('gives increasing ids that survive a restart', () => {
    const first = new EventStore(dir);
    const [a] = first.append('/g', 's', batch('a', 1));
    first.close();
    const second = new EventStore(dir);
    second.open('/g');
    const [b] = second.append('/g', 's', batch('b', 1));
    second.close();

    expect(b?.n).toBeGreaterThan(a?.n ?? Number.POSITIVE_INFINITY);
  });
});
