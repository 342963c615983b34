/** Lambda REQUEST authorizer of the control-plane and tenant APIs. */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { dynamoDb, requiredEnv } from '../functions/shared/aws-clients';
import type { ApiName } from '../functions/shared/routes';
import type { TenantRecord } from '../functions/shared/tenant-record';
import { authorize, UnauthorizedError } from './authorize';
import { TokenVerifier, type TrustedPool } from './token-verifier';

const logger = new Logger();
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');
const verifier = new TokenVerifier(JSON.parse(requiredEnv('TRUSTED_USER_POOLS')) as TrustedPool[]);
const config = {
  api: requiredEnv('API_NAME') as ApiName,
  operatorPoolId: process.env.OPERATOR_USER_POOL_ID,
  siloTenantId: process.env.SILO_TENANT_ID || undefined,
};

/** Tenant rows change rarely (activation): a short cache keeps the registry off the hot path. */
const TENANT_CACHE_MS = 5_000;
const tenantCache = new Map<string, { tenant: TenantRecord | undefined; expires: number }>();

async function getTenant(tenantId: string): Promise<TenantRecord | undefined> {
  const cached = tenantCache.get(tenantId);
  if (cached && cached.expires > Date.now()) return cached.tenant;
  const result = await dynamoDb().send(new GetCommand({ TableName: TENANTS_TABLE, Key: { tenantId } }));
  const tenant = result.Item as TenantRecord | undefined;
  if (tenantCache.size > 10_000) tenantCache.clear();
  tenantCache.set(tenantId, { tenant, expires: Date.now() + TENANT_CACHE_MS });
  return tenant;
}

export async function handler(event: APIGatewayRequestAuthorizerEvent) {
  try {
    return await authorize(config, { verify: (token) => verifier.verify(token), getTenant }, event);
  } catch (error) {
    if (error instanceof UnauthorizedError) throw new Error('Unauthorized');
    logger.error('Authorizer failure', error as Error);
    throw error;
  }
}
