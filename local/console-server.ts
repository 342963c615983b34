/**
 * The console origin (127.0.0.1:TENANTFLOW_PORT): the REST APIs under /restapis/, the
 * discovery document /config.json, the local-only /local/outbox, /local/faults, /local/events
 * and /local/lambda (the Lambda service's counters), and the built web apps (console/dist): the
 * operator console at /, sign-up at /signup, the commerce app at /app, each with its own
 * single-page fallback.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
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
  faults?: { set(step: string, times: number, error?: string): void; clear(): void };
  /** The local Lambda service's counters per function (environments started, invocations). */
  lambdaStats?: () => unknown;
  /** The events of the control plane's bus, oldest first (`GET /local/events`). */
  events?: () => readonly LocalEvent[];
  /** The built web apps' directory (console/dist); without it `/` is a placeholder page. */
  site?: string;
}

/** An event as `GET /local/events` lists it (API.md). */
export interface LocalEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
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

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Each app's base path and its HTML entry; the first match wins, '/' last. */
const APPS = [
  { base: '/signup', entry: 'signup/index.html' },
  { base: '/app', entry: 'app/index.html' },
  { base: '/', entry: 'index.html' },
] as const;

/** The file for a request path inside `site`, or undefined (missing, a directory, or outside it). */
function fileIn(site: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(site, `.${path.posix.normalize(decoded)}`);
  if (file !== site && !file.startsWith(site + path.sep)) return undefined;
  // Dot-files (the build stamp, .vite/manifest) are not served.
  if (
    path
      .relative(site, file)
      .split(path.sep)
      .some((part) => part.startsWith('.'))
  )
    return undefined;
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Serves a built file, or an app's index.html for its client-side routes (paths without an extension). */
function serveSite(site: string, req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
  const root = path.resolve(site);
  let file = fileIn(root, pathname);
  if (!file && path.posix.extname(pathname) === '' && !/^\/(local|restapis)(\/|$)/.test(pathname)) {
    const app = APPS.find((a) => a.base === '/' || pathname === a.base || pathname.startsWith(`${a.base}/`));
    file = app ? fileIn(root, `/${app.entry}`) : undefined;
  }
  if (!file) return false;
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Hashed assets never change; HTML always revalidates so a rebuild is picked up.
  const immutable = pathname.startsWith('/assets/');
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

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
        case 'GET /local/lambda':
          return send(res, 200, routes.lambdaStats?.() ?? {});
        case 'GET /local/events':
          return send(
            res,
            200,
            (routes.events?.() ?? []).map((e) => ({
              id: e.id,
              time: e.time,
              source: e.source,
              'detail-type': e['detail-type'],
              detail: e.detail,
            })),
          );
        case 'POST /local/faults': {
          let body: { step?: unknown; times?: unknown; error?: unknown };
          try {
            body = (await readJson(req)) as typeof body;
          } catch {
            return send(res, 400, {
              message: 'Invalid body',
              errors: [{ field: 'body', message: 'must be a JSON object' }],
            });
          }
          const errors = [];
          if (typeof body?.step !== 'string' || body.step === '')
            errors.push({ field: 'step', message: 'is required (a state name)' });
          const times = body?.times ?? 1;
          if (typeof times !== 'number' || !Number.isInteger(times) || times < -1) {
            errors.push({ field: 'times', message: 'must be an integer ≥ 1, or -1 for until cleared' });
          }
          const error = body?.error ?? 'InjectedFaultError';
          if (typeof error !== 'string' || !/^[A-Za-z][\w.]{0,99}$/.test(error)) {
            errors.push({ field: 'error', message: 'must be an error name such as TransientStepError' });
          }
          if (errors.length > 0) return send(res, 400, { message: 'Invalid fault', errors });
          routes.faults?.set(body.step as string, times as number, error as string);
          return send(res, 201, { step: body.step, times, error });
        }
        case 'DELETE /local/faults':
          routes.faults?.clear();
          return send(res, 204);
        case 'GET /':
          if (routes.site && serveSite(routes.site, req, res, url.pathname)) return;
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(INDEX_HTML);
        default:
          if (
            (req.method === 'GET' || req.method === 'HEAD') &&
            routes.site &&
            serveSite(routes.site, req, res, url.pathname)
          )
            return;
          return send(res, 404, { message: `Not found: ${req.method} ${url.pathname}` });
      }
    } catch {
      if (!res.headersSent) send(res, 500, { message: 'Internal server error' });
      else res.end();
    }
  });
}
