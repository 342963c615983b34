/**
 * Persistence and process behaviour: these start their own local clouds (separate data
 * directories) next to the shared one.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '../../local/cloud';
import { at, http, logIn, NEW_PASSWORD, signUp, waitFor } from '../support/client';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-restart-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the local cloud across a restart', () => {
  it('keeps tenants, users, passwords, executions and data', async () => {
    const dataDir = tempDir();
    const first = await startLocalCloud({ port: 0, dataDir });
    let product: { productId: string };
    let username: string;
    let registrationId: string;
    try {
      const registration = await signUp(first, 'persist-co');
      expect(registration.status).toBe('SUCCEEDED');
      registrationId = registration.registrationId;
      const config = (await http('GET', at(first.controlPlaneApiUrl, '/tenant-config/persist-co'))).body;
      const mail = first.services.outbox.messages().find((m) => m.variables.tenantName === 'persist-co');
      username = mail?.variables.username as string;
      const token = await logIn(
        first,
        config.appClientId,
        username,
        mail?.variables.temporaryPassword as string,
        NEW_PASSWORD,
      );
      product = (await http('POST', at(config.apiUrl, '/products'), { token, body: { name: 'Kept', price: 1 } })).body;
    } finally {
      await first.close();
    }

    const second = await startLocalCloud({ port: 0, dataDir });
    try {
      const config = await http('GET', at(second.controlPlaneApiUrl, '/tenant-config/persist-co'));
      expect(config.body.status).toBe('ACTIVE');
      const token = await logIn(second, config.body.appClientId, username, NEW_PASSWORD);
      const kept = await http('GET', at(config.body.apiUrl, `/products/${product.productId}`), { token });
      expect(kept.status).toBe(200);
      expect(kept.body.name).toBe('Kept');
      const registration = await http('GET', at(second.controlPlaneApiUrl, `/registrations/${registrationId}`));
      expect(registration.body.status).toBe('SUCCEEDED');
      expect(registration.body.steps).toHaveLength(7);
      const again = await http('POST', at(second.controlPlaneApiUrl, '/registrations'), {
        body: { tenantName: 'Persist-Co', email: 'b@c.io', tier: 'BASIC' },
      });
      expect(again.status).toBe(409);
    } finally {
      await second.close();
    }
  });

  it('npm start honours TENANTFLOW_* settings, prints the URLs and the operator login, and stops cleanly on Ctrl-C', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'local/start.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        ...process.env,
        TENANTFLOW_PORT: '0',
        TENANTFLOW_DATA_DIR: dataDir,
        TENANTFLOW_OPERATOR_EMAIL: 'chief@ops.example.com',
        TENANTFLOW_OPERATOR_PASSWORD: 'Chief-Passw0rd!!',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await waitFor(async () => (output.includes('Press Ctrl-C') ? true : undefined), 'npm start to be ready', 90_000);
    const consoleUrl = output.match(/console\s+(http:\/\/127\.0\.0\.1:\d+)\//)?.[1] as string;
    const config = (await http('GET', `${consoleUrl}/config.json`)).body;
    const token = await logIn(config, config.operatorClientId, 'chief@ops.example.com', 'Chief-Passw0rd!!');
    child.kill('SIGINT');

    expect(output).toContain('operator login     chief@ops.example.com / Chief-Passw0rd!!');
    expect(output).toMatch(/control-plane API\s+http:\/\/127\.0\.0\.1:\d+\/restapis\//);
    expect(token).toEqual(expect.any(String));
    expect(fs.existsSync(path.join(dataDir, 'dynamodb'))).toBe(true);
    expect(await exited).toBe(0);
  }, 120_000);
});
