/**
 * A recording pass-through proxy in front of an emulator endpoint: forwards every request
 * unchanged (Host header included, so SigV4 signatures still verify) and records when it was
 * forwarded, how long the emulator took, and which operation it was. Used to measure the floor
 * of onboarding (time the steps must spend in emulator calls) and to count DynamoDB writes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCloud } from '../../local/cloud';
import type { LocalFunction } from '../../local/lambda/runtime';

export interface EmulatorCall {
  readonly service: string;
  /** X-Amz-Target (JSON protocols), Action (query protocol), or METHOD path. */
  readonly operation: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly status: number;
  /** DynamoDB write request units this request would consume (1 per started KB of item), when it is a write. */
  readonly writeUnits: number;
  readonly readItems: number;
}

export interface RecordingProxy {
  readonly endpoint: string;
  readonly calls: EmulatorCall[];
  close(): Promise<void>;
}

const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READ_OPS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** WRUs of a DynamoDB write: items are ≤1 KB here, so the item (or request) size in KB, at least 1. */
function writeUnitsOf(op: string, body: string): number {
  const kb = (value: unknown) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(value ?? {})) / 1024));
  try {
    const parsed = JSON.parse(body) as Record<string, any>;
    switch (op) {
      case 'PutItem':
        return kb(parsed.Item);
      case 'UpdateItem':
      case 'DeleteItem':
        return 1;
      case 'BatchWriteItem':
        return Object.values(parsed.RequestItems ?? {}).reduce(
          (sum: number, reqs: any) =>
            sum + (reqs as any[]).reduce((s: number, r: any) => s + (r.PutRequest ? kb(r.PutRequest.Item) : 1), 0),
          0,
        );
      case 'TransactWriteItems':
        // Transactions cost two WRUs per item.
        return 2 * ((parsed.TransactItems as unknown[] | undefined)?.length ?? 1);
      default:
        return 0;
    }
  } catch {
    return 1;
  }
}

export async function startRecordingProxy(service: string, upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const calls: EmulatorCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const action = amzTarget
        ? (amzTarget.split('.').pop() ?? amzTarget)
        : (new URLSearchParams(body.toString('utf8')).get('Action') ??
          `${req.method} ${(req.url ?? '').split('?')[0]}`);
      const startMs = performance.now();
      const forward = http.request(
        { agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          upstreamRes.on('end', () => {
            const text = service === 'dynamodb' ? body.toString('utf8') : '';
            calls.push({
              service,
              operation: action,
              startMs,
              endMs: performance.now(),
              status: upstreamRes.statusCode ?? 0,
              writeUnits: service === 'dynamodb' && WRITE_OPS.has(action) ? writeUnitsOf(action, text) : 0,
              readItems: service === 'dynamodb' && READ_OPS.has(action) ? 1 : 0,
            });
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(error.message);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The endpoints a step function may call that are emulators (Step Functions itself is the orchestrator, not a floor). */
const PROXIED = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  cognito: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  apigateway: 'AWS_ENDPOINT_URL_API_GATEWAY',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  sts: 'AWS_ENDPOINT_URL_STS',
} as const;

export interface InstalledProxies {
  readonly calls: () => EmulatorCall[];
  reset(): void;
  restore(): Promise<void>;
}

/**
 * Re-registers the matching functions with their emulator endpoints pointing at recording proxies
 * (the runtime gives a re-registered function a fresh environment on its next invoke).
 */
export async function installProxies(
  cloud: LocalCloud,
  match: (fn: LocalFunction) => boolean,
): Promise<InstalledProxies> {
  const lambda = cloud.services.lambda;
  const originals = lambda.list().filter(match);
  const sample = originals[0]?.environment ?? {};
  const proxies = new Map<string, RecordingProxy>();
  for (const [service, variable] of Object.entries(PROXIED)) {
    const upstream = sample[variable];
    if (upstream) proxies.set(variable, await startRecordingProxy(service, upstream));
  }
  for (const fn of originals) {
    const environment: Record<string, string> = { ...fn.environment };
    for (const [variable, proxy] of proxies) if (environment[variable]) environment[variable] = proxy.endpoint;
    lambda.register({ ...fn, environment });
  }
  return {
    calls: () => [...proxies.values()].flatMap((proxy) => proxy.calls),
    reset: () => {
      for (const proxy of proxies.values()) proxy.calls.length = 0;
    },
    restore: async () => {
      for (const fn of originals) lambda.register(fn);
      await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    },
  };
}

/** Total length of the union of [start, end] intervals (overlapping calls count once). */
export function unionMs(intervals: ReadonlyArray<{ startMs: number; endMs: number }>): number {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of sorted) {
    if (startMs > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = startMs;
      curEnd = endMs;
    } else if (endMs > curEnd) curEnd = endMs;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}
