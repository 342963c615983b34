import { mkdirSync } from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Router } from 'cognito-local/lib/server/Router';
import { createServer } from 'cognito-local/lib/server/server';
import type { Services } from 'cognito-local/lib/services';
import { DateClock } from 'cognito-local/lib/services/clock';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { ConsoleMessageSender } from 'cognito-local/lib/services/messageDelivery/consoleMessageSender';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import { MessagesService } from 'cognito-local/lib/services/messages';
import { otp } from 'cognito-local/lib/services/otp';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import type { Triggers } from 'cognito-local/lib/services/triggers/triggers';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { listenOnLoopback } from '../listen';
import { createGapGuards, GuardError, isGuardedTarget } from './gap-guards';
import { JsonFileDataStoreFactory, readJson, writeJsonAtomic } from './json-file-store';
import { RealFormPoolIds } from './pool-ids';
import { PoolSigningKeys } from './pool-keys';

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

/** Password policy of a pool (stored and reported; cognito-local does not enforce it). */
export interface PasswordPolicy {
  readonly MinimumLength?: number;
  readonly RequireUppercase?: boolean;
  readonly RequireLowercase?: boolean;
  readonly RequireNumbers?: boolean;
  readonly RequireSymbols?: boolean;
  readonly TemporaryPasswordValidityDays?: number;
}

/** Properties of a user pool created by {@link CognitoService.ensureUserPool}. */
export interface UserPoolProps {
  readonly poolName: string;
  /** e.g. `['email']` for email as username. @default [] (a plain username, as in AWS) */
  readonly usernameAttributes?: string[];
  /** Custom string attributes, named without `custom:` (e.g. `tenantId`). */
  readonly customAttributes?: string[];
  /** @default the AWS default policy */
  readonly passwordPolicy?: PasswordPolicy;
}

/** Properties of an app client created by {@link CognitoService.ensureUserPoolClient}. */
export interface UserPoolClientProps {
  readonly clientName: string;
  readonly explicitAuthFlows?: string[];
  readonly readAttributes?: string[];
  readonly writeAttributes?: string[];
}

/** A user seeded by {@link CognitoService.ensureUser}. */
export interface SeedUser {
  readonly username: string;
  /** Set as the permanent password (status CONFIRMED). */
  readonly password: string;
  /** User attributes by full name, e.g. `{ email, 'custom:tenantId': 'ops' }`. */
  readonly attributes: Record<string, string>;
  /** Groups to add the user to; missing groups are created. */
  readonly groups?: string[];
}

/** The local Cognito user pools service: cognito-local in-process on 127.0.0.1. */
export interface CognitoService {
  /** `http://127.0.0.1:<port>`; the real CognitoIdentityProviderClient works against it. */
  readonly endpoint: string;
  /**
   * Idempotent by `key` (a stable logical name such as 'ControlPlane/OperatorUserPool'): returns the
   * same pool id (`us-east-1_XXXXXXXXX`) on every call and across restarts. On an existing pool it
   * adds custom attributes that are missing (like AWS, attributes are never removed).
   */
  ensureUserPool(key: string, props: UserPoolProps): Promise<string>;
  /** Idempotent by `key`; returns the client id (stable across restarts) and applies `props` to an existing client. */
  ensureUserPoolClient(key: string, userPoolId: string, props: UserPoolClientProps): Promise<string>;
  /** Creates the group if it does not exist (an existing group and its members are left alone). */
  ensureGroup(userPoolId: string, groupName: string): Promise<void>;
  /**
   * Creates the user if missing, with a permanent password and the attributes (an existing user is
   * left unchanged), and adds it to the groups. Used to seed the operator.
   */
  ensureUser(userPoolId: string, user: SeedUser): Promise<void>;
  /** The JWKS the local pools sign with, for a JWKS fetcher injected into aws-jwt-verify. */
  jwksUrl(userPoolId: string): string;
  /** Stops the server; requests in flight finish first. */
  close(): Promise<void>;
}

/** Logical keys → ids, so that templates deployed again on restart find their pools and clients. */
interface KeyMap {
  userPools: Record<string, string>;
  userPoolClients: Record<string, string>;
}

type PinoLogger = Parameters<typeof createServer>[1];

// pino is cognito-local's dependency, not ours: load the copy it resolves to.
const pino = createRequire(require.resolve('cognito-local'))('pino') as (options: { level: string }) => PinoLogger;

