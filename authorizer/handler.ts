/** Lambda REQUEST authorizer of the control-plane and tenant APIs. */
import { STSClient } from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { ApiName } from '../contracts/routes';
import type { TenantRecord } from '../contracts/tenant-record';
import { dynamoDb } from '../functions/shared/aws-clients';
import { defineEnv, lazy } from '../functions/shared/env';
import { TtlCache } from '../functions/shared/ttl-cache';
import { invocation, logger, tagTenant, traced } from '../layers/tenant-context/observability';
import { type AuthorizerConfig, type AuthorizerDeps, authorize, UnauthorizedError } from './authorize';
import { TenantCredentialsCache } from './credentials-cache';
import { siloPoolResolver } from './silo-pools';
import { stsTenantCredentials } from './sts-credentials';
import { TokenVerifier, type TrustedPool } from './token-verifier';

const env = defineEnv(
  // TENANT_TABLE_ARNS is read (and required) only where TENANT_DATA_ROLE_ARN is set.
  ['API_NAME', 'TENANT_DETAILS_TABLE', 'TRUSTED_USER_POOLS', 'TENANT_TABLE_ARNS'],
  [
    'OPERATOR_USER_POOL_ID',
    'SILO_TENANT_ID',
    'TRUST_SILO_USER_POOLS',
    'TENANT_DATA_ROLE_ARN',
    'AUTHORIZER_RESULT_TTL_SECONDS',
  ],
);

/** Tenant rows change rarely (activation): a short cache keeps the registry off the hot path. */
const TENANT_CACHE_MS = 5_000;
const tenantCache = new TtlCache<TenantRecord>(10_000);

async function getTenant(tenantId: string): Promise<TenantRecord | undefined> {
  const cached = tenantCache.get(tenantId, Date.now());
  if (cached) return cached;
  const result = await dynamoDb().send(new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId } }));
  const tenant = result.Item as TenantRecord | undefined;
  // Only ACTIVE tenants are cached: a reactivated tenant must not be refused from a stale entry
  // (API Gateway would then cache that Deny for the token's whole result TTL).
  if (tenant?.status === 'ACTIVE') tenantCache.set(tenantId, tenant, TENANT_CACHE_MS, Date.now());
  return tenant;
}

/**
 * Pooled APIs set TENANT_DATA_ROLE_ARN: the authorizer then hands each request STS credentials
 * scoped to its tenant, cached per tenant. They must outlive the authorizer result (API Gateway
 * reuses the cached context for AUTHORIZER_RESULT_TTL_SECONDS) plus a function's run time.
 */
function tenantCredentialsCache(): TenantCredentialsCache | undefined {
  const roleArn = env.TENANT_DATA_ROLE_ARN;
  if (!roleArn) return undefined;
  return new TenantCredentialsCache({
    assume: stsTenantCredentials(
      { roleArn, tableArns: JSON.parse(env.TENANT_TABLE_ARNS) as string[] },
      traced(new STSClient({})),
    ),
    refreshBeforeExpiryMs: (Number(env.AUTHORIZER_RESULT_TTL_SECONDS ?? 300) + 120) * 1000,
    maxEntries: 1000,
  });
}

/**
 * The configuration and dependencies, built at the first request of the execution environment
 * (not at import) and kept, caches included, for the next ones.
 *
 * The control plane also serves silo tenants' admins (TRUST_SILO_USER_POOLS): their pools are
 * trusted from the registry. A tenant stack's authorizer trusts its configured pools only.
 */
const authorizer = lazy((): { config: AuthorizerConfig; deps: AuthorizerDeps } => {
  const verifier = new TokenVerifier({
    pools: JSON.parse(env.TRUSTED_USER_POOLS) as TrustedPool[],
    resolvePool: env.TRUST_SILO_USER_POOLS === 'true' ? siloPoolResolver(getTenant) : undefined,
  });
  const credentialsCache = tenantCredentialsCache();
  return {
    config: {
      api: env.API_NAME as ApiName,
      operatorPoolId: env.OPERATOR_USER_POOL_ID,
      siloTenantId: env.SILO_TENANT_ID,
    },
    deps: {
      verify: (token) => verifier.verify(token),
      getTenant,
      credentialsFor: credentialsCache && ((tenantId) => credentialsCache.get(tenantId)),
    },
  };
});

/**
 * The authorizer's Lambda handler: its lines carry the API Gateway request id, and — once the
 * token names one — the tenant, in the logs and the trace, like every other function's.
 */
export function handler(event: APIGatewayRequestAuthorizerEvent, context?: Context) {
  return invocation(context, event.requestContext?.requestId, async () => {
    try {
      const { config, deps } = authorizer();
      const result = await authorize(config, deps, event);
      const tenantId = result.context?.tenantId;
      if (typeof tenantId === 'string') tagTenant({ tenantId, tier: String(result.context?.tier ?? '') || undefined });
      return result;
    } catch (error) {
      if (error instanceof UnauthorizedError) throw new Error('Unauthorized');
      logger.error('Authorizer failure', error as Error);
      throw error;
    }
  });
}
