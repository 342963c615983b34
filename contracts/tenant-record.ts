import type { DeploymentModel, TierName } from './tiers';

/** Where a tenant stands in its lifecycle. */
export const TENANT_STATUSES = ['AWAITING_APPROVAL', 'ONBOARDING', 'ACTIVE', 'INACTIVE', 'FAILED'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** A row of TenantDetails (the tenant registry). */
export interface TenantRecord {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tenantNameKey: string;
  readonly tier: TierName;
  readonly deploymentModel: DeploymentModel;
  readonly status: TenantStatus;
  readonly email: string;
  readonly companyName?: string;
  readonly registrationId: string;
  readonly userPoolId?: string;
  readonly appClientId?: string;
  readonly apiUrl?: string;
  readonly apiKeyId?: string;
  /** The API key value the authorizer returns as usageIdentifierKey. */
  readonly apiKeyValue?: string;
  readonly adminUsername?: string;
  readonly failedStep?: string;
  readonly failureCause?: string;
  /**
   * Usernames (lower-case) its admin disabled: the authorizer refuses them (their ID tokens stay
   * valid up to an hour) and a reactivation of the tenant leaves them disabled. A DynamoDB string set.
   */
  readonly disabledUsers?: ReadonlySet<string>;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

/** What operators see of a tenant (no API key value). */
export function tenantView(tenant: TenantRecord) {
  return {
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    tier: tenant.tier,
    deploymentModel: tenant.deploymentModel,
    status: tenant.status,
    email: tenant.email,
    companyName: tenant.companyName,
    registrationId: tenant.registrationId,
    userPoolId: tenant.userPoolId,
    appClientId: tenant.appClientId,
    apiUrl: tenant.apiUrl,
    failedStep: tenant.failedStep,
    failureCause: tenant.failureCause,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}
