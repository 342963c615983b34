/**
 * The local API Gateway: serves the REST APIs the deployer registers (route matching, Lambda
 * authorizers with their result cache, API keys and usage plans, Lambda proxy and MOCK
 * integrations) under `/restapis/<id>/<stage>/` of the console origin, and runs a small
 * management endpoint for `@aws-sdk/client-api-gateway`.
 *
 * The pure parts live in their own modules; this one wires them to sockets, the clock, the
 * key store and the Lambda runtime.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TtlCache } from '../../functions/shared/ttl-cache';
import { ApiKeyStore } from './api-key-store';
import {
  type AuthorizerGrant,
  type AuthorizerOutcome,
  interpretAuthorizerError,
  interpretAuthorizerResult,
} from './authorizer-result';
import {
  type AuthorizerContextFacts,
  buildProxyEvent,
  buildRequestAuthorizerEvent,
  buildRequestContext,
  buildTokenAuthorizerEvent,
  type RequestFacts,
} from './events';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import { handleManagementRequest, type ManagementContext } from './management-api';
import { evaluatePolicy, methodArn } from './policy';
import { type HttpReply, interpretProxyResult } from './proxy-result';
import {
  decodeSegment,
  headerMaps,
  headerValue,
  type IdentityInputs,
  identityValue,
  parseIdentitySource,
  queryMaps,
} from './request-parts';
import { RouteMatcher } from './route-matcher';
import type {
  AuthorizerModel,
  GatewayStats,
  LocalApiGateway,
  LocalApiGatewayOptions,
  MethodModel,
  RestApiModel,
  UsagePlanModel,
} from './types';
import { UsageLimiter } from './usage-limiter';

/** API Gateway's payload limit for REST APIs. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
const MAX_MANAGEMENT_BODY_BYTES = 1024 * 1024;
/** Bound on cached authorizer results, so a flood of distinct tokens cannot exhaust memory. */
const AUTHORIZER_CACHE_ENTRIES = 10_000;
/** The file, under `dataDir`, that holds API keys and usage-plan keys. */
export const API_KEY_STORE_FILE = join('apigateway', 'api-keys.json');

interface RegisteredApi {
  readonly model: RestApiModel;
  readonly matcher: RouteMatcher;
  readonly resourceIds: ReadonlyMap<string, string>;
}

interface CachedAuthorization {
  readonly outcome: AuthorizerOutcome;
  readonly latencyMs: number;
}

class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

/** Reads a request body up to `limit` bytes; rejects with {@link RequestTooLargeError} beyond. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestTooLargeError());
  // No Content-Length and no Transfer-Encoding means no body (RFC 9112 §6.3): most API calls are
  // such GETs, and waiting for the stream's 'end' would cost them an event-loop turn.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new RequestTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
    // A client that goes away mid-body must not leave the request pending forever.
    req.on('close', () => {
      if (done) return;
      done = true;
      reject(new Error('request closed before its body was complete'));
    });
  });
}

type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/** Settles a promise or times out, without leaving a timer behind. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settled<T> => ({ kind: 'value', value }),
        (error: unknown): Settled<T> => ({ kind: 'error', error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function resourceIdOf(restApiId: string, resourcePath: string): string {
  return createHash('sha1').update(`${restApiId}\u0000${resourcePath}`).digest('hex').slice(0, 6);
}

/** Strips the single quotes of a static mapping value (`'*'` in a template means the string `*`). */
function staticValue(value: string): string {
  return value.length >= 2 && value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
}

function validateAuthorizer(id: string, authorizer: AuthorizerModel): void {
  const sources = parseIdentitySource(authorizer.identitySource);
  const empty: IdentityInputs = {
    multiValueHeaders: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {},
  };
  // identityValue throws on an expression it cannot read; find that at deploy time, not per request.
  for (const source of sources) identityValue(source, empty);
  if (authorizer.type === 'TOKEN') {
    const only = sources[0];
    if (sources.length !== 1 || !only?.toLowerCase().startsWith('method.request.header.')) {
      throw new Error(`TOKEN authorizer ${id} needs exactly one header identity source`);
    }
  }
  if (!(authorizer.resultTtlSeconds >= 0 && authorizer.resultTtlSeconds <= 3600)) {
    throw new Error(`authorizer ${id}: resultTtlSeconds must be 0-3600`);
  }
}

