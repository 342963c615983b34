/**
 * A method's integration: a MOCK answers with its static response; a Lambda proxy (AWS_PROXY)
 * invokes the function with the proxy event and maps its result, or answers with the gateway
 * response API Gateway gives for a timeout, a function error or a malformed result.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import type { InvokeWithin } from './invoke-within';
import { type HttpReply, interpretProxyResult } from './proxy-result';
import type { MethodModel } from './types';

/** The reply to send, or the gateway response that replaces it. */
export type IntegrationResult =
  | { readonly ok: true; readonly reply: HttpReply }
  | { readonly ok: false; readonly response: GatewayResponse };

/** What the Lambda proxy integration needs from the gateway. */
export interface LambdaProxyDeps {
  readonly invoke: InvokeWithin;
  readonly timeoutMs: number;
  readonly log: (message: string, detail?: unknown) => void;
}

/** Strips the single quotes of a static mapping value (`'*'` in a template means the string `*`). */
function staticValue(value: string): string {
  return value.length >= 2 && value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
}

/** A MOCK integration's reply: its status and response headers, no body. */
export function mockReply(integration: Extract<MethodModel['integration'], { type: 'MOCK' }>): HttpReply {
  const headers = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of Object.entries(integration.responseHeaders)) {
    headers.set(name.toLowerCase(), { name, values: [staticValue(value)] });
  }
  return { statusCode: integration.statusCode, headers, body: Buffer.alloc(0) };
}

/** Whether Node would send every header of `reply`: checked before any is set, so a bad one is a clean 502. */
export function headersValid(reply: HttpReply): boolean {
  try {
    for (const { name, values } of reply.headers.values()) {
      validateHeaderName(name);
      for (const value of values) validateHeaderValue(name, value);
    }
    return true;
  } catch {
    return false;
  }
}

/** Invokes `functionName` with the proxy `event` and maps what it returned. */
export async function invokeLambdaProxy(
  deps: LambdaProxyDeps,
  functionName: string,
  event: unknown,
  requestId: string,
): Promise<IntegrationResult> {
  const settled = await deps.invoke(functionName, event);
  if (settled.kind === 'timeout') {
    deps.log(`local gateway: ${functionName} timed out after ${deps.timeoutMs} ms`, { requestId });
    return { ok: false, response: GATEWAY_RESPONSES.INTEGRATION_TIMEOUT };
  }
  if (settled.kind === 'error') {
    deps.log(`local gateway: ${functionName} failed`, { requestId, error: settled.error });
    return { ok: false, response: GATEWAY_RESPONSES.INTEGRATION_FAILURE };
  }
  const mapped = interpretProxyResult(settled.value);
  if (!mapped.ok || !headersValid(mapped.reply)) {
    const reason = mapped.ok ? 'invalid header name or value' : mapped.reason;
    deps.log(`local gateway: malformed Lambda proxy response from ${functionName}: ${reason}`, { requestId });
    return { ok: false, response: GATEWAY_RESPONSES.INTEGRATION_FAILURE };
  }
  return { ok: true, reply: mapped.reply };
}
