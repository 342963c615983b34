import * as fs from 'node:fs'; import * as os from 'node:os'; import * as path from 'node:path';
import { startLocalCloud } from '../local/cloud';
import { CloudProbe } from './lib/probe';
import { register, uniqueName, adminSession, request, at } from './lib/client';
import { installProxies } from './lib/emulator-proxy';
async function main() {
  const t0 = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-bench-'));
  const cloud = await startLocalCloud({ port: 0, dataDir });
  console.log('started', performance.now() - t0);
  const probe = new CloudProbe(cloud);
  await new Promise(r => setTimeout(r, 3000));
  for (let i = 0; i < 3; i++) {
    const name = uniqueName('x');
    const s = performance.now();
    const id = await register(cloud, name, 'PREMIUM');
    const end = await probe.executionEnd(id);
    console.log(name, id, end.status, end.atMs - s);
  }
  const px = await installProxies(cloud, (f) => f.functionName.startsWith('tenantflow-control-plane'));
  const before = probe.invocationCounts();
  const name = uniqueName('y'); const s = performance.now();
  const id = await register(cloud, name, 'PREMIUM'); const end = await probe.executionEnd(id);
  console.log('proxied', end.status, end.atMs - s);
  await cloud.idle();
  const calls = px.calls();
  console.log(calls.map(c => `${c.service} ${c.operation} ${(c.endMs-c.startMs).toFixed(1)} ${c.writeUnits}`).join('\n'));
  const after = probe.invocationCounts();
  for (const [k, v] of after) if (v !== (before.get(k) ?? 0)) console.log(k, v - (before.get(k) ?? 0));
  const sess = await adminSession(cloud, name);
  const r = await request('GET', at(sess.config.apiUrl, '/products'), { token: sess.idToken });
  console.log(r.status, r.body, await probe.stsStats(), cloud.services.gateway.stats());
  await px.restore();
  await cloud.close();
}
main().catch(e => { console.error(e); process.exit(1); });
