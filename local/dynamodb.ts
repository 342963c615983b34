/**
 * The local DynamoDB: dynalite (LevelDB on disk under the data directory), or an external
 * DynamoDB-compatible server named by TENANTFLOW_DYNAMODB_ENDPOINT.
 */
import * as path from 'node:path';
import { listenOnLoopback } from './listen';

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
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    endpoint,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
