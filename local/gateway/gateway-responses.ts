/**
 * API Gateway's own responses (the "gateway responses"), with the status, body message and
 * `x-amzn-ErrorType` a client of the real service sees.
 */

/** One gateway response. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly message: string;
  readonly errorType: string;
}

/** The gateway responses the local gateway produces, by API Gateway's response type name. */
export const GATEWAY_RESPONSES = {
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  },
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  ACCESS_DENIED_EXPLICIT: {
    statusCode: 403,
    message: 'User is not authorized to access this resource with an explicit deny',
    errorType: 'AccessDeniedException',
  },
  ACCESS_DENIED: {
    statusCode: 403,
    message: 'User is not authorized to access this resource',
    errorType: 'AccessDeniedException',
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    statusCode: 500,
    message: 'Authorizer configuration error',
    errorType: 'AuthorizerConfigurationException',
  },
  /** Unknown stage or API, and a missing, unknown or disabled API key. */
  FORBIDDEN: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  QUOTA_EXCEEDED: { statusCode: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long', errorType: 'RequestTooLargeException' },
  INTEGRATION_FAILURE: { statusCode: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: {
    statusCode: 504,
    message: 'Endpoint request timed out',
    errorType: 'InternalServerErrorException',
  },
  /** A method whose authorization type the local gateway cannot enforce (never silently allowed). */
  UNSUPPORTED_AUTHORIZATION: {
    statusCode: 500,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
} as const satisfies Record<string, GatewayResponse>;
