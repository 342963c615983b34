/**
 * Two tenants' requests overlap in time, as in production, and each tenant's telemetry is still
 * exactly its own when read back with the real SDK clients: its traces found by
 * `annotation.tenantId` (X-Ray GetTraceSummaries) and its request lines found by a JSON filter
 * pattern (CloudWatch Logs FilterLogEvents). It holds because the local Lambda, like Lambda,
 * runs overlapping invocations in separate execution environments, each with its own X-Ray
 * segment and trace header (a shared one mixes the tenants' annotations).
 */
import { CloudWatchLogsClient, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { type TraceSummary, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpResult, waitFor } from '../support/client';
import { onboardedTenant, type TenantSession } from '../support/integration/cloud';
import {
  LOCAL_CLIENT,
  linesMatching,
  localEndpoints,
  productsLogGroup,
  traceSummaries,
} from '../support/integration/telemetry';

const ROUNDS = 3;
let logs: CloudWatchLogsClient;
let xray: XRayClient;
let a: TenantSession;
let b: TenantSession;
let started: Date;
/** Each tenant's requests: their trace ids (from the response's X-Amzn-Trace-Id) and statuses. */
const sent = new Map<string, { traceIds: string[]; statuses: number[] }>();

const traceIdOf = (response: HttpResult) => /Root=([^;]+)/.exec(response.headers.get('x-amzn-trace-id') ?? '')?.[1];

/** One tenant's part of a round: a create, a list and a miss, all at once. */
function requestsOf(tenant: TenantSession, round: number): Promise<HttpResult>[] {
  return [
    tenant.api('POST', '/products', { name: `Item ${round}`, price: round + 1 }),
    tenant.api('GET', '/products'),
    tenant.api('GET', `/products/missing-${round}`),
  ];
}

beforeAll(async () => {
  logs = new CloudWatchLogsClient({ ...LOCAL_CLIENT, endpoint: localEndpoints().logs });
  xray = new XRayClient({ ...LOCAL_CLIENT, endpoint: localEndpoints().xray });
  [a, b] = await Promise.all([onboardedTenant('overlap-a'), onboardedTenant('overlap-b')]);
  started = new Date(Date.now() - 1000);
  for (let round = 0; round < ROUNDS; round++) {
    // Both tenants' requests in flight together: the functions' invocations overlap.
    const [ofA, ofB] = await Promise.all([Promise.all(requestsOf(a, round)), Promise.all(requestsOf(b, round))]);
    for (const [tenant, responses] of [
      [a, ofA],
      [b, ofB],
    ] as const) {
      const record = sent.get(tenant.tenantId) ?? { traceIds: [], statuses: [] };
      record.traceIds.push(...responses.map((response) => traceIdOf(response) ?? 'no trace header'));
      record.statuses.push(...responses.map((response) => response.status));
      sent.set(tenant.tenantId, record);
    }
  }
}, 120_000);

afterAll(() => {
  for (const client of [logs, xray]) client?.destroy();
});

/** The tenant's product-request traces. */
const tracesOf = (tenantId: string): Promise<TraceSummary[]> =>
  traceSummaries(xray, `annotation.tenantId = "${tenantId}" AND http.url CONTAINS "/products"`, started);

const requestLinesOf = async (tenantId: string): Promise<FilteredLogEvent[]> =>
  linesMatching(logs, await productsLogGroup(logs), `{ $.tenantId = "${tenantId}" && $.message = "request" }`, started);

describe('telemetry of overlapping requests of two tenants', () => {
  it('answers every overlapping request, each with its own trace', () => {
    for (const tenant of [a, b]) {
      const record = sent.get(tenant.tenantId);
      expect(record?.statuses).toEqual(Array.from({ length: ROUNDS }, () => [201, 200, 404]).flat());
      expect(new Set(record?.traceIds).size).toBe(ROUNDS * 3);
    }
  });

  it("finds by annotation.tenantId exactly one tenant's traces, none of the other's", async () => {
    for (const [tenant, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const expected = [...(sent.get(tenant.tenantId)?.traceIds ?? [])].sort();

      const found = await waitFor(
        async () => {
          const summaries = await tracesOf(tenant.tenantId);
          const ids = new Set(summaries.map((summary) => summary.Id));
          return expected.every((id) => ids.has(id)) ? summaries : undefined;
        },
        `the traces of ${tenant.tenantName}`,
        20_000,
      );

      expect(found.map((summary) => summary.Id).sort()).toEqual(expected);
      const annotated = found.flatMap((summary) =>
        (summary.Annotations?.tenantId ?? []).map((value) => value.AnnotationValue?.StringValue),
      );
      expect(new Set(annotated)).toEqual(new Set([tenant.tenantId]));
      const othersIds = new Set(sent.get(other.tenantId)?.traceIds);
      expect(found.filter((summary) => othersIds.has(summary.Id as string))).toEqual([]);
    }
  });

  it("finds by a JSON filter pattern exactly one tenant's request lines, each in that tenant's trace", async () => {
    for (const tenant of [a, b]) {
      const traceIds = new Set(sent.get(tenant.tenantId)?.traceIds);

      const lines = await waitFor(
        async () => {
          const events = await requestLinesOf(tenant.tenantId);
          return events.length >= ROUNDS * 3 ? events : undefined;
        },
        `the request lines of ${tenant.tenantName}`,
        10_000,
      );

      const parsed = lines.map((event) => JSON.parse(event.message as string));
      expect(parsed).toHaveLength(ROUNDS * 3);
      expect(parsed.map((line) => line.tenantId)).toEqual(parsed.map(() => tenant.tenantId));
      expect(parsed.map((line) => line.statusCode).sort()).toEqual(
        Array.from({ length: ROUNDS }, () => [200, 201, 404])
          .flat()
          .sort(),
      );
      // Powertools writes the invocation's trace id into each line: the environment's own.
      expect(parsed.filter((line) => !traceIds.has(String(line.xray_trace_id)))).toEqual([]);
    }
  });
});
