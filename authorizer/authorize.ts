/**
 * The authorizer's decision, with its dependencies injected (token verification and the
 * tenant registry), so it is unit-tested without AWS.
 *
 * - no or invalid token → Unauthorized (401)
 * - operators (SystemAdmin) only from the operator pool; tenant roles only from the pool
 *   that the tenant registry names for the token's tenant (the pooled pool, or a silo
 *   tenant's own), and only if the user is in the tenant's group (set by the admin API, which
 *   users cannot change) → otherwise 403
 * - inactive tenants → 403; silo APIs accept only their own tenant → 403
 * - on pooled APIs, the context carries STS credentials that reach only the tenant's items
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { ApiName } from '../contracts/routes';
import type { TenantRecord } from '../contracts/tenant-record';
import type { ScopedCredentials } from './credentials-cache';
import { allowedResources, denyAll, isRole, policy } from './rules';
import type { VerifiedToken } from './token-verifier';

export class UnauthorizedError extends Error {
  constructor() {
    // API Gateway maps exactly this message to 401.
    super('Unauthorized');
    this.name = 'UnauthorizedError';
  }
}

export interface AuthorizerConfig {
  readonly api: ApiName;
  readonly operatorPoolId?: string;
  /** Set on a silo stack's API: the only tenant it serves. */
  readonly siloTenantId?: string;
}

export interface AuthorizerDeps {
  verify(token: string): Promise<VerifiedToken | undefined>;
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  /**
   * Tenant-scoped credentials for the functions behind a pooled API (STS AssumeRole with the
   * tenant's session policy, cached per tenant). Absent on APIs whose functions use their own
   * role (control plane, silo stacks).
   */
  credentialsFor?(tenantId: string): Promise<ScopedCredentials>;
}

export function bearerToken(headers: Readonly<Record<string, string | undefined>> | null): string | undefined {
  const header = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

export async function authorize(
  config: AuthorizerConfig,
  deps: AuthorizerDeps,
  event: APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event.headers);
  if (!token) throw new UnauthorizedError();
  const verified = await deps.verify(token);
  if (!verified) throw new UnauthorizedError();
  const { payload, userPoolId } = verified;
  const principalId = String(payload.sub);
  const role = payload['custom:userRole'];
  const username = String(payload['cognito:username'] ?? principalId);
  if (!isRole(role)) return denyAll(principalId, event.methodArn);

  if (role === 'SystemAdmin') {
    if (userPoolId !== config.operatorPoolId) return denyAll(principalId, event.methodArn);
    // Operators sign in with their email (their Cognito username is an opaque id): name them by it.
    const operator = typeof payload.email === 'string' && payload.email !== '' ? payload.email : username;
    const resources = allowedResources(config.api, role, event.methodArn);
    if (resources.length === 0) return denyAll(principalId, event.methodArn);
    return {
      principalId,
      policyDocument: policy('Allow', resources),
      context: { userRole: role, username: operator, userPoolId },
    };
  }

  const tenantId = payload['custom:tenantId'];
  if (typeof tenantId !== 'string' || tenantId === '') return denyAll(principalId, event.methodArn);
  if (config.siloTenantId !== undefined && config.siloTenantId !== tenantId)
    return denyAll(principalId, event.methodArn);
  const tenant = await deps.getTenant(tenantId);
  const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
  // The group check holds for silo pools too: a silo tenant's own pool is no reason to trust a
  // tenant claim that the admin API did not back with the tenant's group.
  const belongs = tenant !== undefined && tenant.userPoolId === userPoolId && groups.includes(tenantId);
  if (!tenant || !belongs || tenant.status !== 'ACTIVE') return denyAll(principalId, event.methodArn);
  // A user its admin disabled keeps a valid ID token for up to an hour: refuse it here.
  if (tenant.disabledUsers?.has(username.toLowerCase())) return denyAll(principalId, event.methodArn);

  const resources = allowedResources(config.api, role, event.methodArn);
  if (resources.length === 0) return denyAll(principalId, event.methodArn);
  // Only after every check passed: a denied caller never causes an AssumeRole.
  const credentials = deps.credentialsFor ? await deps.credentialsFor(tenantId) : undefined;
  return {
    principalId,
    policyDocument: policy('Allow', resources),
    context: {
      tenantId,
      tier: tenant.tier,
      userRole: role,
      username,
      userPoolId,
      ...(credentials && {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
      }),
    },
    usageIdentifierKey: tenant.apiKeyValue,
  };
}
