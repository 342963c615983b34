import { describe, expect, it } from 'vitest';
import { matchesFilter } from './filter-evaluator';
import { FilterExpressionError, parseFilterExpression } from './filter-expression';
import type { SegmentDocument } from './segment-document';
import { type TraceFacts, traceFactsOf } from './trace-facts';

const TRACE_ID = '1-67000000-0123456789abcdef01234567';
const T = 1_800_000_000;

/** A request through API Gateway to a function that reads DynamoDB (the function's subsegments nested). */
function trace(opts: {
  status: number;
  url?: string;
  tenantId?: string;
  tier?: string;
  seconds?: number;
  dynamoError?: boolean;
}): TraceFacts {
  const seconds = opts.seconds ?? 0.2;
  const gateway: SegmentDocument = {
    id: 'a000000000000001',
    trace_id: TRACE_ID,
    name: 'tenant-api/prod',
    origin: 'AWS::ApiGateway::Stage',
    start_time: T,
    end_time: T + seconds,
    http: {
      request: {
        method: 'GET',
        url: opts.url ?? 'http://127.0.0.1:4000/restapis/x/prod/products',
        client_ip: '127.0.0.1',
      },
      response: { status: opts.status },
    },
    fault: opts.status >= 500,
    error: opts.status >= 400 && opts.status < 500,
    throttle: opts.status === 429,
    subsegments: [{ id: 'a000000000000002', name: 'Lambda', namespace: 'aws', start_time: T, end_time: T + seconds }],
  };
  const fn: SegmentDocument = {
    id: 'b000000000000001',
    trace_id: TRACE_ID,
    parent_id: 'a000000000000002',
    name: 'products',
    origin: 'AWS::Lambda::Function',
    start_time: T + 0.01,
    end_time: T + seconds - 0.01,
    user: 'alice',
    subsegments: [
      {
        id: 'b000000000000002',
        name: '## index.handler',
        start_time: T + 0.02,
        end_time: T + 0.05,
        annotations: {
          ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
          ...(opts.tier ? { tier: opts.tier } : {}),
          items: 3,
          cold: true,
        },
        subsegments: [
          {
            id: 'b000000000000003',
            name: 'DynamoDB',
            namespace: 'aws',
            start_time: T + 0.03,
            end_time: T + 0.04,
            error: opts.dynamoError === true,
          },
        ],
      },
    ],
  };
  return traceFactsOf(TRACE_ID, [gateway, fn]);
}

const ok = trace({ status: 200, tenantId: 'abc', tier: 'PLATINUM' });
const slow = trace({ status: 200, tenantId: 'xyz', tier: 'BASIC', seconds: 1.5 });
const failed = trace({ status: 500, tenantId: 'abc', tier: 'BASIC', url: 'http://h/restapis/x/prod/orders' });
const throttled = trace({ status: 429, tenantId: 'abc', tier: 'BASIC' });
const dynamoFailed = trace({ status: 200, tenantId: 'abc', dynamoError: true });

