/**
 * A method's authorization, as API Gateway runs it before the integration: NONE passes, a
 * Lambda (CUSTOM) authorizer is invoked (or its cached result used) and its policy evaluated
 * against the request's method ARN; AWS_IAM and Cognito authorizers are refused, never let
 * through unchecked.
 */
import { type AuthorizerCache, authorizerCacheKey, type CachedAuthorization } from './authorizer-cache';
import { type AuthorizerGrant, interpretAuthorizerError, interpretAuthorizerResult } from './authorizer-result';
import {
  type AuthorizerContextFacts,
  buildRequestAuthorizerEvent,
  buildRequestContext,
  buildTokenAuthorizerEvent,
  type RequestFacts,
} from './events';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import type { InvokeWithin } from './invoke-within';
import { evaluatePolicy } from './policy';
import { type IdentityInputs, identityValue, parseIdentitySource } from './request-parts';
import type { AuthorizerModel, MethodModel, RestApiModel } from './types';

/** Let through, with what the authorizer granted (none for NONE), or refused with a gateway response. */
export type AuthorizeResult =
  | { readonly ok: true; readonly grant: AuthorizerGrant | undefined; readonly facts: AuthorizerContextFacts | null }
  | { readonly ok: false; readonly response: GatewayResponse };

/** What authorization needs from the gateway. */
export interface AuthorizationDeps {
  readonly cache: AuthorizerCache;
  readonly invoke: InvokeWithin;
  readonly log: (message: string, detail?: unknown) => void;
  /** Counted here: invocations and cache hits (see GatewayStats). */
  readonly counters: { authorizerInvocations: number; authorizerCacheHits: number };
}

/** The request's identity-source values, or `undefined` if one is missing (a 401 without invoking). */
export function identityValuesOf(authorizer: AuthorizerModel, facts: RequestFacts): string[] | undefined {
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
  return present.length === values.length ? present : undefined;
}

/**
 * What an authorizer result means for this request. A cached policy is evaluated against this
 * request's ARN: a policy cached for /products may well deny /orders, exactly the surprise real
 * API Gateway has.
 */
export function authorizationOf(result: CachedAuthorization, cacheHit: boolean, arn: string): AuthorizeResult {
  const outcome = result.outcome;
  if (outcome.kind === 'UNAUTHORIZED') return { ok: false, response: GATEWAY_RESPONSES.UNAUTHORIZED };
  if (outcome.kind === 'CONFIG_ERROR') return { ok: false, response: GATEWAY_RESPONSES.AUTHORIZER_CONFIGURATION_ERROR };
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

/** One invocation of the authorizer function, interpreted. */
async function invokeAuthorizer(
  deps: AuthorizationDeps,
  functionName: string,
  event: unknown,
): Promise<CachedAuthorization> {
  deps.counters.authorizerInvocations += 1;
  const started = Date.now();
  const settled = await deps.invoke(functionName, event);
  const latencyMs = Date.now() - started;
  if (settled.kind === 'timeout') {
    return { outcome: { kind: 'CONFIG_ERROR', reason: 'authorizer timed out' }, latencyMs };
  }
  const outcome =
    settled.kind === 'error' ? interpretAuthorizerError(settled.error) : interpretAuthorizerResult(settled.value);
  return { outcome, latencyMs };
}

/** Authorizes one request to `method` of `api`; `arn` is the request's method ARN. */
export async function authorize(
  deps: AuthorizationDeps,
  api: RestApiModel,
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
      deps.log(`local gateway: ${method.authorizationType} authorization is not supported`, {
        restApiId: facts.restApiId,
        method: `${method.httpMethod} ${method.resourcePath}`,
      });
      return { ok: false, response: GATEWAY_RESPONSES.UNSUPPORTED_AUTHORIZATION };
    case 'CUSTOM':
      break;
  }
  const authorizerId = method.authorizerId as string;
  const authorizer = api.authorizers[authorizerId] as AuthorizerModel;
  const present = identityValuesOf(authorizer, facts);
  // A missing identity source is a 401 without invoking the function, as in API Gateway.
  if (!present) return { ok: false, response: GATEWAY_RESPONSES.UNAUTHORIZED };
  const event =
    authorizer.type === 'TOKEN'
      ? buildTokenAuthorizerEvent(present[0] as string, arn)
      : buildRequestAuthorizerEvent(facts, arn, apiKeyHeader);
  const key = authorizerCacheKey(facts.restApiId, authorizerId, authorizer.resultTtlSeconds, present);
  const { result, cacheHit } = await deps.cache.resolve(
    key,
    authorizer.resultTtlSeconds * 1000,
    facts.requestTimeEpoch,
    () => invokeAuthorizer(deps, authorizer.functionName, event),
  );
  if (cacheHit) deps.counters.authorizerCacheHits += 1;
  if (result.outcome.kind === 'CONFIG_ERROR') {
    deps.log(`local gateway: authorizer ${authorizer.functionName} failed: ${result.outcome.reason}`, {
      requestId: facts.requestId,
    });
  }
  return authorizationOf(result, cacheHit, arn);
}
