/**
 * Turns the raw parts of an HTTP request into the maps API Gateway puts into its events
 * (single- and multi-value headers and query strings) and reads authorizer identity sources.
 * Pure: no sockets.
 */

/** Single- and multi-value maps, `null` when empty (as in API Gateway's events). */
export interface ValueMaps {
  readonly single: Record<string, string> | null;
  readonly multi: Record<string, string[]> | null;
}

function toMaps(pairs: Iterable<readonly [string, string]>): ValueMaps {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  let any = false;
  for (const [name, value] of pairs) {
    any = true;
    // The single-value map keeps the last value, like API Gateway.
    single[name] = value;
    const values = multi[name];
    if (values) values.push(value);
    else multi[name] = [value];
  }
  return any ? { single, multi } : { single: null, multi: null };
}

/**
 * Header maps from Node's `rawHeaders` (alternating names and values), which keep the
 * client's casing and repeated headers, both of which API Gateway preserves.
 */
export function headerMaps(rawHeaders: readonly string[]): ValueMaps {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  }
  return toMaps(pairs);
}

/** Query-string maps from the raw query (without `?`), form-decoded. */
export function queryMaps(rawQuery: string): ValueMaps {
  if (rawQuery.length === 0) return { single: null, multi: null };
  return toMaps(new URLSearchParams(rawQuery));
}

/** A header's values, matched case-insensitively (HTTP header names are). */
export function headerValues(multi: Record<string, string[]> | null, name: string): string[] | undefined {
  if (!multi) return undefined;
  const wanted = name.toLowerCase();
  let found: string[] | undefined;
  for (const [key, values] of Object.entries(multi)) {
    if (key.toLowerCase() === wanted) found = found ? [...found, ...values] : values;
  }
  return found;
}

/** A header's value (the last one if repeated). */
export function headerValue(multi: Record<string, string[]> | null, name: string): string | undefined {
  const values = headerValues(multi, name);
  return values?.[values.length - 1];
}

/**
 * The raw headers with the X-Forwarded-* headers API Gateway adds for its integrations (each
 * only if the client did not send it).
 */
export function withForwardedHeaders(rawHeaders: readonly string[], sourceIp: string, port: string): string[] {
  const incoming = headerMaps(rawHeaders).multi;
  const headers = [...rawHeaders];
  if (headerValue(incoming, 'x-forwarded-for') === undefined) headers.push('X-Forwarded-For', sourceIp);
  if (headerValue(incoming, 'x-forwarded-port') === undefined) headers.push('X-Forwarded-Port', port);
  if (headerValue(incoming, 'x-forwarded-proto') === undefined) headers.push('X-Forwarded-Proto', 'http');
  return headers;
}

/** Percent-decodes one path segment; a malformed escape is kept as sent rather than failing. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** What an identity-source expression can read. */
export interface IdentityInputs {
  readonly multiValueHeaders: Record<string, string[]> | null;
  readonly multiValueQueryStringParameters: Record<string, string[]> | null;
  readonly stageVariables: Record<string, string> | null;
  /** The request context (for `context.*` sources such as `context.identity.sourceIp`). */
  readonly requestContext: unknown;
}

/** Splits `identitySource` (comma-separated, spaces tolerated) into expressions. */
export function parseIdentitySource(identitySource: string): string[] {
  return identitySource
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function contextValue(context: unknown, path: string): string | undefined {
  let current: unknown = context;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return undefined;
}

/** Thrown for an identity-source expression API Gateway would not accept. */
export class IdentitySourceError extends Error {
  override readonly name = 'IdentitySourceError';
}

/**
 * The value of one identity-source expression, or `undefined` if the request lacks it (an
 * empty value counts as missing, as in API Gateway). Multi-value sources join with `,`.
 */
export function identityValue(expression: string, inputs: IdentityInputs): string | undefined {
  const nonEmpty = (value: string | undefined): string | undefined =>
    value === undefined || value.length === 0 ? undefined : value;
  const lower = expression.toLowerCase();
  const rest = (prefix: string): string => expression.slice(prefix.length);
  if (lower.startsWith('method.request.header.')) {
    return nonEmpty(headerValue(inputs.multiValueHeaders, rest('method.request.header.')));
  }
  if (lower.startsWith('method.request.multivalueheader.')) {
    return nonEmpty(headerValues(inputs.multiValueHeaders, rest('method.request.multivalueheader.'))?.join(','));
  }
  if (lower.startsWith('method.request.querystring.')) {
    const values = inputs.multiValueQueryStringParameters?.[rest('method.request.querystring.')];
    return nonEmpty(values?.[values.length - 1]);
  }
  if (lower.startsWith('method.request.multivaluequerystring.')) {
    return nonEmpty(inputs.multiValueQueryStringParameters?.[rest('method.request.multivaluequerystring.')]?.join(','));
  }
  if (lower.startsWith('stagevariables.')) {
    return nonEmpty(inputs.stageVariables?.[rest('stageVariables.')]);
  }
  if (lower.startsWith('context.')) {
    return nonEmpty(contextValue(inputs.requestContext, rest('context.')));
  }
  throw new IdentitySourceError(`unsupported identity source: ${expression}`);
}
