/**
 * Errors with an HTTP meaning. Handlers throw them from domain code; only the HTTP boundary
 * (`functions/shared/http.ts`) turns them into responses. Workflow Retry/Catch match on `name`.
 */

/** One invalid field of a request body, query or path. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** 400: the input is invalid; lists every invalid field. */
export class ValidationError extends HttpError {
  constructor(readonly errors: readonly FieldError[]) {
    super(400, errors.length === 1 ? `Invalid ${errors[0]?.field}: ${errors[0]?.message}` : 'Invalid request');
    this.name = 'ValidationError';
  }
}

/** 404: not found, also for another tenant's ids (never reveal they exist). */
export class NotFoundError extends HttpError {
  constructor(what: string) {
    super(404, `${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** 409: the state of a resource does not allow the request (name taken, not redrivable). */
export class ConflictError extends HttpError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(409, message);
    this.name = 'ConflictError';
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden') {
    super(403, message);
    this.name = 'ForbiddenError';
  }
}

/** 503: a dependency could not take the request; nothing was changed, so it is safe to retry. */
export class ServiceUnavailableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, message, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** 501: a valid request for a capability that is not built yet. */
export class NotImplementedError extends HttpError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(501, message);
    this.name = 'NotImplementedError';
  }
}
