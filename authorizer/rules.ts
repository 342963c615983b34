/**
 * Pure authorization rules: which routes a caller may call (from the one route table) and the
 * IAM policy API Gateway evaluates. The policy lists every route the caller's role may call,
 * not just the current one, because API Gateway caches it for other requests of the token.
 */
import type { APIGatewayAuthorizerResult, PolicyDocument } from 'aws-lambda';
import { type ApiName, ROLES, type Role, routesOf } from '../contracts/routes';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** `arn:aws:execute-api:region:account:apiId/stage/` from a method ARN. */
export function apiStageArnPrefix(methodArn: string): string {
  const [prefix, stage] = methodArn.split('/');
  return `${prefix}/${stage}/`;
}

/** Resource ARNs of the routes `role` may call on `api`; `{param}` becomes `*`. */
export function allowedResources(api: ApiName, role: Role, methodArn: string): string[] {
  const prefix = apiStageArnPrefix(methodArn);
  return routesOf(api)
    .filter((route) => route.access !== 'public' && route.access.includes(role))
    .map((route) => `${prefix}${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
}

export function policy(effect: 'Allow' | 'Deny', resources: readonly string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: [...resources] }],
  };
}

/** A Deny for everything on this API stage: valid token, but not allowed (403). */
export function denyAll(principalId: string, methodArn: string): APIGatewayAuthorizerResult {
  return { principalId, policyDocument: policy('Deny', [`${apiStageArnPrefix(methodArn)}*`]) };
}
