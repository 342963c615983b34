/**
 * The local Cognito's HTTP front: targets the gap guards check go through them before and
 * after cognito-local runs them; each pool's JWKS and discovery document are served here (the
 * pool's own key, the real-form issuer); everything else goes to cognito-local's server.
 */
import type * as http from 'node:http';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { CallTarget } from './cognito-local';
import { type GapGuards, GuardError, isGuardedTarget } from './gap-guards';
import type { PoolSigningKeys } from './pool-keys';

/** What the front serves with. */
export interface CognitoFrontDeps {
  readonly app: http.RequestListener;
  readonly cognito: CognitoService;
  readonly ctx: Context;
  readonly call: CallTarget;
  readonly guards: GapGuards;
  readonly poolKeys: PoolSigningKeys;
  readonly issuerDomain: string;
  readonly jwksUrl: (userPoolId: string) => string;
}

const DISCOVERY_PATH = /^\/([^/]+)\/\.well-known\/openid-configuration$/;
const JWKS_PATH = /^\/([^/]+)\/\.well-known\/jwks\.json$/;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify(body));
}

/** The pool's own key (not cognito-local's shared one), for a pool that exists. */
async function servePoolJwks(deps: CognitoFrontDeps, poolId: string, res: http.ServerResponse): Promise<void> {
  try {
    const exists = (await deps.cognito.listUserPools(deps.ctx)).some((pool) => pool.Id === poolId);
    if (exists) sendJson(res, 200, await deps.poolKeys.jwks(poolId));
    else sendJson(res, 404, { message: 'User pool not found' });
  } catch (error) {
    sendJson(res, 500, { message: (error as Error).message });
  }
}

/** A guarded target: the guard checks, then cognito-local's target runs (answered like its server does). */
async function serveGuarded(
  deps: CognitoFrontDeps,
  target: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
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
    await deps.guards.before(target, request);
    const output = (await deps.call<Record<string, unknown>>(target, request)) ?? {};
    send(200, await deps.guards.after(target, request, output));
  } catch (error) {
    const e = error as { code?: unknown; message?: string };
    if (error instanceof GuardError || typeof e.code === 'string') send(400, { __type: e.code, message: e.message });
    else if (error instanceof SyntaxError) send(400, { __type: 'SerializationException', message: 'Invalid JSON' });
    else send(500, { __type: 'InternalErrorException', message: e.message ?? 'Internal error' });
  }
}

/** The request listener of the local Cognito endpoint. */
export function createCognitoFront(deps: CognitoFrontDeps): http.RequestListener {
  return (req, res) => {
    const target = req.method === 'POST' ? String(req.headers['x-amz-target'] ?? '').split('.')[1] : undefined;
    if (target && isGuardedTarget(target)) {
      void serveGuarded(deps, target, req, res);
      return;
    }
    const jwksPoolId = req.method === 'GET' ? JWKS_PATH.exec(req.url ?? '')?.[1] : undefined;
    if (jwksPoolId) {
      void servePoolJwks(deps, jwksPoolId, res);
      return;
    }
    const poolId = req.method === 'GET' ? DISCOVERY_PATH.exec(req.url ?? '')?.[1] : undefined;
    // cognito-local's own discovery document points at http://localhost:9229 whatever the config.
    if (poolId) {
      sendJson(res, 200, {
        issuer: `${deps.issuerDomain}/${poolId}`,
        jwks_uri: deps.jwksUrl(poolId),
        id_token_signing_alg_values_supported: ['RS256'],
      });
      return;
    }
    deps.app(req, res);
  };
}
