/**
 * The tier catalog: the single source of truth for tiers, their deployment model and
 * their usage-plan limits. CDK (usage plans), the authorizer, the local gateway and the
 * console all read it from here.
 */

/** How a tier's tenants are deployed. */
export type DeploymentModel = 'pool' | 'silo';

/** Usage-plan limits applied per tenant API key. */
export interface UsagePlanLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Token-bucket size. */
  readonly burstLimit: number;
  /** Requests per day. */
  readonly quotaPerDay: number;
}

export interface TierDefinition {
  readonly name: TierName;
  readonly deploymentModel: DeploymentModel;
  readonly usagePlan: UsagePlanLimits;
}

export const TIER_NAMES = ['BASIC', 'STANDARD', 'PREMIUM', 'PLATINUM'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export const TIERS: Readonly<Record<TierName, TierDefinition>> = {
  BASIC: { name: 'BASIC', deploymentModel: 'pool', usagePlan: { rateLimit: 50, burstLimit: 50, quotaPerDay: 1_000 } },
  STANDARD: {
    name: 'STANDARD',
    deploymentModel: 'pool',
    usagePlan: { rateLimit: 75, burstLimit: 100, quotaPerDay: 3_000 },
  },
  PREMIUM: {
    name: 'PREMIUM',
    deploymentModel: 'pool',
    usagePlan: { rateLimit: 100, burstLimit: 200, quotaPerDay: 5_000 },
  },
  PLATINUM: {
    name: 'PLATINUM',
    deploymentModel: 'silo',
    usagePlan: { rateLimit: 300, burstLimit: 300, quotaPerDay: 10_000 },
  },
};

export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && (TIER_NAMES as readonly string[]).includes(value);
}
