/**
 * The local X-Ray: a daemon and the X-Ray API on one port of 127.0.0.1. UDP on that port takes
 * what aws-xray-sdk-core sends (`{"format":"json","version":1}\n<segment JSON>` per datagram, to
 * `AWS_XRAY_DAEMON_ADDRESS`); HTTP on the same port number answers the X-Ray API (REST-JSON,
 * for `@aws-sdk/client-xray` and the AWS CLI) and the sampling calls the SDK makes to the
 * daemon's TCP address, as the real daemon proxies them. Traces persist under `dataDir`.
 */
import { randomUUID } from 'node:crypto';
import * as dgram from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RequestTooLargeError, readBody } from '../gateway/http-body';
import { listenOnLoopback } from '../listen';
import { configOperations } from './config-api';
import { XRayGroups } from './groups';
import type { SegmentDocument, TraceSink } from './segment-document';
import { TraceStore } from './trace-store';
import {
  type Body,
  batchGetTraces,
  getServiceGraph,
  getTraceGraph,
  getTraceSummaries,
  putTraceSegments,
  type TracesApiDeps,
  XRayApiError,
} from './traces-api';

export { XRayGroups } from './groups';
export type { SegmentDocument, TraceSink } from './segment-document';

/** Options of {@link startLocalXRay}. */
export interface LocalXRayOptions {
  /** Where traces, groups and sampling rules persist (e.g. `<dataDir>/xray`). */
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  /** One port for UDP and HTTP; 0 picks one free for both. @default 0 */
  readonly port?: number;
  /** Summaries per GetTraceSummaries page. @default 100 */
  readonly pageSize?: number;
  /** Traces kept (oldest dropped first). @default 2000 */
  readonly maxTraces?: number;
  readonly now?: () => number;
  /** Receives what a client never sees: a malformed datagram or segment, a failed request. @default no-op */
  readonly log?: (message: string, detail?: unknown) => void;
}

/** A running local X-Ray. */
export interface LocalXRay extends TraceSink {
  /** The API endpoint, `http://127.0.0.1:<port>` (endpoints.json `xray`, `AWS_ENDPOINT_URL_XRAY`). */
  readonly endpoint: string;
  /** The daemon, `127.0.0.1:<port>` (a function's `AWS_XRAY_DAEMON_ADDRESS`). */
  readonly daemonAddress: string;
  /** Groups and sampling rules, for the deployer. */
  readonly groups: XRayGroups;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const DAEMON_HEADER = { format: 'json', version: 1 };

/** Stores one datagram's document; a malformed one is dropped, as the daemon drops it. */
function receiveDatagram(store: TraceStore, message: Buffer, log: NonNullable<LocalXRayOptions['log']>): void {
  const text = message.toString('utf8');
  const newline = text.indexOf('\n');
  try {
    const header = JSON.parse(text.slice(0, newline));
    if (newline < 0 || header?.format !== DAEMON_HEADER.format || header?.version !== DAEMON_HEADER.version)
      throw new Error('missing {"format":"json","version":1} header');
    store.put(JSON.parse(text.slice(newline + 1)));
  } catch (error) {
    log('local X-Ray: datagram dropped', { error: (error as Error).message });
  }
}

/** Serves one API request: POST `<operation path>` with a JSON body. */
async function serveApi(
  operations: Record<string, (body: Body) => unknown>,
  req: IncomingMessage,
  res: ServerResponse,
  log: NonNullable<LocalXRayOptions['log']>,
): Promise<void> {
  const send = (status: number, body: unknown, errorType?: string) => {
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': String(payload.length),
      'x-amzn-RequestId': randomUUID(),
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    res.end(payload);
  };
  try {
    const operation = req.method === 'POST' ? operations[new URL(req.url ?? '/', 'http://x').pathname] : undefined;
    if (!operation)
      throw new XRayApiError('UnknownOperationException', `Unknown operation ${req.method} ${req.url}`, 404);
    const raw = await readBody(req, MAX_REQUEST_BYTES);
    let body: unknown = {};
    try {
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new XRayApiError('InvalidRequestException', 'The request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new XRayApiError('InvalidRequestException', 'The request body must be a JSON object');
    send(200, operation(body as Body));
  } catch (error) {
    if (error instanceof XRayApiError) send(error.statusCode, { Message: error.message }, error.type);
    else if (error instanceof RequestTooLargeError)
      send(413, { Message: 'Request too large' }, 'InvalidRequestException');
    else {
      log('local X-Ray: request failed', { error });
      send(500, { Message: 'Internal failure' }, 'InternalFailure');
    }
  }
}

/** Binds the UDP socket on 127.0.0.1:`port`. */
function bindUdp(socket: dgram.Socket, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** Listens with HTTP and UDP on the same port number: a free TCP port is retried until UDP has it free too. */
async function listenPair(server: Server, onDatagram: (message: Buffer) => void, port: number) {
  for (let attempt = 0; ; attempt++) {
    const endpoint = await listenOnLoopback(server, port);
    const bound = Number(new URL(endpoint).port);
    // A larger receive buffer (the kernel caps it at net.core.rmem_max): bursts of segments from
    // many functions at once must not overflow it, as a real daemon reads them off quickly too.
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 }, onDatagram);
    try {
      await bindUdp(socket, bound);
      return { endpoint, socket, port: bound };
    } catch (error) {
      socket.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (port !== 0 || attempt >= 9) throw error;
    }
  }
}

/** Starts the local X-Ray daemon and API on 127.0.0.1. */
export async function startLocalXRay(opts: LocalXRayOptions): Promise<LocalXRay> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const store = TraceStore.open({ dir: opts.dataDir, maxTraces: opts.maxTraces, now });
  const arnPrefix = `arn:aws:xray:${opts.region}:${opts.accountId}`;
  const groups = new XRayGroups(opts.dataDir, arnPrefix);
  const deps: TracesApiDeps = { store, groups, pageSize: opts.pageSize ?? 100, now };
  const operations: Record<string, (body: Body) => unknown> = {
    '/TraceSummaries': (body) => getTraceSummaries(deps, body),
    '/Traces': (body) => batchGetTraces(deps, body),
    '/TraceGraph': (body) => getTraceGraph(deps, body),
    '/ServiceGraph': (body) => getServiceGraph(deps, body),
    '/TraceSegments': (body) => putTraceSegments(deps, body),
    '/TelemetryRecords': () => ({}),
    ...configOperations(groups, arnPrefix, now),
  };
  const server = createServer((req, res) => void serveApi(operations, req, res, log));
  const { endpoint, socket, port } = await listenPair(
    server,
    (message) => receiveDatagram(store, message, log),
    opts.port ?? 0,
  );
  return {
    endpoint,
    daemonAddress: `127.0.0.1:${port}`,
    groups,
    // A traced service must not fail a request for its trace: a refused document is only logged.
    putSegment: (doc: SegmentDocument) => {
      try {
        store.put(doc);
      } catch (error) {
        log('local X-Ray: segment refused', { id: doc.id, error: (error as Error).message });
      }
    },
    async close() {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.flush();
    },
  };
}
