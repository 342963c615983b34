/**
 * The operators' telemetry routes on the local cloud: two tenants' traffic read back through
 * `GET /tenants/{id}/traces`, `/tenants/{id}/logs` and `/traces/{traceId}` — exactly each tenant's
 * traces and lines, none of the other's — and a request's trace with the authorizer, the function
 * and its DynamoDB calls. Traffic is sent one request at a time: the local Lambda runtime runs
 * overlapping calls of one function in one worker, where annotations can land on the wrong segment.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, TraceDetail, TraceSummary } from '../../contracts/schemas/control-plane';
import { type HttpResult, http, operatorToken, waitFor } from '../support/client';
import { cloud, controlPlane, onboardedTenant, type TenantSession } from '../support/integration/cloud';

let token: string;
let a: TenantSession;
let b: TenantSession;

const get = <T>(path: string): Promise<HttpResult<T>> => http<T>('GET', controlPlane(path), { token });

/** Every page of a list, following nextToken. */
async function everyPage<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await get<{ items: T[]; nextToken?: string }>(
      nextToken ? `${path}${separator}nextToken=${encodeURIComponent(nextToken)}` : path,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    nextToken = page.body.nextToken;
  } while (nextToken);
  return items;
}

/** The tenant's traced tenant API requests (its sign-up's are listed too: POST and polls of /registrations). */
const requestsOf = (traces: TraceSummary[]) =>
  traces.filter((trace) => trace.path?.endsWith('/products') || trace.path?.includes('/products/'));

/** Every trace of the tenant, once at least `requests` of its tenant API requests are among them. */
const tracesWith = (tenant: TenantSession, requests: number) =>
  waitFor(
    async () => {
      const traces = await everyPage<TraceSummary>(`/tenants/${tenant.tenantId}/traces`);
      return requestsOf(traces).length >= requests ? traces : undefined;
    },
    `${requests} traced requests of ${tenant.tenantName}`,
    10_000,
    250,
  );

beforeAll(async () => {
  token = await operatorToken(cloud());
  a = await onboardedTenant('tel-a');
  b = await onboardedTenant('tel-b');
  // One request at a time (see above): A creates, reads and misses a product; B creates one.
  const created = await a.api('POST', '/products', { name: 'Anvil', price: 10 });
  expect(created.status).toBe(201);
  expect((await a.api('GET', `/products/${created.body.productId}`)).status).toBe(200);
  expect((await a.api('GET', '/products/no-such-product')).status).toBe(404);
  expect((await b.api('POST', '/products', { name: 'Rope', price: 2 })).status).toBe(201);
});

describe("a tenant's traces", () => {
  it("lists exactly each tenant's requests, newest first, none of the other's", async () => {
    const tracesOfA = await tracesWith(a, 3);
    const tracesOfB = await tracesWith(b, 1);

    expect(
      requestsOf(tracesOfA)
        .map((trace) => `${trace.method} ${trace.status}`)
        .sort(),
    ).toEqual(['GET 200', 'GET 404', 'POST 201']);
    expect(requestsOf(tracesOfB).map((trace) => `${trace.method} ${trace.status}`)).toEqual(['POST 201']);
    expect(requestsOf(tracesOfA).find((trace) => trace.status === 404)?.error).toBe(true);
    const idsOfA = new Set(tracesOfA.map((trace) => trace.traceId));
    expect(tracesOfB.filter((trace) => idsOfA.has(trace.traceId))).toEqual([]);
    const times = tracesOfA.map((trace) => trace.at);
    expect(times).toEqual([...times].sort().reverse());
    // Each listed trace is the tenant's own, by its annotation.
    for (const trace of requestsOf(tracesOfA)) {
      expect((await get<TraceDetail>(`/traces/${trace.traceId}`)).body.tenantId).toBe(a.tenantId);
    }
  });

  it('shows a request as a waterfall: the stage, the authorizer, the function and its DynamoDB call', async () => {
    const post = requestsOf(await tracesWith(b, 1))[0] as TraceSummary;
    const trace = await waitFor(
      async () => {
        const detail = await get<TraceDetail>(`/traces/${post.traceId}`);
        const segments = detail.body.segments ?? [];
        return segments.some((s) => s.operation === 'PutItem') &&
          segments.filter((s) => s.origin === 'AWS::Lambda::Function').length >= 2
          ? detail.body
          : undefined;
      },
      'the whole trace of the POST',
      10_000,
      250,
    );

    const { segments } = trace;
    expect(trace.tenantId).toBe(b.tenantId);
    expect(segments[0]).toMatchObject({ depth: 0, origin: 'AWS::ApiGateway::Stage', startOffsetMs: 0 });
    const functions = segments.filter((s) => s.origin === 'AWS::Lambda::Function').map((s) => s.name);
    expect(functions.some((name) => /Authorizer/i.test(name))).toBe(true);
    expect(functions.some((name) => /Products/i.test(name))).toBe(true);
    const put = segments.find((s) => s.operation === 'PutItem');
    expect(put?.name).toBe('DynamoDB');
    expect(put?.durationMs).toBeGreaterThan(0);
    // Nested: the SDK call sits below the function segment, inside the trace's time.
    expect(put?.depth).toBeGreaterThan(segments.find((s) => /Products/i.test(s.name))?.depth ?? 99);
    for (const s of segments) {
      expect(s.startOffsetMs).toBeGreaterThanOrEqual(0);
      expect(s.startOffsetMs + s.durationMs).toBeLessThanOrEqual(trace.durationMs + 0.001);
    }
    const ids = new Set(segments.map((s) => s.id));
    expect(segments.filter((s) => s.parentId !== undefined && !ids.has(s.parentId))).toEqual([]);
  });

  it('answers 404 for a trace X-Ray does not know', async () => {
    const unknown = await get(`/traces/1-${Math.floor(Date.now() / 1000).toString(16)}-000000000000000000000000`);
    expect(unknown.status).toBe(404);
  });
});

