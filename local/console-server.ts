/**
 * The console origin (127.0.0.1:TENANTFLOW_PORT): the REST APIs under /restapis/, the
 * discovery document /config.json, and the local-only /local/outbox and /local/faults.
 */
import * as http from 'node:http';
import type { LocalApiGateway } from './gateway';
import type { OutboxMessage } from './mail/outbox';

export interface ConsoleConfig {
  readonly region: string;
  readonly controlPlaneApiUrl: string;
  readonly operatorUserPoolId: string;
  readonly operatorClientId: string;
  readonly cognitoEndpoint?: string;
}

/** Filled in once the cloud is deployed; until then the server answers 503. */
export interface ConsoleRoutes {
  gateway?: LocalApiGateway;
  config?: ConsoleConfig;
  outbox?: () => readonly OutboxMessage[];
  faults?: { set(step: string, times: number): void; clear(): void };
}

const MAX_BODY = 64 * 1024;

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const INDEX_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tenantflow (local)</title></head>
<body><h1>tenantflow local cloud</h1><p>The web console is not built yet. See <a href="/config.json">/config.json</a>
and <a href="/local/outbox">/local/outbox</a>; the README lists the API calls.</p></body></html>`;

export function createConsoleServer(routes: ConsoleRoutes): http.Server {
  return http.createServer(async (req, res) => {
    try {
      if (!routes.gateway || !routes.config) return send(res, 503, { message: 'The local cloud is starting' });
      if (await routes.gateway.handle(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case 'GET /config.json':
          return send(res, 200, routes.config);
        case 'GET /local/outbox':
          return send(res, 200, routes.outbox?.() ?? []);
        case 'POST /local/faults': {
          let body: { step?: unknown; times?: unknown };
          try {
            body = (await readJson(req)) as typeof body;
          } catch {
            return send(res, 400, { message: 'Invalid body', errors: [{ field: 'body', message: 'must be a JSON object' }] });
          }
          const errors = [];
          if (typeof body?.step !== 'string' || body.step === '') errors.push({ field: 'step', message: 'is required (a state name)' });
          const times = body?.times ?? 1;
          if (typeof times !== 'number' || !Number.isInteger(times) || times < -1) {
            errors.push({ field: 'times', message: 'must be an integer ≥ 1, or -1 for until cleared' });
          }
          if (errors.length > 0) return send(res, 400, { message: 'Invalid fault', errors });
          routes.faults?.set(body.step as string, times as number);
          return send(res, 201, { step: body.step, times });
        }
        case 'DELETE /local/faults':
          routes.faults?.clear();
          return send(res, 204);
        case 'GET /':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(INDEX_HTML);
        default:
          return send(res, 404, { message: `Not found: ${req.method} ${url.pathname}` });
      }
    } catch {
      if (!res.headersSent) send(res, 500, { message: 'Internal server error' });
      else res.end();
    }
  });
}