/** Starts cognito-local in-process with real-form pool ids and issuer, persisting under `dataDir`. */
export async function startCognito(options: StartCognitoOptions): Promise<CognitoService> {
  const region = options.region ?? 'us-east-1';
  const dbDir = join(options.dataDir, 'db');
  const keyMapFile = join(options.dataDir, 'keys.json');
  mkdirSync(dbDir, { recursive: true });
  const logger = pino({ level: options.verbose ? 'debug' : 'silent' });
  const ctx: Context = { logger };

  // Assembled like cognito-local's createDefaultServer, minus what the local cloud does not use:
  // Lambda triggers and KMS (they load aws-sdk v2 and @aws-crypto, ~0.7 s of start-up).
  const clock = new DateClock();
  const dataStoreFactory = new JsonFileDataStoreFactory(dbDir);
  // AWS has no default username attribute; cognito-local's default of email would make every pool
  // created through the SDK an email pool.
  const userPoolDefaults = {};
  const cognito = new RealFormPoolIds(
    await new CognitoServiceFactoryImpl(
      dbDir,
      dataStoreFactory,
      new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
    ).create(ctx, userPoolDefaults),
    region,
  );
  const issuerDomain = `https://cognito-idp.${region}.amazonaws.com`;
  const services: Services = {
    clock,
    cognito,
    config: {
      LambdaClient: {},
      TriggerFunctions: {},
      UserPoolDefaults: userPoolDefaults,
      TokenConfig: { IssuerDomain: issuerDomain },
      ServerConfig: { hostname: '127.0.0.1', port: options.port ?? 0, development: false },
    },
    // Welcome and verification messages go to the (silent unless verbose) logger.
    messages: new MessagesService(noTriggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, noTriggers, { IssuerDomain: issuerDomain }),
    triggers: noTriggers,
  };
  const router = Router(services);
  const call = <T>(target: string, request: object): Promise<T> => router(target)(ctx, request) as Promise<T>;
  const app = createServer(router, logger, services.config.ServerConfig, services).application as http.RequestListener;
  // cognito-local is laxer than Cognito; these guards close the gaps tenant isolation relies on.
  const poolKeys = new PoolSigningKeys(join(options.dataDir, 'pool-keys'));
  const guards = createGapGuards({ cognito, ctx, keys: poolKeys });

  const server = http.createServer((req, res) => {
    const target = req.method === 'POST' ? String(req.headers['x-amz-target'] ?? '').split('.')[1] : undefined;
    if (target && isGuardedTarget(target)) {
      void guarded(target, req, res);
      return;
    }
    const jwksPoolId = req.method === 'GET' ? JWKS_PATH.exec(req.url ?? '')?.[1] : undefined;
    if (jwksPoolId) {
      void servePoolJwks(jwksPoolId, res);
      return;
    }
    const poolId = req.method === 'GET' ? DISCOVERY_PATH.exec(req.url ?? '')?.[1] : undefined;
    // cognito-local's own discovery document points at http://localhost:9229 whatever the config.
    if (poolId) {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(
        JSON.stringify({
          issuer: `${issuerDomain}/${poolId}`,
          jwks_uri: jwksUrl(poolId),
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
      return;
    }
    app(req, res);
  });
  /** The pool's own key (not cognito-local's shared one), for a pool that exists. */
  async function servePoolJwks(poolId: string, res: http.ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    try {
      const exists = (await cognito.listUserPools(ctx)).some((pool) => pool.Id === poolId);
      if (exists) answer(200, await poolKeys.jwks(poolId));
      else answer(404, { message: 'User pool not found' });
    } catch (error) {
      answer(500, { message: (error as Error).message });
    }
  }
  /** A guarded target: the guard checks, then cognito-local's target runs (answered like its server does). */
  async function guarded(target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body, function (this: Record<string, unknown>, key, value) {
        const raw = this[key];
        return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
      });
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Access-Control-Allow-Origin': '*' });
      res.end(text);
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      await guards.before(target, request);
      const output = (await call<Record<string, unknown>>(target, request)) ?? {};
      send(200, await guards.after(target, request, output));
    } catch (error) {
      const e = error as { code?: unknown; message?: string };
      if (error instanceof GuardError || typeof e.code === 'string') send(400, { __type: e.code, message: e.message });
      else if (error instanceof SyntaxError) send(400, { __type: 'SerializationException', message: 'Invalid JSON' });
      else send(500, { __type: 'InternalErrorException', message: e.message ?? 'Internal error' });
    }
  }

  const endpoint = await listenOnLoopback(server, options.port);
  const jwksUrl = (userPoolId: string) => `${endpoint}/${userPoolId}/.well-known/jwks.json`;

  const keys: KeyMap = { userPools: {}, userPoolClients: {}, ...(readJson(keyMapFile) as Partial<KeyMap> | undefined) };
  const remember = (map: Record<string, string>, key: string, id: string) => {
    map[key] = id;
    writeJsonAtomic(keyMapFile, keys);
  };
  // ensure* are read-then-create: two concurrent calls for one key must not create two pools.
  const serial = serializer();

  const poolExists = async (id: string) => (await cognito.listUserPools(ctx)).some((p) => p.Id === id);

  const ensureGroup = async (userPoolId: string, groupName: string) => {
    const pool = await cognito.getUserPool(ctx, userPoolId);
    // cognito-local's CreateGroup overwrites an existing group and drops its members.
    if (await pool.getGroupByGroupName(ctx, groupName)) return;
    await call('CreateGroup', { UserPoolId: userPoolId, GroupName: groupName });
  };

  return {
    endpoint,
    jwksUrl,

    ensureUserPool: (key, props) =>
      serial(async () => {
        const known = keys.userPools[key];
        const custom = props.customAttributes ?? [];
        if (known && (await poolExists(known))) {
          const pool = await cognito.getUserPool(ctx, known);
          const have = new Set(pool.options.SchemaAttributes?.map((a) => a.Name));
          const missing = custom.filter((name) => !have.has(`custom:${name}`));
          if (missing.length > 0) {
            await call('AddCustomAttributes', { UserPoolId: known, CustomAttributes: missing.map(customAttribute) });
          }
          return known;
        }
        const { UserPool } = await call<{ UserPool: { Id: string } }>('CreateUserPool', {
          PoolName: props.poolName,
          UsernameAttributes: props.usernameAttributes,
          Schema: custom.map(customAttribute),
          Policies: props.passwordPolicy ? { PasswordPolicy: props.passwordPolicy } : undefined,
        });
        remember(keys.userPools, key, UserPool.Id);
        return UserPool.Id;
      }),

    ensureUserPoolClient: (key, userPoolId, props) =>
      serial(async () => {
        const request = {
          UserPoolId: userPoolId,
          ClientName: props.clientName,
          ExplicitAuthFlows: props.explicitAuthFlows,
          ReadAttributes: props.readAttributes,
          WriteAttributes: props.writeAttributes,
        };
        const known = keys.userPoolClients[key];
        const existing = known ? await cognito.getAppClient(ctx, known) : null;
        if (known && existing?.UserPoolId === userPoolId) {
          await call('UpdateUserPoolClient', { ...request, ClientId: known });
          return known;
        }
        const { UserPoolClient } = await call<{ UserPoolClient: { ClientId: string } }>(
          'CreateUserPoolClient',
          request,
        );
        remember(keys.userPoolClients, key, UserPoolClient.ClientId);
        return UserPoolClient.ClientId;
      }),

    ensureGroup: (userPoolId, groupName) => serial(() => ensureGroup(userPoolId, groupName)),

    ensureUser: (userPoolId, user) =>
      serial(async () => {
        const pool = await cognito.getUserPool(ctx, userPoolId);
        if (!(await pool.getUserByUsername(ctx, user.username))) {
          await call('AdminCreateUser', {
            UserPoolId: userPoolId,
            Username: user.username,
            TemporaryPassword: user.password,
            MessageAction: 'SUPPRESS',
            UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
          });
          await call('AdminSetUserPassword', {
            UserPoolId: userPoolId,
            Username: user.username,
            Password: user.password,
            Permanent: true,
          });
        }
        for (const group of user.groups ?? []) {
          await ensureGroup(userPoolId, group);
          await call('AdminAddUserToGroup', { UserPoolId: userPoolId, Username: user.username, GroupName: group });
        }
      }),

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep idle keep-alive sockets open, which would hold close() forever.
        server.closeIdleConnections();
      }),
  };
}

const DISCOVERY_PATH = /^\/([^/]+)\/\.well-known\/openid-configuration$/;
const JWKS_PATH = /^\/([^/]+)\/\.well-known\/jwks\.json$/;

const customAttribute = (name: string) => ({ Name: name, AttributeDataType: 'String', Mutable: true });

const triggersUnsupported = () => Promise.reject(new Error('Cognito Lambda triggers are not emulated locally'));

/** The local cloud configures no Cognito triggers; `enabled` false keeps cognito-local from calling these. */
const noTriggers: Triggers = {
  enabled: () => false,
  customMessage: triggersUnsupported,
  customEmailSender: triggersUnsupported,
  postAuthentication: triggersUnsupported,
  postConfirmation: triggersUnsupported,
  preSignUp: triggersUnsupported,
  preTokenGeneration: triggersUnsupported,
  userMigration: triggersUnsupported,
};

/** Runs async tasks one at a time, in call order, whether earlier ones succeed or fail. */
function serializer() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
