import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts a local service on 127.0.0.1 only (nothing of the local cloud listens beyond the
 * loopback) and resolves to its endpoint URL; port 0 picks a free port.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