describe('filter expressions', () => {
  const cases: [string, TraceFacts, boolean][] = [
    ['annotation.tenantId = "abc"', ok, true],
    ['annotation.tenantId = "abc"', slow, false],
    ['annotation.tier = "PLATINUM"', ok, true],
    ['annotation.tier != "PLATINUM"', slow, true],
    ['annotation.tier BEGINSWITH "PLAT"', ok, true],
    ['annotation.items >= 3', ok, true],
    ['annotation.items > 3', ok, false],
    ['annotation.cold = true', ok, true],
    ['annotation.items = "3"', ok, false],
    ['annotation.missing = "x"', ok, false],
    ['annotation.missing != "x"', ok, false],
    ['service("products")', ok, true],
    ['service("orders")', ok, false],
    ['service("DynamoDB")', ok, true],
    ['service("Lambda")', ok, false],
    ['service(id(name: "products", type: "AWS::Lambda::Function"))', ok, true],
    ['service(id(name: "products", type: "AWS::Lambda"))', ok, false],
    ['service("tenant-api/prod") { fault }', failed, true],
    ['service("products") { fault }', failed, false],
    ['service() { error = true }', dynamoFailed, true],
    ['service("products") { annotation.tenantId = "abc" }', ok, true],
    ['service("tenant-api/prod") { annotation.tenantId = "abc" }', ok, false],
    ['service("products") { responsetime > 1 }', slow, true],
    ['responsetime > 0.5', slow, true],
    ['responsetime > 0.5', ok, false],
    ['duration >= 1', slow, true],
    ['duration < 1', ok, true],
    ['fault', failed, true],
    ['fault', ok, false],
    ['fault = false', ok, true],
    ['fault != true', failed, false],
    ['!fault', ok, true],
    ['error', throttled, true],
    ['throttle', throttled, true],
    ['throttle', failed, false],
    ['error', dynamoFailed, true],
    ['ok', ok, true],
    ['ok', dynamoFailed, false],
    ['partial', ok, false],
    ['http.status = 500', failed, true],
    ['http.status = 500', ok, false],
    ['http.status >= 400 AND http.status < 500', throttled, true],
    ['http.url CONTAINS "products"', ok, true],
    ['http.url CONTAINS "products"', failed, false],
    ['http.url ENDSWITH "/orders"', failed, true],
    ['http.method = "GET"', ok, true],
    ['http.clientip = "127.0.0.1"', ok, true],
    ['user = "alice"', ok, true],
    ['annotation.tenantId = "abc" AND fault', failed, true],
    ['annotation.tenantId = "abc" AND fault', ok, false],
    ['annotation.tier = "PLATINUM" OR fault', failed, true],
    ['annotation.tier = "PLATINUM" OR fault', slow, false],
    ['!(annotation.tier = "PLATINUM" OR fault)', slow, true],
    ['annotation.tenantId = "abc" AND (fault OR throttle)', throttled, true],
    ['annotation.tenantId = "abc" && !fault || responsetime > 1', slow, true],
    ['fault OR error AND annotation.tier = "GOLD"', failed, true],
    ['annotation.tenantId = "abc" and service("products") { !fault }', ok, true],
  ];

  it.each(cases)('%s → %s', (expression, facts, expected) => {
    expect(matchesFilter(parseFilterExpression(expression), facts)).toBe(expected);
  });

  it('binds AND tighter than OR, and ! tighter than both', () => {
    expect(parseFilterExpression('fault OR error AND !throttle')).toEqual({
      kind: 'or',
      left: { kind: 'flag', flag: 'fault', value: true },
      right: {
        kind: 'and',
        left: { kind: 'flag', flag: 'error', value: true },
        right: { kind: 'not', operand: { kind: 'flag', flag: 'throttle', value: true } },
      },
    });
  });

  it('reads string escapes', () => {
    expect(parseFilterExpression('annotation.note = "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
  });

  it('asks a group for its filter', () => {
    const filter = parseFilterExpression('group.name = "platinum" AND !fault');
    const groups = () => parseFilterExpression('annotation.tier = "PLATINUM"');
    expect(matchesFilter(filter, ok, groups)).toBe(true);
    expect(matchesFilter(filter, slow, groups)).toBe(false);
  });

  const errors: [string, RegExp][] = [
    ['', /empty/],
    ['fault AND', /Expected a keyword/],
    ['(fault', /Expected '\)'/],
    ['fault)', /Unexpected '\)'/],
    ['annotation.tenantId', /takes one of/],
    ['annotation.tenantId CONTAINS 3', /does not compare a number/],
    ['annotation.tenantId > "abc"', /does not compare a string/],
    ['annotation.tenant-id = "x"', /Unexpected character '-'|takes one of/],
    ['responsetime > "slow"', /Expected a number/],
    ['responsetime CONTAINS 1', /takes one of/],
    ['http.url = products', /Expected a string/],
    ['http.status', /takes one of/],
    ['fault = yes', /Expected true or false/],
    ['edge("a", "b")', /Unknown or unsupported keyword 'edge'/],
    ['rootcause.fault.entity { name = "x" }', /Unknown or unsupported keyword/],
    ['tenantId = "abc"', /Unknown or unsupported keyword 'tenantId'/],
    ['service("a") { service("b") }', /cannot be used inside service/],
    ['service("a" { fault }', /Expected '\)'/],
    ['service(id(region: "x"))', /id\(\) takes name and type/],
    ['annotation.x = "open', /Unterminated string/],
    ['fault # error', /Unexpected character '#'/],
  ];

  it.each(errors)('refuses %j', (expression, message) => {
    expect(() => parseFilterExpression(expression)).toThrow(FilterExpressionError);
    expect(() => parseFilterExpression(expression)).toThrow(message);
  });
});
