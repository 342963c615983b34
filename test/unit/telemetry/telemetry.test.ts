import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../contracts/errors';
import {
  collectLogLines,
  collectTraces,
  decodeLogCursor,
  decodeTraceCursor,
  encodeLogCursor,
  encodeTraceCursor,
  type LogEventInput,
  type LogSource,
  logGroupsOf,
  logLineOf,
  parseWindow,
  type SegmentDocumentInput,
  type TelemetryDeps,
  type TraceSummaryInput,
  tenantLogFilter,
  tenantLogs,
  tenantTraceFilter,
  tenantTraces,
  traceDetail,
  waterfallOf,
} from '../../../functions/telemetry/telemetry';

const TENANT = '0b7c6f0e-1d2a-4c3b-9e8f-123456789abc';
const NOW = new Date('2025-03-01T12:00:00.000Z');
const window = { from: new Date('2025-03-01T11:00:00Z'), to: NOW };

/** The field a ValidationError names. */
async function fieldOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors[0]?.field;
    throw error;
  }
  return undefined;
}

describe('filter building', () => {
  it('builds the X-Ray filter expression and the JSON filter pattern of a tenant', () => {
    expect(tenantTraceFilter(TENANT)).toBe(`annotation.tenantId = "${TENANT}"`);
    expect(tenantLogFilter(TENANT)).toBe(`{ $.tenantId = "${TENANT}" }`);
    expect(tenantLogFilter(TENANT, 'ERROR')).toBe(`{ $.tenantId = "${TENANT}" && $.level = "ERROR" }`);
  });

  it('refuses a tenant id that would escape the filter (no filter-expression injection)', async () => {
    const injections = [
      `${TENANT}" OR annotation.tenantId != "`,
      `${TENANT}" || $.tenantId = *`,
      '*',
      `${TENANT.toUpperCase()}`,
      `${TENANT}\n`,
    ];
    for (const tenantId of injections) {
      expect(await fieldOf(() => tenantTraceFilter(tenantId))).toBe('tenantId');
      expect(await fieldOf(() => tenantLogFilter(tenantId))).toBe('tenantId');
    }
  });
});

