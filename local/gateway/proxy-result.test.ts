import { describe, expect, it } from 'vitest';
import { interpretProxyResult } from './proxy-result';

function headersOf(result: unknown): Record<string, readonly string[]> {
  const outcome = interpretProxyResult(result);
  if (!outcome.ok) throw new Error(outcome.reason);
  return Object.fromEntries([...outcome.reply.headers.values()].map(({ name, values }) => [name, values]));
}

describe('interpretProxyResult', () => {
  it('maps status, headers and body', () => {
    const outcome = interpretProxyResult({ statusCode: 201, headers: { 'X-A': 'b' }, body: '{"id":1}' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.reply.statusCode).toBe(201);
    expect(outcome.reply.body.toString()).toBe('{"id":1}');
    expect(headersOf({ statusCode: 201, headers: { 'X-A': 'b' } })).toEqual({
      'X-A': ['b'],
      'Content-Type': ['application/json'],
    });
  });

  it('lets multiValueHeaders win over headers for the same name', () => {
    expect(
      headersOf({
        statusCode: 200,
        headers: { 'set-cookie': 'c=0', 'Content-Type': 'text/plain', 'X-N': 5 },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      }),
    ).toEqual({ 'Set-Cookie': ['a=1', 'b=2'], 'Content-Type': ['text/plain'], 'X-N': ['5'] });
  });

  it('decodes a base64 body and drops framing headers', () => {
    const outcome = interpretProxyResult({
      statusCode: '200',
      headers: { 'Content-Length': '999', 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect([...outcome.reply.body]).toEqual([0, 1, 2]);
    expect(outcome.reply.headers.has('content-length')).toBe(false);
  });

  it('accepts a missing body as empty', () => {
    const outcome = interpretProxyResult({ statusCode: 204 });
    expect(outcome.ok && outcome.reply.body.length).toBe(0);
  });

  it('rejects what API Gateway calls a malformed Lambda proxy response', () => {
    for (const bad of [
      undefined,
      'ok',
      [],
      {},
      { statusCode: 99 },
      { statusCode: 200.5 },
      { statusCode: 200, body: { a: 1 } },
      { statusCode: 200, headers: { a: { b: 1 } } },
      { statusCode: 200, multiValueHeaders: { a: 'b' } },
      { statusCode: 200, isBase64Encoded: 'yes' },
    ]) {
      expect(interpretProxyResult(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
