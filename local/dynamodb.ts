/**
 * The local DynamoDB: dynalite (LevelDB on disk under the data directory), or an external
 * DynamoDB-compatible server named by TENANTFLOW_DYNAMODB_ENDPOINT.
 */
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface LocalDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynamoDb(opts: { dataDir: string; port?: number }): Promise<LocalDynamoDb> {
  const external = process.env.TENANTFLOW_DYNAMODB_ENDPOINT;
  if (external) return { endpoint: external, close: async () => {} };
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({
    path: path.join(opts.dataDir, 'dynamodb'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