describe('window and query validation', () => {
  it('defaults to the last hour and takes ISO date-times', () => {
    expect(parseWindow(null, NOW)).toEqual(window);
    expect(parseWindow({ from: '2025-03-01T10:30:00Z', to: '2025-03-01T11:00:00.000+00:00' }, NOW)).toEqual({
      from: new Date('2025-03-01T10:30:00Z'),
      to: new Date('2025-03-01T11:00:00Z'),
    });
  });

  it('names the field of a bad from, to, limit, level or nextToken', async () => {
    const deps = fakeDeps({});
    const cases: [Record<string, string>, string][] = [
      [{ from: 'yesterday' }, 'from'],
      [{ from: '1700000000' }, 'from'],
      [{ to: '2025-02-30T25:00:00Z' }, 'to'],
      [{ from: '2025-03-01T11:00:00Z', to: '2025-03-01T10:00:00Z' }, 'to'],
      [{ from: '2025-02-28T11:59:59Z', to: '2025-03-01T12:00:00Z' }, 'from'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ level: 'info' }, 'level'],
      [{ nextToken: 'not-a-token' }, 'nextToken'],
    ];
    for (const [query, field] of cases) {
      expect(await fieldOf(() => tenantLogs(deps, TENANT, query)), JSON.stringify(query)).toBe(field);
      if (field !== 'level')
        expect(await fieldOf(() => tenantTraces(deps, TENANT, query)), JSON.stringify(query)).toBe(field);
    }
    expect(await fieldOf(() => tenantTraces(deps, 'not-a-tenant', {}))).toBe('tenantId');
    expect(await fieldOf(() => traceDetail(deps, 'not-a-trace'))).toBe('traceId');
  });

  it('answers 404 for a tenant the registry does not know and for an unknown trace', async () => {
    const deps = fakeDeps({ known: false });

    await expect(tenantTraces(deps, TENANT, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(tenantLogs(deps, TENANT, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(traceDetail(deps, '1-67c2f5a0-0123456789abcdef01234567')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('page tokens', () => {
  it('round-trip the traces cursor and the logs cursor', () => {
    const traces = { xrayToken: 'opaque==', skip: 7 };
    const logs = {
      timestamp: 1_740_830_400_123,
      logGroup: 'tenantflow-pooled-ProductsFunctionLogGroup-1',
      eventId: '42',
    };

    expect(decodeTraceCursor(encodeTraceCursor(traces))).toEqual(traces);
    expect(decodeTraceCursor(encodeTraceCursor({ skip: 0 }))).toEqual({ skip: 0, xrayToken: undefined });
    expect(decodeLogCursor(encodeLogCursor(logs))).toEqual(logs);
  });

  it('refuses forged tokens', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const token of [forged({ s: -1 }), forged({ s: 1, x: 3 }), forged([1, 2]), 'e30']) {
      expect(await fieldOf(() => decodeTraceCursor(token))).toBe('nextToken');
    }
    for (const token of [forged({ t: 'x', g: 'g', e: '1' }), forged({ t: 1, g: 2, e: '1' }), forged(null)]) {
      expect(await fieldOf(() => decodeLogCursor(token))).toBe('nextToken');
    }
  });
});

describe('traces', () => {
  const summary = (id: string, second: number): TraceSummaryInput => ({
    Id: id,
    StartTime: new Date(Date.UTC(2025, 2, 1, 11, 30, second)),
    Duration: 0.0425,
    HasFault: false,
    HasError: second === 2,
    HasThrottle: false,
    Http: { HttpMethod: 'GET', HttpURL: 'http://127.0.0.1:4000/tenant-api/prod/products?limit=5', HttpStatus: 200 },
  });

  it('lists summaries newest first with the request, its status and its flags', async () => {
    const source = { summaries: async () => ({ summaries: [summary('1-a', 1), summary('1-b', 2)] }) };

    const page = await collectTraces(source, 'f', window, 50, { skip: 0 });

    expect(page).toEqual({
      items: [
        {
          traceId: '1-b',
          at: '2025-03-01T11:30:02.000Z',
          durationMs: 42.5,
          method: 'GET',
          path: '/tenant-api/prod/products',
          status: 200,
          fault: false,
          error: true,
          throttle: false,
        },
        expect.objectContaining({ traceId: '1-a', error: false }),
      ],
    });
  });

  it('pages through X-Ray pages and resumes mid-page where the last page stopped', async () => {
    const pages: Record<string, { summaries: TraceSummaryInput[]; nextToken?: string }> = {
      first: { summaries: [summary('1-c', 3), summary('1-b', 2)], nextToken: 'second' },
      second: { summaries: [summary('1-a', 1)] },
    };
    const asked: (string | undefined)[] = [];
    const source = {
      summaries: async (_filter: string, _window: unknown, token?: string) => {
        asked.push(token);
        return pages[token ?? 'first'] as { summaries: TraceSummaryInput[]; nextToken?: string };
      },
    };
    const seen: string[] = [];

    let cursor = decodeTraceCursor(undefined);
    for (let i = 0; i < 5; i++) {
      const page = await collectTraces(source, 'f', window, 1, cursor);
      seen.push(...page.items.map((item) => item.traceId));
      if (!page.nextToken) break;
      cursor = decodeTraceCursor(page.nextToken);
    }

    expect(seen).toEqual(['1-c', '1-b', '1-a']);
    expect(asked).toEqual([undefined, undefined, 'second']);
  });

  it('flattens segments and nested subsegments into a waterfall, depth-first in start order', () => {
    const t0 = 1_740_828_600;
    const documents: SegmentDocumentInput[] = [
      // The function segment arrives before the gateway's; it hangs under the Lambda segment.
      {
        id: 'fn',
        name: 'ProductsFunction',
        origin: 'AWS::Lambda::Function',
        parent_id: 'lambda',
        start_time: t0 + 0.02,
        end_time: t0 + 0.09,
        annotations: { tenantId: TENANT },
        subsegments: [
          {
            id: 'handler',
            name: '## index.handler',
            start_time: t0 + 0.021,
            end_time: t0 + 0.088,
            subsegments: [
              {
                id: 'ddb2',
                name: 'DynamoDB',
                start_time: t0 + 0.05,
                end_time: t0 + 0.06,
                aws: { operation: 'PutItem' },
                http: { response: { status: 200 } },
              },
              {
                id: 'ddb1',
                name: 'DynamoDB',
                start_time: t0 + 0.03,
                end_time: t0 + 0.045,
                aws: { operation: 'GetItem' },
                fault: true,
              },
            ],
          },
        ],
      },
      {
        id: 'lambda',
        name: 'ProductsFunction',
        origin: 'AWS::Lambda',
        parent_id: 'gw-sub',
        start_time: t0 + 0.019,
        end_time: t0 + 0.095,
      },
      {
        id: 'gw',
        name: 'tenantflow-pooled/prod',
        origin: 'AWS::ApiGateway::Stage',
        start_time: t0,
        end_time: t0 + 0.1,
        http: { response: { status: 201 } },
        subsegments: [
          { id: 'auth', name: 'Authorizer', start_time: t0 + 0.001, end_time: t0 + 0.015 },
          { id: 'gw-sub', name: 'Lambda', start_time: t0 + 0.018, end_time: t0 + 0.097 },
        ],
      },
    ];

    const trace = waterfallOf('1-x', documents);

    expect(trace.startedAt).toBe('2025-03-01T11:30:00.000Z');
    expect(trace.durationMs).toBe(100);
    expect(trace.tenantId).toBe(TENANT);
    expect(trace.segments.map((s) => [s.id, s.depth, s.parentId])).toEqual([
      ['gw', 0, undefined],
      ['auth', 1, 'gw'],
      ['gw-sub', 1, 'gw'],
      ['lambda', 2, 'gw-sub'],
      ['fn', 3, 'lambda'],
      ['handler', 4, 'fn'],
      ['ddb1', 5, 'handler'],
      ['ddb2', 5, 'handler'],
    ]);
    const ddb1 = trace.segments.find((s) => s.id === 'ddb1');
    expect(ddb1).toMatchObject({ startOffsetMs: 30, durationMs: 15, operation: 'GetItem', fault: true });
    expect(trace.segments[0]).toMatchObject({ origin: 'AWS::ApiGateway::Stage', status: 201, durationMs: 100 });
  });

  it('makes a segment whose parent X-Ray never received a root, and lets one in progress last to the end', () => {
    const trace = waterfallOf('1-y', [
      { id: 'a', name: 'A', parent_id: 'missing', start_time: 10, end_time: 10.5 },
      { id: 'b', name: 'B', start_time: 10.1 },
    ]);

    expect(trace.segments.map((s) => [s.id, s.depth, s.durationMs])).toEqual([
      ['a', 0, 500],
      ['b', 0, 400],
    ]);
  });
});

describe('log lines', () => {
  const line = (t: number, fields: Record<string, unknown>, id = `${t}`): LogEventInput => ({
    eventId: id,
    timestamp: t,
    message: `${JSON.stringify({ level: 'INFO', message: 'request', service: 'ProductsFunction', tenantId: TENANT, ...fields })}\n`,
  });

  it('shows a JSON line with its level, message, service and correlation id, the rest as fields', () => {
    expect(logLineOf('g', line(1_740_830_400_000, { correlation_id: 'req-1', statusCode: 200 }))).toEqual({
      timestamp: '2025-03-01T12:00:00.000Z',
      logGroup: 'g',
      level: 'INFO',
      message: 'request',
      service: 'ProductsFunction',
      correlationId: 'req-1',
      fields: { tenantId: TENANT, statusCode: 200 },
    });
  });

  /** A log source over fixed groups that pages FilterLogEvents two events at a time. */
  function source(groups: Record<string, LogEventInput[]>): Pick<LogSource, 'filter'> & { calls: number } {
    const fake = {
      calls: 0,
      async filter(group: string, _pattern: string, start: number, end: number, token?: string) {
        fake.calls++;
        const events = (groups[group] ?? []).filter((e) => (e.timestamp ?? 0) >= start && (e.timestamp ?? 0) <= end);
        const offset = token ? Number(token) : 0;
        const next = offset + 2 < events.length ? String(offset + 2) : undefined;
        return { events: events.slice(offset, offset + 2), nextToken: next };
      },
    };
    return fake;
  }

  it('merges the groups by time and pages with its own token without losing or repeating a line', async () => {
    const from = window.from.getTime();
    const groups = {
      'b-group': [
        line(from + 1, {}, 'b1'),
        line(from + 3, {}, 'b3'),
        line(from + 3, {}, 'b3bis'),
        line(from + 9, {}, 'b9'),
      ],
      'a-group': [
        line(from + 3, {}, 'a3'),
        line(from + 3, {}, 'a3bis'),
        line(from + 3, {}, 'a3ter'),
        line(from + 5, {}, 'a5'),
      ],
      'c-group': [],
    };
    const fake = source(groups);
    const seen: string[] = [];

    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await collectLogLines(fake, Object.keys(groups), 'p', window, 2, decodeLogCursor(token));
      seen.push(...page.items.map((item) => `${item.logGroup[0]}@${Date.parse(item.timestamp) - from}`));
      token = page.nextToken;
      if (!token) break;
    }

    expect(seen).toEqual(['b@1', 'a@3', 'a@3', 'a@3', 'b@3', 'b@3', 'a@5', 'b@9']);
  });

  it('reads the control plane’s and onboarding’s groups and the pooled API’s for a pool tenant, its own stack’s for a silo tenant', async () => {
    const groups = { pooledApi: ['pooled-products'], shared: ['cp-tenants', 'onboarding-store'] };
    const prefixes: string[] = [];
    const logs = {
      groupsWithPrefix: async (prefix: string) => {
        prefixes.push(prefix);
        return [`${prefix}ProductsFunctionLogGroup-X`];
      },
    };

    expect(await logGroupsOf({ tenantId: TENANT, deploymentModel: 'pool' }, groups, logs)).toEqual([
      'cp-tenants',
      'onboarding-store',
      'pooled-products',
    ]);
    expect(await logGroupsOf({ tenantId: TENANT, deploymentModel: 'silo' }, groups, logs)).toEqual([
      'cp-tenants',
      'onboarding-store',
      `tenantflow-silo-${TENANT}-ProductsFunctionLogGroup-X`,
    ]);
    expect(prefixes).toEqual([`tenantflow-silo-${TENANT}-`]);
  });

  it('filters every group with the tenant’s pattern and the level asked for', async () => {
    const patterns: string[] = [];
    const deps = fakeDeps({
      filter: async (_group, pattern) => {
        patterns.push(pattern);
        return { events: [] };
      },
    });

    await tenantLogs(deps, TENANT, { level: 'WARN' });

    expect(patterns).toEqual([
      `{ $.tenantId = "${TENANT}" && $.level = "WARN" }`,
      `{ $.tenantId = "${TENANT}" && $.level = "WARN" }`,
    ]);
  });
});

function fakeDeps(opts: { known?: boolean; filter?: LogSource['filter'] }): TelemetryDeps {
  return {
    tenants: { get: async (tenantId) => (opts.known === false ? undefined : { tenantId, deploymentModel: 'pool' }) },
    traces: { summaries: async () => ({ summaries: [] }), segments: async () => undefined },
    logs: { filter: opts.filter ?? (async () => ({ events: [] })), groupsWithPrefix: async () => [] },
    logGroups: { pooledApi: ['pooled'], shared: ['shared'] },
    now: () => NOW,
  };
}