/** Starts the local API Gateway (management endpoint listening on 127.0.0.1). */
export async function startLocalApiGateway(opts: LocalApiGatewayOptions): Promise<LocalApiGateway> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const integrationTimeoutMs = opts.integrationTimeoutMs ?? 29_000;
  const publicBaseUrl = opts.publicBaseUrl.replace(/\/+$/, '');
  const domainName = new URL(publicBaseUrl).host;
  const forwardedPort = new URL(publicBaseUrl).port || '80';

  const store = await ApiKeyStore.open(join(opts.dataDir, API_KEY_STORE_FILE));
  const apis = new Map<string, RegisteredApi>();
  const plans = new Map<string, UsagePlanModel>();
  const limiter = new UsageLimiter();
  const authorizerCache = new TtlCache<CachedAuthorization>(AUTHORIZER_CACHE_ENTRIES);
  const inflightAuthorizations = new Map<string, Promise<CachedAuthorization>>();
  const counters = {
    requests: 0,
    authorizerInvocations: 0,
    authorizerCacheHits: 0,
    throttled: 0,
    quotaExceeded: 0,
    integrationInvocations: 0,
  };

  /** Calls the runtime so that a synchronous throw is a rejection like any function error. */
  function callInvoke(functionName: string, event: unknown): Promise<unknown> {
    return Promise.resolve().then(() => opts.invoke(functionName, event));
  }

  function sendGatewayResponse(
    res: ServerResponse,
    response: GatewayResponse,
    requestId: string,
    extraHeaders: Record<string, string> = {},
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

  function sendReply(res: ServerResponse, reply: HttpReply, requestId: string): void {
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

  /** Checks a function's headers before any is set, so a bad one becomes a clean 502. */
  function headersValid(reply: HttpReply): boolean {
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

  async function runAuthorizer(
    authorizer: AuthorizerModel,
    event: unknown,
    cacheKey: string | undefined,
    at: number,
  ): Promise<{ readonly result: CachedAuthorization; readonly cacheHit: boolean }> {
    const ttlMs = authorizer.resultTtlSeconds * 1000;
    if (cacheKey !== undefined) {
      const cached = authorizerCache.get(cacheKey, at);
      if (cached) return { result: cached, cacheHit: true };
      // Concurrent first requests with the same identity share one invocation.
      const inflight = inflightAuthorizations.get(cacheKey);
      if (inflight) return { result: await inflight, cacheHit: true };
    }
    counters.authorizerInvocations += 1;
    const started = Date.now();
    const invocation = settleWithin(callInvoke(authorizer.functionName, event), integrationTimeoutMs).then(
      (settled): CachedAuthorization => {
        const latencyMs = Date.now() - started;
        if (settled.kind === 'timeout') {
          return { outcome: { kind: 'CONFIG_ERROR', reason: 'authorizer timed out' }, latencyMs };
        }
        const outcome =
          settled.kind === 'error' ? interpretAuthorizerError(settled.error) : interpretAuthorizerResult(settled.value);
        // Only policies are cached (Allow and Deny alike, as API Gateway does); errors are retried.
        if (cacheKey !== undefined && outcome.kind === 'GRANT') {
          authorizerCache.set(cacheKey, { outcome, latencyMs }, ttlMs, now());
        }
        return { outcome, latencyMs };
      },
    );
    if (cacheKey === undefined) return { result: await invocation, cacheHit: false };
    inflightAuthorizations.set(cacheKey, invocation);
    try {
      return { result: await invocation, cacheHit: false };
    } finally {
      inflightAuthorizations.delete(cacheKey);
    }
  }

  type AuthorizeResult =
    | { readonly ok: true; readonly grant: AuthorizerGrant | undefined; readonly facts: AuthorizerContextFacts | null }
    | { readonly ok: false; readonly response: GatewayResponse };

  async function authorize(
    api: RegisteredApi,
    method: MethodModel,
    facts: RequestFacts,
    arn: string,
    apiKeyHeader: string | null,
  ): Promise<AuthorizeResult> {
    switch (method.authorizationType) {
      case 'NONE':
        return { ok: true, grant: undefined, facts: null };
      case 'AWS_IAM':
      case 'COGNITO_USER_POOLS':
        // Never let a protected method through unchecked; the deploy log says which one.
        log(`local gateway: ${method.authorizationType} authorization is not supported`, {
          restApiId: facts.restApiId,
          method: `${method.httpMethod} ${method.resourcePath}`,
        });
        return { ok: false, response: GATEWAY_RESPONSES.UNSUPPORTED_AUTHORIZATION };
      case 'CUSTOM':
        break;
    }
    const authorizerId = method.authorizerId as string;
    const authorizer = api.model.authorizers[authorizerId] as AuthorizerModel;
    const sources = parseIdentitySource(authorizer.identitySource);
    const inputs: IdentityInputs = {
      multiValueHeaders: facts.multiValueHeaders,
      multiValueQueryStringParameters: facts.multiValueQueryStringParameters,
      stageVariables: facts.stageVariables,
      // Only `context.*` sources read it; most authorizers use a header, so skip the work then.
      requestContext: sources.some((source) => source.toLowerCase().startsWith('context.'))
        ? buildRequestContext(facts)
        : null,
    };
    const values = sources.map((source) => identityValue(source, inputs));
    const present = values.filter((value): value is string => value !== undefined);
    // A missing identity source is a 401 without invoking the function, as in API Gateway.
    if (present.length !== values.length) return { ok: false, response: GATEWAY_RESPONSES.UNAUTHORIZED };

    const event =
      authorizer.type === 'TOKEN'
        ? buildTokenAuthorizerEvent(present[0] as string, arn)
        : buildRequestAuthorizerEvent(facts, arn, apiKeyHeader);
    // Without identity sources every caller would share one entry: cache only with some.
    const cacheKey =
      authorizer.resultTtlSeconds > 0 && present.length > 0
        ? [facts.restApiId, authorizerId, ...present].join('\u0000')
        : undefined;
    const { result, cacheHit } = await runAuthorizer(authorizer, event, cacheKey, facts.requestTimeEpoch);
    if (cacheHit) counters.authorizerCacheHits += 1;

    const outcome = result.outcome;
    if (outcome.kind === 'UNAUTHORIZED') return { ok: false, response: GATEWAY_RESPONSES.UNAUTHORIZED };
    if (outcome.kind === 'CONFIG_ERROR') {
      log(`local gateway: authorizer ${authorizer.functionName} failed: ${outcome.reason}`, {
        requestId: facts.requestId,
      });
      return { ok: false, response: GATEWAY_RESPONSES.AUTHORIZER_CONFIGURATION_ERROR };
    }
    // A cached policy is evaluated against this request's ARN: a policy cached for
    // /products may well deny /orders, exactly the surprise real API Gateway has.
    const decision = evaluatePolicy(outcome.grant.policy, arn);
    if (decision === 'EXPLICIT_DENY') return { ok: false, response: GATEWAY_RESPONSES.ACCESS_DENIED_EXPLICIT };
    if (decision === 'IMPLICIT_DENY') return { ok: false, response: GATEWAY_RESPONSES.ACCESS_DENIED };
    return {
      ok: true,
      grant: outcome.grant,
      facts: {
        principalId: outcome.grant.principalId,
        context: outcome.grant.context,
        integrationLatency: cacheHit ? 0 : result.latencyMs,
      },
    };
  }

  function planFor(keyId: string, restApiId: string, stage: string): UsagePlanModel | undefined {
    for (const planId of store.planIdsOfKey(keyId)) {
      const plan = plans.get(planId);
      if (plan?.apiStages.some((s) => s.restApiId === restApiId && s.stage === stage)) return plan;
    }
    return undefined;
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    rawQuery: string,
    requestId: string,
  ): Promise<void> {
    const [, , rawApiId = '', rawStage = '', ...rest] = rawPath.split('/');
    const api = apis.get(decodeSegment(rawApiId));
    if (!api || decodeSegment(rawStage) !== api.model.stageName) {
      sendGatewayResponse(res, GATEWAY_RESPONSES.FORBIDDEN, requestId);
      return;
    }
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const segments = rest.filter((segment) => segment.length > 0).map(decodeSegment);
    const match = api.matcher.match(httpMethod, segments);
    if (!match) {
      sendGatewayResponse(res, GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN, requestId);
      return;
    }

    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST_BODY_BYTES);
    } catch (error) {
      if (error instanceof RequestTooLargeError) {
        res.setHeader('Connection', 'close');
        sendGatewayResponse(res, GATEWAY_RESPONSES.REQUEST_TOO_LARGE, requestId);
        return;
      }
      throw error;
    }

    const at = now();
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const rawHeaders = [...req.rawHeaders];
    const incoming = headerMaps(rawHeaders);
    // API Gateway adds the X-Forwarded-* headers its integrations rely on.
    const forwardedFor = headerValue(incoming.multi, 'x-forwarded-for');
    if (forwardedFor === undefined) rawHeaders.push('X-Forwarded-For', sourceIp);
    if (headerValue(incoming.multi, 'x-forwarded-port') === undefined)
      rawHeaders.push('X-Forwarded-Port', forwardedPort);
    if (headerValue(incoming.multi, 'x-forwarded-proto') === undefined) rawHeaders.push('X-Forwarded-Proto', 'http');
    const headers = headerMaps(rawHeaders);
    const query = queryMaps(rawQuery);
    const path = rest.length === 0 ? '/' : `/${rest.map(decodeSegment).join('/')}`;
    const method = match.method;
    const facts: RequestFacts = {
      accountId,
      restApiId: api.model.restApiId,
      stage: api.model.stageName,
      domainName,
      httpMethod,
      path,
      resourcePath: method.resourcePath,
      resourceId: api.resourceIds.get(method.resourcePath) ?? '',
      requestId,
      requestTimeEpoch: at,
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
    const arn = methodArn({
      region,
      accountId,
      restApiId: facts.restApiId,
      stage: facts.stage,
      httpMethod,
      path,
    });
    const apiKeyHeader = headerValue(headers.multi, 'x-api-key') ?? null;

    const auth = await authorize(api, method, facts, arn, apiKeyHeader);
    if (!auth.ok) {
      sendGatewayResponse(res, auth.response, requestId);
      return;
    }

    let apiKey: string | null = null;
    let apiKeyId: string | null = null;
    if (method.apiKeyRequired) {
      const value = api.model.apiKeySource === 'HEADER' ? apiKeyHeader : (auth.grant?.usageIdentifierKey ?? null);
      const key = value ? store.findByValue(value) : undefined;
      const plan = key?.enabled ? planFor(key.id, facts.restApiId, facts.stage) : undefined;
      if (!key || !plan) {
        sendGatewayResponse(res, GATEWAY_RESPONSES.FORBIDDEN, requestId);
        return;
      }
      const admitted = limiter.admit(plan, key.id, at);
      if (!admitted.ok) {
        const throttled = admitted.reason === 'THROTTLED';
        if (throttled) counters.throttled += 1;
        else counters.quotaExceeded += 1;
        sendGatewayResponse(
          res,
          throttled ? GATEWAY_RESPONSES.THROTTLED : GATEWAY_RESPONSES.QUOTA_EXCEEDED,
          requestId,
          {
            'Retry-After': String(admitted.retryAfterSeconds),
          },
        );
        return;
      }
      apiKey = key.value;
      apiKeyId = key.id;
    }

    const integration = method.integration;
    if (integration.type === 'MOCK') {
      const mockHeaders = new Map<string, { name: string; values: string[] }>();
      for (const [name, value] of Object.entries(integration.responseHeaders)) {
        mockHeaders.set(name.toLowerCase(), { name, values: [staticValue(value)] });
      }
      sendReply(res, { statusCode: integration.statusCode, headers: mockHeaders, body: Buffer.alloc(0) }, requestId);
      return;
    }

    const event = buildProxyEvent(facts, body.length > 0 ? body.toString('utf8') : null, auth.facts, apiKey, apiKeyId);
    counters.integrationInvocations += 1;
    const settled = await settleWithin(callInvoke(integration.functionName, event), integrationTimeoutMs);
    if (settled.kind === 'timeout') {
      log(`local gateway: ${integration.functionName} timed out after ${integrationTimeoutMs} ms`, { requestId });
      sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_TIMEOUT, requestId);
      return;
    }
    if (settled.kind === 'error') {
      log(`local gateway: ${integration.functionName} failed`, { requestId, error: settled.error });
      sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, requestId);
      return;
    }
    const mapped = interpretProxyResult(settled.value);
    if (!mapped.ok || !headersValid(mapped.reply)) {
      const reason = mapped.ok ? 'invalid header name or value' : mapped.reason;
      log(`local gateway: malformed Lambda proxy response from ${integration.functionName}: ${reason}`, {
        requestId,
      });
      sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, requestId);
      return;
    }
    sendReply(res, mapped.reply, requestId);
  }

  const managementContext: ManagementContext = {
    store,
    usagePlans: () => plans,
    restApis: () => new Map([...apis].map(([id, api]) => [id, api.model])),
    now,
    onKeyRemoved: (keyId) => limiter.forgetKey(keyId),
  };

  async function serveManagement(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const send = (statusCode: number, body: unknown, errorType?: string): void => {
      const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
      res.writeHead(statusCode, {
        'Content-Type': 'application/json',
        'Content-Length': String(payload.length),
        'x-amzn-RequestId': requestId,
        ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
      });
      res.end(payload);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_MANAGEMENT_BODY_BYTES);
      } catch (error) {
        if (error instanceof RequestTooLargeError) {
          send(413, { message: 'Request body too large' }, 'BadRequestException');
          return;
        }
        throw error;
      }
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          send(400, { message: 'Invalid JSON in request body' }, 'BadRequestException');
          return;
        }
      }
      const reply = await handleManagementRequest(managementContext, {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        body,
      });
      send(reply.statusCode, reply.body, reply.errorType);
    } catch (error) {
      log('local gateway: management request failed', { requestId, error });
      if (!res.headersSent) send(500, { message: 'Internal server error' }, 'InternalFailure');
      else res.destroy();
    }
  }

  const managementServer: Server = createServer((req, res) => {
    void serveManagement(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    managementServer.once('error', reject);
    managementServer.listen(opts.managementPort ?? 0, '127.0.0.1', () => {
      managementServer.off('error', reject);
      resolve();
    });
  });
  const managementPort = (managementServer.address() as AddressInfo).port;

  return {
    managementEndpoint: `http://127.0.0.1:${managementPort}`,

    registerRestApi(api: RestApiModel): void {
      for (const [id, authorizer] of Object.entries(api.authorizers)) validateAuthorizer(id, authorizer);
      for (const method of api.methods) {
        if (method.authorizationType !== 'CUSTOM') continue;
        if (method.authorizerId === undefined || api.authorizers[method.authorizerId] === undefined) {
          throw new Error(
            `${api.name}: ${method.httpMethod} ${method.resourcePath} names unknown authorizer ${String(method.authorizerId)}`,
          );
        }
      }
      const matcher = new RouteMatcher(api.methods);
      const resourceIds = new Map(
        api.methods.map((m) => [m.resourcePath, resourceIdOf(api.restApiId, m.resourcePath)]),
      );
      apis.set(api.restApiId, { model: api, matcher, resourceIds });
      // A re-deploy may change authorizers or their functions: stale policies must not survive it.
      authorizerCache.deletePrefix(`${api.restApiId}\u0000`);
    },

    registerUsagePlan(plan: UsagePlanModel): void {
      plans.set(plan.id, plan);
    },

    unregisterRestApi(restApiId: string): void {
      apis.delete(restApiId);
      authorizerCache.deletePrefix(`${restApiId}\u0000`);
    },

    unregisterUsagePlan(id: string): void {
      plans.delete(id);
    },

    urlOf(restApiId: string, stageName: string): string {
      return `${publicBaseUrl}/restapis/${encodeURIComponent(restApiId)}/${encodeURIComponent(stageName)}/`;
    },

    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = req.url ?? '/';
      const queryStart = url.indexOf('?');
      const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
      if (!rawPath.startsWith('/restapis/')) return false;
      const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
      counters.requests += 1;
      const requestId = randomUUID();
      try {
        await serve(req, res, rawPath, rawQuery, requestId);
      } catch (error) {
        log('local gateway: request failed', { requestId, error });
        if (!res.headersSent) sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, requestId);
        else res.destroy();
      }
      return true;
    },

    stats(): GatewayStats {
      return { ...counters };
    },

    async close(): Promise<void> {
      await new Promise<void>((resolve) => {
        managementServer.close(() => resolve());
        managementServer.closeAllConnections();
      });
      await store.flush();
    },
  };
}
