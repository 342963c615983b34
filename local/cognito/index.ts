/**
 * The local Cognito user pools service: cognito-local in-process (`cognito-local.ts`) behind a
 * front that closes its isolation gaps (`front.ts`, `gap-guards.ts`), with idempotent seeding
 * of pools, clients, groups and users (`seeding.ts`).
 */
import { mkdirSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback } from '../listen';
import { assembleCognitoLocal } from './cognito-local';
import { createCognitoFront } from './front';
import { createGapGuards } from './gap-guards';
import { PoolSigningKeys } from './pool-keys';
import { type CognitoSeeding, createCognitoSeeding } from './seeding';

export type { PasswordPolicy, SeedUser, UserPoolClientProps, UserPoolProps } from './seeding';

/** Options of {@link startCognito}. */
export interface StartCognitoOptions {
  /** Where pools, clients, users and the key map persist; a restart on the same directory keeps them. */
  readonly dataDir: string;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Region in pool ids, ARNs and the token issuer. @default 'us-east-1' */
  readonly region?: string;
  /** Log cognito-local's requests and internals (pino, JSON lines on stdout). @default false */
  readonly verbose?: boolean;
}

/** The local Cognito user pools service: cognito-local in-process on 127.0.0.1. */
export interface CognitoService extends CognitoSeeding {
  /** `http://127.0.0.1:<port>`; the real CognitoIdentityProviderClient works against it. */
  readonly endpoint: string;
  /** The JWKS the local pools sign with, for a JWKS fetcher injected into aws-jwt-verify. */
  jwksUrl(userPoolId: string): string;
  /** Stops the server; requests in flight finish first. */
  close(): Promise<void>;
}

/** Starts cognito-local in-process with real-form pool ids and issuer, persisting under `dataDir`. */
export async function startCognito(options: StartCognitoOptions): Promise<CognitoService> {
  const dbDir = join(options.dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  const local = await assembleCognitoLocal({
    dbDir,
    region: options.region ?? 'us-east-1',
    port: options.port ?? 0,
    verbose: options.verbose ?? false,
  });
  const { cognito, ctx, call } = local;
  // cognito-local is laxer than Cognito; these guards close the gaps tenant isolation relies on.
  const poolKeys = new PoolSigningKeys(join(options.dataDir, 'pool-keys'));
  const guards = createGapGuards({ cognito, ctx, keys: poolKeys });
  // The front is attached once the port is known: the discovery documents it serves name it.
  const server = http.createServer();
  const endpoint = await listenOnLoopback(server, options.port);
  const jwksUrl = (userPoolId: string) => `${endpoint}/${userPoolId}/.well-known/jwks.json`;
  server.on('request', createCognitoFront({ ...local, guards, poolKeys, jwksUrl }));

  return {
    endpoint,
    jwksUrl,
    ...createCognitoSeeding({ cognito, ctx, call, keyMapFile: join(options.dataDir, 'keys.json') }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep idle keep-alive sockets open, which would hold close() forever.
        server.closeIdleConnections();
      }),
  };
}