describe("a tenant's log lines", () => {
  it("returns exactly each tenant's lines across its request and onboarding log groups", async () => {
    const linesOfA = await waitFor(
      async () => {
        const lines = await everyPage<LogLine>(`/tenants/${a.tenantId}/logs`);
        return lines.filter((line) => line.message === 'request' && line.service === 'ProductsFunction').length >= 3
          ? lines
          : undefined;
      },
      "tenant A's request lines",
      10_000,
      250,
    );
    const linesOfB = await everyPage<LogLine>(`/tenants/${b.tenantId}/logs`);

    expect(linesOfA.map((line) => line.fields.tenantId)).toEqual(linesOfA.map(() => a.tenantId));
    expect(linesOfB.map((line) => line.fields.tenantId)).toEqual(linesOfB.map(() => b.tenantId));
    // Its tenant API requests (its sign-up's request lines are the control plane's).
    const requests = linesOfA.filter((line) => line.message === 'request' && line.service === 'ProductsFunction');
    expect(requests.map((line) => line.fields.statusCode).sort()).toEqual([200, 201, 404]);
    expect(requests.every((line) => line.correlationId)).toBe(true);
    expect(linesOfB.filter((line) => line.message === 'request' && line.service === 'ProductsFunction')).toHaveLength(
      1,
    );
    // Its sign-up (control plane) and its onboarding (a workflow step) logged the tenant too.
    const services = new Set(linesOfA.map((line) => line.service));
    expect(services.has('RegistrationsFunction')).toBe(true);
    expect(services.has('ActivateTenantFunction')).toBe(true);
    expect(new Set(linesOfA.map((line) => line.logGroup)).size).toBeGreaterThanOrEqual(3);
    const times = linesOfA.map((line) => line.timestamp);
    expect(times).toEqual([...times].sort());
  });

  it('pages with its own token through the same lines, and filters by level', async () => {
    const all = await everyPage<LogLine>(`/tenants/${a.tenantId}/logs?limit=100`);
    const paged = await everyPage<LogLine>(`/tenants/${a.tenantId}/logs?limit=2`);
    const info = await everyPage<LogLine>(`/tenants/${a.tenantId}/logs?level=INFO`);

    expect(all.length).toBeGreaterThan(2);
    expect(paged).toEqual(all);
    expect(info.length).toBeGreaterThan(0);
    expect(info.every((line) => line.level === 'INFO')).toBe(true);
    expect(info.length).toBeLessThanOrEqual(all.length);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field for a bad window, limit, level, page token or id', async () => {
    const tenant = `/tenants/${a.tenantId}`;
    const cases: [string, string][] = [
      [`${tenant}/traces?from=yesterday`, 'from'],
      [`${tenant}/logs?to=2025-13-01T00:00:00Z`, 'to'],
      [`${tenant}/logs?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z`, 'to'],
      [`${tenant}/traces?from=2025-01-01T00:00:00Z&to=2025-01-03T00:00:00Z`, 'from'],
      [`${tenant}/traces?limit=0`, 'limit'],
      [`${tenant}/logs?limit=101`, 'limit'],
      [`${tenant}/logs?level=LOUD`, 'level'],
      [`${tenant}/logs?nextToken=bm9wZQ`, 'nextToken'],
      [`${tenant}/traces?nextToken=bm9wZQ`, 'nextToken'],
      ['/tenants/not-a-tenant/traces', 'tenantId'],
      ['/traces/not-a-trace', 'traceId'],
    ];
    for (const [path, field] of cases) {
      const response = await get<{ errors?: { field: string }[] }>(path);
      expect(response.status, path).toBe(400);
      expect(
        response.body.errors?.map((error) => error.field),
        path,
      ).toEqual([field]);
    }
  });

  it('refuses a tenant id that would widen the filter, and answers 404 for an unknown tenant', async () => {
    const injections = [`${a.tenantId}" OR annotation.tier = "BASIC`, `${a.tenantId}" || $.level = "INFO`];
    for (const injection of injections) {
      for (const list of ['traces', 'logs']) {
        const response = await get<{ errors?: { field: string }[] }>(
          `/tenants/${encodeURIComponent(injection)}/${list}`,
        );
        expect(response.status, `${list} ${injection}`).toBe(400);
        expect(response.body.errors?.map((error) => error.field)).toEqual(['tenantId']);
      }
    }
    expect((await get(`/tenants/${randomUUID()}/traces`)).status).toBe(404);
    expect((await get(`/tenants/${randomUUID()}/logs`)).status).toBe(404);
  });
});
