/**
 * The DynamoDB endpoint functions talk to on the local cloud: every request is attributed to
 * its signer (SigV4 → access key → execution role or STS session), checked with IAM's rules
 * against that identity's policies (role policies, ∩ the session policy for STS sessions), and
 * only then proxied to the emulator (dynalite). A request real IAM would deny gets the
 * `AccessDeniedException` DynamoDB sends, which the SDK raises by name.
 */
import * as http from 'node:http';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '../deployer/constants';
import { listenOnLoopback } from '../listen';
import { AccessDecisions } from './access-decisions';
import { accessChecksOf, type PartitionKeyOf } from './dynamodb-access';
import type { IamRegistry, Identity } from './iam-registry';
import { parseSigV4, verifySigV4 } from './sigv4';

export interface DynamoDbFrontOptions {
  /** The emulator behind the front. */
  readonly upstream: string;
  readonly registry: IamRegistry;
  /** Credentials the front uses itself to read key schemas (the deployer's). */
  readonly adminCredentials: { accessKeyId: string; secretAccessKey: string };
  readonly port?: number;
  /** Called for each denied request (logging). */
  readonly onDenied?: (message: string) => void;
}

export interface DynamoDbFront {
  readonly endpoint: string;
  stats(): { allowed: number; denied: number; decisionCacheHits: number };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, Message: message, message });
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': type,
  });
  res.end(body);
}

/** The partition key attribute of a table or index, from DescribeTable, cached; `clear` after a DeleteTable. */
function partitionKeyLookup(admin: DynamoDBClient): { readonly of: PartitionKeyOf; clear(): void } {
  const partitionKeys = new Map<string, Promise<string | undefined>>();
  const of: PartitionKeyOf = (tableName, indexName) => {
    const key = `${tableName}\u0000${indexName ?? ''}`;
    let pending = partitionKeys.get(key);
    if (!pending) {
      pending = admin.send(new DescribeTableCommand({ TableName: tableName })).then(
        ({ Table }) => {
          const schema = indexName
            ? [...(Table?.GlobalSecondaryIndexes ?? []), ...(Table?.LocalSecondaryIndexes ?? [])].find(
                (i) => i.IndexName === indexName,
              )?.KeySchema
            : Table?.KeySchema;
          return schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
        },
        () => undefined,
      );
      partitionKeys.set(key, pending);
      // A table that does not exist yet may be created later: do not remember the miss.
      void pending.then((name) => name === undefined && partitionKeys.delete(key));
    }
    return pending;
  };
  return { of, clear: () => partitionKeys.clear() };
}

/** Sends the request on to the emulator and its answer back. */
function proxy(
  upstream: URL,
  agent: http.Agent,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
): void {
  const upstreamRequest = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
      agent,
    },
    (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    },
  );
  upstreamRequest.on('error', (error) => {
    if (!res.headersSent) sendError(res, 500, 'InternalServerError', `local DynamoDB unavailable: ${error.message}`);
    else res.destroy();
  });
  upstreamRequest.end(body);
}

/** Who signed the request, or the error DynamoDB answers an unsigned or badly signed one with. */
function authenticate(
  registry: IamRegistry,
  req: http.IncomingMessage,
  body: Buffer,
):
  | { readonly ok: true; readonly identity: Identity; readonly accessKeyId: string }
  | { readonly ok: false; readonly type: string; readonly message: string } {
  const signed = parseSigV4(req.headers);
  if (!signed)
    return {
      ok: false,
      type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    };
  const lookup = registry.identityOf(signed.accessKeyId, signed.sessionToken);
  if (!lookup.ok) return { ok: false, type: lookup.code, message: lookup.message };
  const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body };
  if (!verifySigV4(signed, request, lookup.identity.secretAccessKey)) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true, identity: lookup.identity, accessKeyId: signed.accessKeyId };
}

/** Starts the front on 127.0.0.1. */
export async function startDynamoDbFront(opts: DynamoDbFrontOptions): Promise<DynamoDbFront> {
  const upstream = new URL(opts.upstream);
  const admin = new DynamoDBClient({
    region: LOCAL_REGION,
    endpoint: opts.upstream,
    credentials: opts.adminCredentials,
  });
  const partitionKeys = partitionKeyLookup(admin);
  const decisions = new AccessDecisions(opts.registry);
  const counters = { allowed: 0, denied: 0 };
  const stats = () => ({ ...counters, decisionCacheHits: decisions.cacheHits });
  const agent = new http.Agent({ keepAlive: true });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const signer = authenticate(opts.registry, req, body);
    if (!signer.ok) return sendError(res, 400, signer.type, signer.message);
    const { identity } = signer;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    let parsed: Record<string, unknown>;
    try {
      parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return sendError(res, 400, 'SerializationException', 'Start of structure or map found where not expected');
    }
    for (const check of await accessChecksOf(operation, parsed, partitionKeys.of)) {
      const decision = await decisions.decide(identity, signer.accessKeyId, check);
      if (!decision.allowed) {
        counters.denied += 1;
        const message = `User: ${identity.principalArn} is not authorized to perform: ${check.action} on resource: ${check.resource} because ${decision.reason}`;
        opts.onDenied?.(message);
        return sendError(res, 400, 'AccessDeniedException', message);
      }
    }
    counters.allowed += 1;
    if (operation === 'DeleteTable') partitionKeys.clear();
    proxy(upstream, agent, req, res, body);
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/local/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(stats()));
      return;
    }
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerError', error.message);
    });
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    endpoint,
    stats,
    close: () =>
      new Promise((resolve) => {
        admin.destroy();
        agent.destroy();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
