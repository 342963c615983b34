/** Lambda REQUEST authorizer of the control-plane and tenant APIs. */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { ApiName } from '../contracts/routes';
import type { TenantRecord } from '../contracts/tenant-record';
import { dynamoDb, requiredEnv } from '../functions/shared/aws-clients';
import { TtlCache } from '../functions/shared/ttl-cache';
import { type AuthorizerDeps, authorize, UnauthorizedError } from './authorize';
import { TenantCredentialsCache } from './credentials-cache';
import { siloPoolResolver } from './silo-pools';
import { stsTenantCredentials } from './sts-credentials';
import { TokenVerifier, type TrustedPool } from './token-verifier';

const logger = new Logger();
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');
const config = {
  api: requiredEnv('API_NAME') as ApiName,
  operatorPoolId: process.env.OPERATOR_USER_POOL_ID,
  siloTenantId: process.env.SILO_TENANT_ID || undefined,
};

/** Tenant rows change rarely (activation): a short cache keeps the registry off the hot path. */
const TENANT_CACHE_MS = 5_000;
const tenantCache = new TtlCache<TenantRecord>(10_000);

async function getTenant(tenantId: string): Promise<TenantRecord | undefined> {
  const cached = tenantCache.get(tenantId, Date.now());
  if (cached) return cached;
  const result = await dynamoDb().send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId } }));
  const tenant = result.Item as TenantRecord | undefined;
  // Only ACTIVE tenants are cached: a reactivated tenant must not be refused from a stale entry
  // (API Gateway would then cache that Deny for the token's whole result TTL).
  if (tenant?.status === 'ACTIVE') tenantCache.set(tenantId, tenant, TENANT_CACHE_MS, Date.now());
  return tenant;
}

/**
 * The control plane also serves silo tenants' admins (TRUST_SILO_USER_POOLS): their pools are
 * trusted from the registry. A tenant stack's authorizer trusts its configured pools only.
 */
const verifier = new TokenVerifier({
  pools: JSON.parse(requiredEnv('TRUSTED_USER_POOLS')) as TrustedPool[],
  resolvePool: process.env.TRUST_SILO_USER_POOLS === 'true' ? siloPoolResolver(getTenant) : undefined,
});

/**
 * Pooled APIs set TENANT_DATA_ROLE_ARN: the authorizer then hands each request STS credentials
 * scoped to its tenant, cached per tenant. They must outlive the authorizer result (API Gateway
 * reuses the cached context for AUTHORIZER_RESULT_TTL_SECONDS) plus a function's run time.
 */
const tenantDataRoleArn = process.env.TENANT_DATA_ROLE_ARN;
export const credentialsCache = tenantDataRoleArn
  ? new TenantCredentialsCache({
      assume: stsTenantCredentials({
        roleArn: tenantDataRoleArn,
        tableArns: JSON.parse(requiredEnv('TENANT_TABLE_ARNS')) as string[],
      }),
      refreshBeforeExpiryMs: (Number(process.env.AUTHORIZER_RESULT_TTL_SECONDS ?? 300) + 120) * 1000,
      maxEntries: 1000,
    })
  : undefined;

const deps: AuthorizerDeps = {
  verify: (token) => verifier.verify(token),
  getTenant,
  credentialsFor: credentialsCache && ((tenantId) => credentialsCache.get(tenantId)),
};

export async function handler(event: APIGatewayRequestAuthorizerEvent) {
  try {
    return await authorize(config, deps, event);
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new Error('Unauthorized');
    logger.error('Authorizer failure', error as Error);
    throw error;
  }
}
