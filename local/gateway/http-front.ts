/**
 * The gateway's HTTP front: a request under `/restapis/<id>/<stage>/` of the console origin
 * goes route → body → authorization → API key and usage plan → integration, and the answer
 * (the function's reply or a gateway response) is written to the socket.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceSink } from '../xray/segment-document';
import { type AuthorizationDeps, authorize } from './authorization';
import type { DeployedApis } from './deployed-apis';
import { buildProxyEvent, type RequestFacts } from './events';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import { RequestTooLargeError, readBody } from './http-body';
import { type IntegrationResult, invokeLambdaProxy, type LambdaProxyDeps, mockReply } from './lambda-proxy';
import { methodArn } from './policy';
import type { HttpReply } from './proxy-result';
import { headerMaps, headerValue, queryMaps, withForwardedHeaders } from './request-parts';
import type { RouteMatch } from './route-matcher';
import { type RequestTrace, startRequestTrace, TRACE_HEADER, withTraceHeader } from './tracing';
import type { GatewayStats, RestApiModel } from './types';
import type { UsagePlans } from './usage-plans';

/** API Gateway's payload limit for REST APIs. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** The gateway's counters, written as requests are served. */
export type GatewayCounters = { -readonly [K in keyof GatewayStats]: number };

/** What the front serves with. */
export interface HttpFrontDeps {
  readonly apis: DeployedApis;
  readonly plans: UsagePlans;
  readonly authorization: AuthorizationDeps;
  readonly proxy: LambdaProxyDeps;
  readonly counters: GatewayCounters;
  readonly now: () => number;
  readonly log: (message: string, detail?: unknown) => void;
  readonly region: string;
  readonly accountId: string;
  /** Host (and port) of the console origin, for `requestContext.domainName`. */
  readonly domainName: string;
  /** Its port, for X-Forwarded-Port. */
  readonly forwardedPort: string;
  /** Where traced stages' segments go (absent: no stage is traced). */
  readonly tracing?: TraceSink;
}

/** Writes one of API Gateway's own responses. */
export function sendGatewayResponse(
  res: ServerResponse,
  response: GatewayResponse,
  requestId: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  const body = Buffer.from(JSON.stringify({ message: response.message }));
  res.writeHead(response.statusCode, {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': response.errorType,
    ...extraHeaders,
  });
  res.end(body);
}

/** Writes an integration's reply, with the request id headers API Gateway adds. */
export function sendReply(res: ServerResponse, reply: HttpReply, requestId: string): void {
  const headers: [string, string | string[]][] = [];
  for (const { name, values } of reply.headers.values()) {
    headers.push([name, values.length === 1 ? (values[0] as string) : [...values]]);
  }
  headers.push(['x-amzn-RequestId', requestId], ['x-amz-apigw-id', requestId.slice(0, 16)]);
  headers.push(['Content-Length', String(reply.body.length)]);
  res.statusCode = reply.statusCode;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.end(reply.body);
}

