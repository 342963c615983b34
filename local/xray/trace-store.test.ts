import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleTrace } from './assemble';
import { InvalidSegmentError } from './segment-document';
import { newSegmentId, newTraceId } from './trace-header';
import { SEGMENT_LOG_FILE, TraceStore } from './trace-store';

let dir: string;
let opened: TraceStore[] = [];
/** Opens a store that is flushed before its directory goes. */
const openStore = (options: Omit<Parameters<typeof TraceStore.open>[0], 'dir'> = {}) => {
  const store = TraceStore.open({ dir, ...options });
  opened.push(store);
  return store;
};
const now = Date.now() / 1000;
const segment = (traceId: string, fields: Record<string, unknown> = {}) => ({
  id: newSegmentId(),
  trace_id: traceId,
  name: 'svc',
  start_time: now,
  end_time: now + 1,
  ...fields,
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-trace-store-'));
});
afterEach(() => {
  for (const store of opened) store.flush();
  opened = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('TraceStore', () => {
  it('refuses malformed documents as X-Ray does', () => {
    const store = openStore();
    const traceId = newTraceId();
    for (const bad of [
      null,
      segment('1-nothex-0'),
      segment(traceId, { id: 'short' }),
      segment(traceId, { name: '' }),
      segment(traceId, { end_time: undefined }),
      segment(traceId, { type: 'subsegment' }),
      segment(traceId, { subsegments: [{ id: newSegmentId(), name: 'x' }] }),
    ])
      expect(() => store.put(bad)).toThrow(InvalidSegmentError);
    expect(() => store.put(segment(traceId, { end_time: undefined, in_progress: true }))).not.toThrow();
  });

  it('keeps a completed document over an in-progress copy that arrives after it', () => {
    const store = openStore();
    const traceId = newTraceId();
    const done = segment(traceId);
    store.put(done);
    store.put({ ...done, end_time: undefined, in_progress: true });
    expect(store.get(traceId)?.documents.get(done.id)).toMatchObject({ end_time: now + 1 });
  });

  it('reloads what it logged, skipping a torn last line, and drops the oldest traces beyond its bound', () => {
    const store = openStore({ maxTraces: 2 });
    const ids = [newTraceId(), newTraceId(), newTraceId()];
    for (const id of ids) store.put(segment(id));
    expect([...store.all()].map((trace) => trace.id)).toEqual(ids.slice(1));
    store.flush();
    fs.appendFileSync(path.join(dir, SEGMENT_LOG_FILE), '{"id": "torn');

    const reopened = openStore({ maxTraces: 2 });
    expect([...reopened.all()].map((trace) => trace.id)).toEqual(ids.slice(1));
  });

  it('rewrites its log with what it keeps once the log has grown past it', () => {
    const store = openStore({ maxTraces: 10 });
    for (let i = 0; i < 1500; i++) store.put(segment(newTraceId()));
    store.flush();
    const lines = fs.readFileSync(path.join(dir, SEGMENT_LOG_FILE), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(1000);
    expect([...openStore({ maxTraces: 10 }).all()]).toHaveLength(10);
  });

  it('stops a trace at its document limit', () => {
    const store = openStore({ maxDocumentsPerTrace: 2 });
    const traceId = newTraceId();
    store.put(segment(traceId));
    store.put(segment(traceId));
    expect(() => store.put(segment(traceId))).toThrow(/too many/);
    expect(store.get(traceId)?.limitExceeded).toBe(true);
  });
});

describe('assembleTrace', () => {
  it('nests independent subsegments at any depth, and keeps an orphan as a document of its own', () => {
    const store = openStore();
    const traceId = newTraceId();
    const root = segment(traceId, {
      subsegments: [{ id: 'c000000000000001', name: 'a', start_time: now, end_time: now }],
    });
    store.put(root);
    const sub = (id: string, parent: string) => ({ ...segment(traceId), id, type: 'subsegment', parent_id: parent });
    store.put(sub('c000000000000003', 'c000000000000002'));
    store.put(sub('c000000000000002', 'c000000000000001'));
    store.put(sub('c000000000000009', 'ffffffffffffffff'));
    const trace = store.get(traceId);
    if (!trace) throw new Error('no trace');
    const [top, orphan] = assembleTrace(trace);
    expect(top).toMatchObject({
      id: root.id,
      subsegments: [
        {
          id: 'c000000000000001',
          subsegments: [{ id: 'c000000000000002', subsegments: [{ id: 'c000000000000003' }] }],
        },
      ],
    });
    expect(orphan).toMatchObject({ id: 'c000000000000009', type: 'subsegment' });
  });
});
