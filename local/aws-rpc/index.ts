/**
 * The HTTP front of the local services that speak AWS's RPC protocols, so the real SDK v3
 * clients and the AWS CLI reach them unchanged:
 *
 * - AWS JSON 1.0 / 1.1: `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body
 *   (what `@aws-sdk/client-cloudwatch-logs` and `@aws-sdk/client-cloudwatch` send);
 * - Smithy RPC v2 CBOR: `POST /service/<Service>/operation/<Operation>` with a CBOR body and
 *   `smithy-protocol: rpc-v2-cbor` (what botocore picks for CloudWatch when the model offers it).
 *
 * Operations see one input shape whatever the protocol: CBOR's timestamp tags become epoch
 * seconds, the number AWS JSON carries. They return plain values, with `Date` for timestamps,
 * which go out as epoch seconds (JSON) or a timestamp tag (CBOR). Requests may be gzipped
 * (the SDK compresses large PutMetricData bodies). SigV4 is accepted without checking, as on
 * the other local endpoints that IAM does not guard.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { RequestTooLargeError, readBody } from '../gateway/http-body';
import { listenOnLoopback } from '../listen';

/** An error the caller sees as a modelled service error (`__type`, HTTP 400 unless told). */
export class AwsRpcError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** What an operation gets besides its input. */
export interface RpcRequest {
  readonly headers: IncomingHttpHeaders;
  readonly protocol: 'json' | 'cbor';
}

/**
 * An operation's input: a JSON object whose shape the operation validates itself, member by
 * member, as the service does (so its members are read untyped).
 */
// biome-ignore lint/suspicious/noExplicitAny: inputs are validated by each operation, not by a static type.
export type RpcInput = Record<string, any>;

/** One operation: its input (a JSON object) in, its output out. */
export type RpcOperation = (input: RpcInput, request: RpcRequest) => unknown;

/** Options of {@link startRpcServer}. */
export interface RpcServerOptions {
  /** `X-Amz-Target` prefix, e.g. `Logs_20140328`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  /** The service shape name under which RPC v2 CBOR is served (absent: JSON only). */
  readonly cborService?: string;
  /** Prefix of `__type` (e.g. `com.amazonaws.cloudwatch#`); empty for the bare error name. */
  readonly errorNamespace?: string;
  /**
   * The `awsQueryCompatible` error code of an error type (e.g. `InvalidParameterValue` for
   * `InvalidParameterValueException`), sent as `x-amzn-query-error` as CloudWatch does.
   */
  readonly queryErrorCode?: (type: string) => string | undefined;
  readonly operations: Readonly<Record<string, RpcOperation>>;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Largest accepted request body (after decompression). @default 16 MiB */
  readonly maxBodyBytes?: number;
}

/** A running RPC front. */
export interface RpcServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const CBOR_PATH = /^\/service\/([^/]+)\/operation\/([^/?]+)/;

/** Starts an RPC front on 127.0.0.1. */
export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const server = createServer((req, res) => {
    serve(opts, req, res).catch((error: unknown) => {
      reply(opts, res, 'json', 500, { __type: 'InternalFailure', message: (error as Error).message });
    });
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections of SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** Which operation a request names, and in which protocol. */
function routeOf(opts: RpcServerOptions, req: IncomingMessage): { protocol: 'json' | 'cbor'; operation: string } {
  const cborRoute = opts.cborService ? CBOR_PATH.exec(req.url ?? '') : null;
  if (cborRoute && cborRoute[1] === opts.cborService) return { protocol: 'cbor', operation: cborRoute[2] ?? '' };
  const target = String(req.headers['x-amz-target'] ?? '');
  const prefix = `${opts.targetPrefix}.`;
  return { protocol: 'json', operation: target.startsWith(prefix) ? target.slice(prefix.length) : '' };
}

async function serve(opts: RpcServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { protocol, operation } = routeOf(opts, req);
  try {
    const run = Object.hasOwn(opts.operations, operation) ? opts.operations[operation] : undefined;
    if (req.method !== 'POST' || !run)
      throw new AwsRpcError(
        'UnknownOperationException',
        `Unknown operation ${operation || `${req.method} ${req.url}`}`,
      );
    const input = decodeInput(await readRequest(req, opts.maxBodyBytes ?? 16 * 1024 * 1024), protocol);
    reply(opts, res, protocol, 200, (await run(input, { headers: req.headers, protocol })) ?? {});
  } catch (error) {
    if (!(error instanceof AwsRpcError)) throw error;
    const queryCode = opts.queryErrorCode?.(error.type);
    reply(
      opts,
      res,
      protocol,
      error.status,
      { __type: `${opts.errorNamespace ?? ''}${error.type}`, message: error.message },
      {
        'x-amzn-errortype': error.type,
        ...(queryCode ? { 'x-amzn-query-error': `${queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}` } : {}),
      },
    );
  }
}

async function readRequest(req: IncomingMessage, limit: number): Promise<Buffer> {
  let body: Buffer;
  try {
    body = await readBody(req, limit);
  } catch (error) {
    if (error instanceof RequestTooLargeError)
      throw new AwsRpcError('SerializationException', 'Request too large', 413);
    throw error;
  }
  if (String(req.headers['content-encoding'] ?? '').includes('gzip')) {
    try {
      body = gunzipSync(body, { maxOutputLength: limit });
    } catch {
      throw new AwsRpcError('SerializationException', 'Request body is not valid gzip');
    }
  }
  return body;
}

function decodeInput(body: Buffer, protocol: 'json' | 'cbor'): RpcInput {
  if (body.length === 0) return {};
  let input: unknown;
  try {
    input = protocol === 'cbor' ? fromCbor(cbor.deserialize(body)) : JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsRpcError('SerializationException', `Request body is not valid ${protocol.toUpperCase()}`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new AwsRpcError('SerializationException', 'Request body must be an object');
  return input as RpcInput;
}

/** CBOR values as AWS JSON carries them: timestamp tags (tag 1) become epoch seconds. */
function fromCbor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromCbor);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const tagged = value as { tag?: unknown; value?: unknown };
    if (tagged.tag === 1 || tagged.tag === 1n) return Number(tagged.value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromCbor(item)]));
  }
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Output for CBOR: dates as timestamp tags, no undefined members (CBOR would encode them). */
function toCbor(value: unknown): unknown {
  if (value instanceof Date) return dateToTag(value);
  if (Array.isArray(value)) return value.map(toCbor);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toCbor(item)]),
    );
  return value;
}

function reply(
  opts: RpcServerOptions,
  res: ServerResponse,
  protocol: 'json' | 'cbor',
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const payload =
    protocol === 'cbor'
      ? Buffer.from(cbor.serialize(toCbor(body)))
      : Buffer.from(
          JSON.stringify(body, function (key, item) {
            // `this[key]` is the value before Date#toJSON turned it into a string.
            const original = (this as Record<string, unknown>)[key];
            return original instanceof Date ? original.getTime() / 1000 : item;
          }),
        );
  res.writeHead(status, {
    'content-type': protocol === 'cbor' ? 'application/cbor' : `application/x-amz-json-${opts.jsonVersion}`,
    ...(protocol === 'cbor' ? { 'smithy-protocol': 'rpc-v2-cbor' } : {}),
    'content-length': payload.length,
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
}
