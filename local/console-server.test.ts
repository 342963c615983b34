import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleServer } from './console-server';
import { LocalEventBus } from './events';

let server: http.Server;
let base: string;
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-site-'));
const bus = new LocalEventBus(async () => undefined);
bus.createBus('lifecycle');

beforeAll(async () => {
  fs.mkdirSync(path.join(site, 'signup'));
  fs.mkdirSync(path.join(site, 'app'));
  fs.mkdirSync(path.join(site, 'assets'));
  fs.writeFileSync(path.join(site, 'index.html'), 'operator');
  fs.writeFileSync(path.join(site, 'signup/index.html'), 'signup');
  fs.writeFileSync(path.join(site, 'app/index.html'), 'commerce');
  fs.writeFileSync(path.join(site, 'assets/app-1.js'), 'js');
  fs.writeFileSync(path.join(site, '.console-source-hash'), 'secret');
  fs.writeFileSync(path.join(os.tmpdir(), 'outside.txt'), 'outside');
  const gateway = { handle: async () => false } as never;
  server = createConsoleServer({
    gateway,
    config: { region: 'r', controlPlaneApiUrl: 'u', operatorUserPoolId: 'p', operatorClientId: 'c' },
    site,
    events: () => bus.history('lifecycle'),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (p: string) => {
  const res = await fetch(`${base}${p}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    text: await res.text(),
  };
};

describe('console origin: the web apps', () => {
  it('serves each app at its base and its client-side routes', async () => {
    expect(await get('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', text: 'operator' });
    expect((await get('/executions/abc')).text).toBe('operator');
    expect((await get('/signup')).text).toBe('signup');
    expect((await get('/signup/')).text).toBe('signup');
    expect((await get('/app/orders')).text).toBe('commerce');
  });

  it('serves hashed assets with their content type, cached for good', async () => {
    expect(await get('/assets/app-1.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      cache: 'public, max-age=31536000, immutable',
    });
  });

  it('answers 404 for a missing file, a dot-file and a path outside the site', async () => {
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/.console-source-hash')).text).not.toBe('secret');
    expect((await get('/..%2Foutside.txt')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/outside.txt')).status).toBe(404);
    expect((await get('/local/nothing')).status).toBe(404);
  });

  it('still serves config.json', async () => {
    expect(JSON.parse((await get('/config.json')).text)).toMatchObject({ region: 'r' });
  });
});

describe('console origin: /local/events', () => {
  it('lists the last 1,000 events of the bus, oldest first, in the documented shape', async () => {
    for (let i = 0; i < 1005; i++)
      bus.putEvents([
        { EventBusName: 'lifecycle', Source: 'tenantflow', DetailType: 'activate', Detail: JSON.stringify({ n: i }) },
      ]);

    const res = await fetch(`${base}/local/events`);
    const events = (await res.json()) as Array<Record<string, unknown>>;

    expect(res.status).toBe(200);
    expect(events).toHaveLength(1000);
    expect(events.map((e) => (e.detail as { n: number }).n)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 5));
    expect(Object.keys(events[0] ?? {}).sort()).toEqual(['detail', 'detail-type', 'id', 'source', 'time']);
  });
});
