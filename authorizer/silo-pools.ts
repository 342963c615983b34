/**
 * Which user pool and app client the control plane trusts for a silo (PLATINUM) tenant: the
 * ones the tenant registry holds for it, written by onboarding. Silo pools are created at
 * onboarding, so unlike the operator and pooled pools they cannot be configuration.
 */
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { TenantRecord } from '../contracts/tenant-record';
import type { PoolResolver } from './token-verifier';

/**
 * A {@link PoolResolver} over the tenant registry. The token's tenant claim is unverified here,
 * so it only picks the registry row: the pool is trusted only if that row is a silo tenant's
 * and names this very pool, and the token must then verify with that row's app client as its
 * audience. A token of silo A claiming tenant B (pooled or silo) therefore names a pool B does
 * not own and is refused before any key is fetched.
 */
export function siloPoolResolver(getTenant: (tenantId: string) => Promise<TenantRecord | undefined>): PoolResolver {
  return async (userPoolId: string, unverifiedClaims: JwtPayload) => {
    const tenantId = unverifiedClaims['custom:tenantId'];
    if (typeof tenantId !== 'string' || tenantId === '') return undefined;
    const tenant = await getTenant(tenantId);
    if (tenant?.deploymentModel !== 'silo' || tenant.userPoolId !== userPoolId || !tenant.appClientId) return undefined;
    return { userPoolId, clientId: tenant.appClientId };
  };
}
