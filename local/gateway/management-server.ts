/**
 * The management endpoint's HTTP server (127.0.0.1): turns restJson requests of
 * `@aws-sdk/client-api-gateway` into {@link ManagementRequest}s for `management-api.ts` and its
 * replies back into HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../listen';
import { RequestTooLargeError, readBody } from './http-body';
import { handleManagementRequest, type ManagementContext, type ManagementRequest } from './management-api';

const MAX_MANAGEMENT_BODY_BYTES = 1024 * 1024;

/** A listening management endpoint. */
export interface ManagementServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
}

type Send = (statusCode: number, body: unknown, errorType?: string) => void;

/** The request as the management API reads it, or undefined once an error reply has been sent. */
async function managementRequestOf(req: IncomingMessage, send: Send): Promise<ManagementRequest | undefined> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_MANAGEMENT_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof RequestTooLargeError)) throw error;
    send(413, { message: 'Request body too large' }, 'BadRequestException');
    return undefined;
  }
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      send(400, { message: 'Invalid JSON in request body' }, 'BadRequestException');
      return undefined;
    }
  }
  return { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, body };
}

async function serveManagement(
  context: ManagementContext,
  log: (message: string, detail?: unknown) => void,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const send: Send = (statusCode, body, errorType) => {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    res.writeHead(statusCode, {
      'Content-Type': 'application/json',
      'Content-Length': String(payload.length),
      'x-amzn-RequestId': requestId,
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    res.end(payload);
  };
  try {
    const request = await managementRequestOf(req, send);
    if (!request) return;
    const reply = await handleManagementRequest(context, request);
    send(reply.statusCode, reply.body, reply.errorType);
  } catch (error) {
    log('local gateway: management request failed', { requestId, error });
    if (!res.headersSent) send(500, { message: 'Internal server error' }, 'InternalFailure');
    else res.destroy();
  }
}

/** Starts the management endpoint on 127.0.0.1 (`port` 0: a free one). */
export async function startManagementServer(
  context: ManagementContext,
  opts: { readonly port?: number; readonly log: (message: string, detail?: unknown) => void },
): Promise<ManagementServer> {
  const server: Server = createServer((req, res) => {
    void serveManagement(context, opts.log, req, res);
  });
  const endpoint = await listenOnLoopback(server, opts.port ?? 0);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
