import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, ValidationError } from '../../contracts/errors';
import { findRoute } from '../../contracts/routes';
import { type AuditSink, auditEntryOf } from './audit-trail';

/** Headers on every response: JSON, and CORS for the browser apps (the APIs are token-protected). */
const BASE_HEADERS = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
} as const;

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...BASE_HEADERS }, body: JSON.stringify(body) };
}

/** Parses the JSON body as an object; anything else is a 400 naming `body`. */
export function parseJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Record<string, unknown> {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw === null || raw === undefined || raw.trim() === '') {
    throw new ValidationError([{ field: 'body', message: 'is required (a JSON object)' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return parsed as Record<string, unknown>;
}

/** Reads a path parameter the route guarantees (REST APIs pass it still percent-encoded). */
export function pathParam(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError([{ field: name, message: 'is required' }]);
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape (e.g. `%E0%A4%A`) is bad input, not a server error.
    throw new ValidationError([{ field: name, message: 'is not valid percent-encoding' }]);
  }
}

/** Maps an error to its response: HTTP errors by status, anything else as a 500 without details. */
export function errorResponse(error: unknown, log: (message: string, error: unknown) => void): APIGatewayProxyResult {
  if (error instanceof ValidationError) return json(400, { message: error.message, errors: error.errors });
  if (error instanceof HttpError) {
    const field = (error as { field?: string }).field;
    return json(
      error.statusCode,
      field ? { message: error.message, errors: [{ field, message: error.message }] } : { message: error.message },
    );
  }
  log('Unhandled error', error);
  return json(500, { message: 'Internal server error' });
}

export type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Options of {@link router}. */
export interface RouterOptions {
  /**
   * Where the control plane's audited routes (the route table's `audit` action) record each call,
   * refused ones too; a failed write is logged, never turned into a failed request.
   */
  readonly audit?: AuditSink;
  readonly now?: () => Date;
}

/**
 * Dispatches by `METHOD resource` (the API Gateway resource template, e.g.
 * `GET /products/{productId}`) and maps thrown errors at this one boundary.
 */
export function router(
  routes: Readonly<Record<string, Route>>,
  log: (message: string, error: unknown) => void,
  options: RouterOptions = {},
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    if (!route) return json(404, { message: `No route for ${event.httpMethod} ${event.resource}` });
    let response: APIGatewayProxyResult;
    try {
      response = await route(event);
    } catch (error) {
      response = errorResponse(error, log);
    }
    const action = options.audit && findRoute('control-plane', event.httpMethod, event.resource)?.audit;
    if (options.audit && action) {
      const entry = auditEntryOf(action, event, response, (options.now ?? (() => new Date()))());
      await options.audit(entry).catch((error) => log('Audit entry not written', error));
    }
    return response;
  };
}
