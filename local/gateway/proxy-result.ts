/**
 * Maps a Lambda proxy-integration result (`{statusCode, headers, multiValueHeaders, body,
 * isBase64Encoded}`) to an HTTP reply the way API Gateway does, and says why a result is
 * malformed (API Gateway answers those with 502). Pure.
 */

/** An HTTP reply: status, headers (name as given → values), body bytes. */
export interface HttpReply {
  readonly statusCode: number;
  readonly headers: ReadonlyMap<string, { readonly name: string; readonly values: readonly string[] }>;
  readonly body: Buffer;
}

/** Outcome of {@link interpretProxyResult}. */
export type ProxyResultOutcome =
  | { readonly ok: true; readonly reply: HttpReply }
  | { readonly ok: false; readonly reason: string };

// The gateway owns framing; a function cannot set these (API Gateway remaps them).
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Validates a proxy result; `ok: false` means "Malformed Lambda proxy response" (502). */
export function interpretProxyResult(result: unknown): ProxyResultOutcome {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return { ok: false, reason: 'result is not an object' };
  }
  const output = result as Record<string, unknown>;
  const rawStatus = output.statusCode;
  const statusCode = typeof rawStatus === 'string' && /^\d+$/.test(rawStatus) ? Number(rawStatus) : rawStatus;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, reason: `statusCode must be an integer 100-599, got ${JSON.stringify(rawStatus)}` };
  }

  const headers = new Map<string, { name: string; values: string[] }>();
  // API Gateway merges both maps; for a name present in both, multiValueHeaders wins.
  if (output.multiValueHeaders !== undefined && output.multiValueHeaders !== null) {
    if (typeof output.multiValueHeaders !== 'object' || Array.isArray(output.multiValueHeaders)) {
      return { ok: false, reason: 'multiValueHeaders must be an object' };
    }
    for (const [name, raw] of Object.entries(output.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(raw)) return { ok: false, reason: `multiValueHeaders.${name} must be a list` };
      const values: string[] = [];
      for (const item of raw) {
        const text = headerText(item);
        if (text === undefined) return { ok: false, reason: `multiValueHeaders.${name} holds a non-scalar` };
        values.push(text);
      }
      const key = name.toLowerCase();
      const existing = headers.get(key);
      if (existing) existing.values.push(...values);
      else headers.set(key, { name, values });
    }
  }
  if (output.headers !== undefined && output.headers !== null) {
    if (typeof output.headers !== 'object' || Array.isArray(output.headers)) {
      return { ok: false, reason: 'headers must be an object' };
    }
    for (const [name, raw] of Object.entries(output.headers as Record<string, unknown>)) {
      const text = headerText(raw);
      if (text === undefined) return { ok: false, reason: `headers.${name} must be a string` };
      const key = name.toLowerCase();
      if (!headers.has(key)) headers.set(key, { name, values: [text] });
    }
  }
  for (const key of FRAMING_HEADERS) headers.delete(key);

  const rawBody = output.body;
  if (rawBody !== undefined && rawBody !== null && typeof rawBody !== 'string') {
    return { ok: false, reason: 'body must be a string' };
  }
  const isBase64Encoded = output.isBase64Encoded;
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return { ok: false, reason: 'isBase64Encoded must be a boolean' };
  }
  const text = rawBody ?? '';
  const body = isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');

  // Lambda proxy responses without a content type get application/json from API Gateway.
  if (!headers.has('content-type')) headers.set('content-type', { name: 'Content-Type', values: ['application/json'] });
  return { ok: true, reply: { statusCode, headers, body } };
}
