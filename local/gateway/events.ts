/**
 * Builds the events API Gateway (REST API, v1 payload) sends to Lambda: the proxy-integration
 * event and the REQUEST / TOKEN authorizer events. Pure: every value comes from the caller.
 */
import type {
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';

/** What is known about a request once its method is matched. */
export interface RequestFacts {
  readonly accountId: string;
  readonly restApiId: string;
  readonly stage: string;
  /** Host (and port) the client called, for `requestContext.domainName`. */
  readonly domainName: string;
  /** Upper-case verb the client sent (not `ANY`). */
  readonly httpMethod: string;
  /** Request path below the stage, decoded per segment, e.g. `/products/p-1`. */
  readonly path: string;
  /** Matched resource template, e.g. `/products/{productId}`. */
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly protocol: string;
  readonly sourceIp: string;
  readonly userAgent: string | null;
  readonly headers: Record<string, string> | null;
  readonly multiValueHeaders: Record<string, string[]> | null;
  readonly queryStringParameters: Record<string, string> | null;
  readonly multiValueQueryStringParameters: Record<string, string[]> | null;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly stageVariables: Record<string, string> | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.requestTime` format: `09/Apr/2015:12:34:56 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

function identityOf(facts: RequestFacts, apiKey: string | null, apiKeyId: string | null): APIGatewayEventIdentity {
  return {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: facts.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: facts.userAgent,
    user: null,
    apiKey,
    apiKeyId,
    clientCert: null,
  };
}

/** The request context without `authorizer` (the authorizer event has none). */
export function buildRequestContext(
  facts: RequestFacts,
  apiKey: string | null = null,
  apiKeyId: string | null = null,
): APIGatewayEventRequestContextWithAuthorizer<undefined> {
  return {
    resourceId: facts.resourceId,
    resourcePath: facts.resourcePath,
    httpMethod: facts.httpMethod,
    extendedRequestId: facts.requestId,
    requestTime: formatRequestTime(facts.requestTimeEpoch),
    // API Gateway's requestContext.path includes the stage; event.path does not.
    path: `/${facts.stage}${facts.path}`,
    accountId: facts.accountId,
    protocol: facts.protocol,
    stage: facts.stage,
    domainPrefix: facts.restApiId,
    requestTimeEpoch: facts.requestTimeEpoch,
    requestId: facts.requestId,
    identity: identityOf(facts, apiKey, apiKeyId),
    domainName: facts.domainName,
    apiId: facts.restApiId,
    authorizer: undefined,
  };
}

/** The REQUEST authorizer event. */
export function buildRequestAuthorizerEvent(
  facts: RequestFacts,
  methodArn: string,
  apiKey: string | null,
): APIGatewayRequestAuthorizerEvent {
  const { authorizer: _none, ...requestContext } = buildRequestContext(facts, apiKey, null);
  return {
    type: 'REQUEST',
    methodArn,
    resource: facts.resourcePath,
    path: facts.path,
    httpMethod: facts.httpMethod,
    headers: facts.headers,
    multiValueHeaders: facts.multiValueHeaders,
    queryStringParameters: facts.queryStringParameters,
    multiValueQueryStringParameters: facts.multiValueQueryStringParameters,
    pathParameters: facts.pathParameters ? { ...facts.pathParameters } : null,
    stageVariables: facts.stageVariables,
    requestContext: requestContext as APIGatewayEventRequestContextWithAuthorizer<undefined>,
  };
}

/** The TOKEN authorizer event. */
export function buildTokenAuthorizerEvent(
  authorizationToken: string,
  methodArn: string,
): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn };
}

/** What an authorizer contributed to `requestContext.authorizer`. */
export interface AuthorizerContextFacts {
  readonly principalId: string;
  /** Already stringified, as API Gateway passes context values to the integration. */
  readonly context: Readonly<Record<string, string | null>>;
  readonly integrationLatency: number;
}

/** The Lambda proxy-integration event (payload format 1.0). */
export function buildProxyEvent(
  facts: RequestFacts,
  body: string | null,
  auth: AuthorizerContextFacts | null,
  apiKey: string | null,
  apiKeyId: string | null,
): APIGatewayProxyEvent {
  const requestContext = buildRequestContext(facts, apiKey, apiKeyId);
  return {
    resource: facts.resourcePath,
    path: facts.path,
    httpMethod: facts.httpMethod,
    headers: (facts.headers ?? {}) as APIGatewayProxyEvent['headers'],
    multiValueHeaders: (facts.multiValueHeaders ?? {}) as APIGatewayProxyEvent['multiValueHeaders'],
    queryStringParameters: facts.queryStringParameters,
    multiValueQueryStringParameters: facts.multiValueQueryStringParameters,
    pathParameters: facts.pathParameters ? { ...facts.pathParameters } : null,
    stageVariables: facts.stageVariables,
    requestContext: {
      ...requestContext,
      // Without an authorizer API Gateway sends no authorizer object at all.
      authorizer: auth
        ? { ...auth.context, principalId: auth.principalId, integrationLatency: auth.integrationLatency }
        : undefined,
    },
    body,
    isBase64Encoded: false,
  };
}