const sourceIpOf = (req: IncomingMessage) => (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/** The request's trace if its stage is traced: started now, with what is known of the request. */
function traceOf(
  deps: HttpFrontDeps,
  api: RestApiModel,
  req: IncomingMessage,
  res: ServerResponse,
  at: { readonly requestId: string; readonly startedAt: number; readonly rawPath: string },
): RequestTrace | undefined {
  if (!deps.tracing || !api.tracingEnabled) return undefined;
  const header = req.headers[TRACE_HEADER.toLowerCase()];
  return startRequestTrace(
    deps.tracing,
    {
      api,
      region: deps.region,
      accountId: deps.accountId,
      requestId: at.requestId,
      method: (req.method ?? 'GET').toUpperCase(),
      url: `http://${deps.domainName}${at.rawPath}`,
      clientIp: sourceIpOf(req),
      userAgent: req.headers['user-agent'],
      incomingHeader: Array.isArray(header) ? header[0] : header,
      startedAt: at.startedAt,
    },
    res,
  );
}

/** What the events say about a matched request. */
function requestFactsOf(
  deps: HttpFrontDeps,
  req: IncomingMessage,
  route: { readonly restApiId: string; readonly stage: string; readonly resourceId: string },
  match: RouteMatch,
  path: string,
  rawQuery: string,
  requestId: string,
  rawHeaders: readonly string[],
): RequestFacts {
  const sourceIp = sourceIpOf(req);
  const headers = headerMaps(withForwardedHeaders(rawHeaders, sourceIp, deps.forwardedPort));
  const query = queryMaps(rawQuery);
  return {
    accountId: deps.accountId,
    restApiId: route.restApiId,
    stage: route.stage,
    domainName: deps.domainName,
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path,
    resourcePath: match.method.resourcePath,
    resourceId: route.resourceId,
    requestId,
    requestTimeEpoch: deps.now(),
    protocol: `HTTP/${req.httpVersion}`,
    sourceIp,
    userAgent: headerValue(headers.multi, 'user-agent') ?? null,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: match.pathParameters,
    stageVariables: null,
  };
}

/** Serves one request under `/restapis/`. */
async function serve(
  deps: HttpFrontDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  rawQuery: string,
  requestId: string,
  startedAt: number,
): Promise<void> {
  const route = deps.apis.route((req.method ?? 'GET').toUpperCase(), rawPath);
  if (!route.ok) return sendGatewayResponse(res, route.response, requestId);
  const { api, match } = route;
  const trace = traceOf(deps, api.model, req, res, { requestId, startedAt, rawPath });
  let body: Buffer;
  try {
    body = await readBody(req, MAX_REQUEST_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof RequestTooLargeError)) throw error;
    res.setHeader('Connection', 'close');
    return sendGatewayResponse(res, GATEWAY_RESPONSES.REQUEST_TOO_LARGE, requestId);
  }
  const { restApiId, stageName: stage } = api.model;
  const resourceId = api.resourceIds.get(match.method.resourcePath) ?? '';
  const rawHeaders = trace ? withTraceHeader(req.rawHeaders, trace.forwardedHeader) : req.rawHeaders;
  const resource = { restApiId, stage, resourceId };
  const facts = requestFactsOf(deps, req, resource, match, route.path, rawQuery, requestId, rawHeaders);
  const { region, accountId } = deps;
  const arn = methodArn({ region, accountId, restApiId, stage, httpMethod: facts.httpMethod, path: facts.path });
  const apiKeyHeader = headerValue(facts.multiValueHeaders, 'x-api-key') ?? null;
  const authorization = trace
    ? { ...deps.authorization, invoke: trace.traced(deps.authorization.invoke) }
    : deps.authorization;
  const auth = await authorize(authorization, api.model, match.method, facts, arn, apiKeyHeader);
  if (!auth.ok) return sendGatewayResponse(res, auth.response, requestId);

  let key: { readonly value: string; readonly id: string } | null = null;
  if (match.method.apiKeyRequired) {
    const value = api.model.apiKeySource === 'HEADER' ? apiKeyHeader : (auth.grant?.usageIdentifierKey ?? null);
    const admission = deps.plans.admit(value, restApiId, stage, facts.requestTimeEpoch);
    if (!admission.ok) {
      if (admission.limited === 'THROTTLED') deps.counters.throttled += 1;
      if (admission.limited === 'QUOTA_EXCEEDED') deps.counters.quotaExceeded += 1;
      return sendGatewayResponse(res, admission.response, requestId, admission.headers);
    }
    key = admission.key;
  }

  const integration = match.method.integration;
  let result: IntegrationResult;
  if (integration.type === 'MOCK') result = { ok: true, reply: mockReply(integration) };
  else {
    const payload = body.length > 0 ? body.toString('utf8') : null;
    const event = buildProxyEvent(facts, payload, auth.facts, key?.value ?? null, key?.id ?? null);
    deps.counters.integrationInvocations += 1;
    const proxy = trace ? { ...deps.proxy, invoke: trace.traced(deps.proxy.invoke) } : deps.proxy;
    result = await invokeLambdaProxy(proxy, integration.functionName, event, requestId);
  }
  if (result.ok) sendReply(res, result.reply, requestId);
  else sendGatewayResponse(res, result.response, requestId);
}

/**
 * The gateway's `handle`: serves a request whose path starts with `/restapis/` and resolves
 * true, or resolves false and leaves the request to the caller's server.
 */
export function createHttpFront(deps: HttpFrontDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
    if (!rawPath.startsWith('/restapis/')) return false;
    const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
    deps.counters.requests += 1;
    const requestId = randomUUID();
    const startedAt = Date.now();
    try {
      await serve(deps, req, res, rawPath, rawQuery, requestId, startedAt);
    } catch (error) {
      deps.log('local gateway: request failed', { requestId, error });
      if (!res.headersSent) sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, requestId);
      else res.destroy();
    }
    return true;
  };
}
