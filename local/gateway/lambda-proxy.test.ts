import { describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSES } from './gateway-responses';
import { invokeWithin, type Settled } from './invoke-within';
import { headersValid, invokeLambdaProxy, mockReply } from './lambda-proxy';

function deps(answer: Settled<unknown>) {
  const logged: string[] = [];
  return { deps: { invoke: async () => answer, timeoutMs: 50, log: (m: string) => logged.push(m) }, logged };
}

describe('mockReply', () => {
  it('answers with the status and the static headers, quotes stripped', () => {
    const reply = mockReply({
      type: 'MOCK',
      statusCode: 204,
      responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
    });

    expect(reply.statusCode).toBe(204);
    expect([...reply.headers.values()]).toEqual([{ name: 'Access-Control-Allow-Origin', values: ['*'] }]);
    expect(reply.body.length).toBe(0);
  });
});

describe('invokeLambdaProxy', () => {
  it('maps the function result to its reply', async () => {
    const { deps: d } = deps({ kind: 'value', value: { statusCode: 201, body: '{"ok":true}' } });

    const result = await invokeLambdaProxy(d, 'fn', {}, 'req-1');

    expect(result).toMatchObject({ ok: true, reply: { statusCode: 201 } });
    expect(result.ok && result.reply.body.toString()).toBe('{"ok":true}');
  });

  it('answers 504 for a timeout and 502 for a function error or a malformed result, logging each', async () => {
    const cases: Array<[Settled<unknown>, unknown]> = [
      [{ kind: 'timeout' }, GATEWAY_RESPONSES.INTEGRATION_TIMEOUT],
      [{ kind: 'error', error: new Error('crash') }, GATEWAY_RESPONSES.INTEGRATION_FAILURE],
      [{ kind: 'value', value: { statusCode: 200, body: {} } }, GATEWAY_RESPONSES.INTEGRATION_FAILURE],
      [
        { kind: 'value', value: { statusCode: 200, headers: { 'Bad Name': 'x' } } },
        GATEWAY_RESPONSES.INTEGRATION_FAILURE,
      ],
    ];
    for (const [answer, response] of cases) {
      const { deps: d, logged } = deps(answer);
      expect(await invokeLambdaProxy(d, 'fn', {}, 'req-1')).toEqual({ ok: false, response });
      expect(logged).toHaveLength(1);
    }
  });
});

describe('headersValid', () => {
  it('refuses a header Node would not send', () => {
    const headers = (name: string, value: string) => new Map([[name.toLowerCase(), { name, values: [value] }]]);
    const reply = (name: string, value: string) => ({
      statusCode: 200,
      headers: headers(name, value),
      body: Buffer.alloc(0),
    });

    expect(headersValid(reply('X-Ok', 'yes'))).toBe(true);
    expect(headersValid(reply('X-Bad', 'line\nbreak'))).toBe(false);
  });
});

describe('invokeWithin', () => {
  it('settles a value, a rejection and a timeout', async () => {
    const invoke = invokeWithin(async (name) => {
      if (name === 'slow') return new Promise(() => undefined);
      if (name === 'reject') return Promise.reject(new Error('reject'));
      return 'done';
    }, 20);

    expect(await invoke('ok', {})).toEqual({ kind: 'value', value: 'done' });
    expect(await invoke('reject', {})).toMatchObject({ kind: 'error', error: { message: 'reject' } });
    expect(await invoke('slow', {})).toEqual({ kind: 'timeout' });
  });

  it('turns a runtime that throws synchronously into an error, not an exception', async () => {
    const invoke = invokeWithin(() => {
      throw new Error('not a function');
    }, 20);

    expect(await invoke('fn', {})).toMatchObject({ kind: 'error', error: { message: 'not a function' } });
  });
});
