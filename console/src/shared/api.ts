/** A small JSON client for the tenantflow APIs, turning every failure into words (docs/api.md "Errors"). */
import { joinUrl } from './config';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

const STATUS_WORDS: Record<number, string> = {
  401: 'Your session has expired or is not valid. Sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  409: 'This conflicts with the current state.',
  429: 'Too many requests right now. Wait a moment and try again.',
  500: 'The server failed to handle the request. Try again later.',
  501: 'This is not available yet.',
  502: 'The server failed to handle the request. Try again later.',
  503: 'The service is starting or unavailable. Try again in a moment.',
};

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

/** Called when an API answers 401, so the app can ask for a new sign-in. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export async function request<T>(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(joinUrl(base, path), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('Could not reach the server. Check your connection and try again.', 0);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const payload = (body ?? {}) as { message?: unknown; errors?: unknown };
    const fieldErrors = Array.isArray(payload.errors) ? (payload.errors as FieldError[]) : [];
    const message =
      typeof payload.message === 'string' && payload.message
        ? payload.message
        : (STATUS_WORDS[response.status] ?? `Request failed (HTTP ${response.status}).`);
    if (response.status === 401) onUnauthorized?.();
    throw new ApiError(response.status === 401 ? (STATUS_WORDS[401] as string) : message, response.status, fieldErrors);
  }
  return body as T;
}

/** A message for any error, fit to show to a person. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.map((f) => `${f.field} ${f.message}`).join('; ');
    return fields ? `${error.message}: ${fields}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** A paged list as every tenantflow API returns it. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** Every item of a paged list, page after page, at most `maxPages` pages (a bound for the views that show all). */
export async function allPages<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(next);
    items.push(...result.items);
    next = result.nextToken;
    if (!next) break;
  }
  return items;
}

/** `?limit=100` and the page token, for a list request. */
export function pageQuery(nextToken?: string, extra: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams({ limit: '100' });
  for (const [key, value] of Object.entries(extra)) if (value) query.set(key, value);
  if (nextToken) query.set('nextToken', nextToken);
  return `?${query}`;
}

/** One API with the signed-in user's ID token: the base of each app's client. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  protected call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return request<T>(this.baseUrl, method, path, { token: this.token, body, signal });
  }
}
