/**
 * One X-Ray group per tier: the traces whose functions annotated that tier (Powertools Tracer,
 * TRACE_ANNOTATIONS.tier), with X-Ray Insights on, so a tier's latency and fault anomalies are
 * detected apart from the others'.
 */
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';
import { TRACE_ANNOTATIONS } from '../../../contracts/observability';
import { TIER_NAMES, type TierName } from '../../../contracts/tiers';

/** The filter expression of a tier's group. */
export function tierFilterExpression(tier: TierName): string {
  return `annotation.${TRACE_ANNOTATIONS.tier} = "${tier}"`;
}

/** The group's name (one control plane per account and region, like the dashboard's `tenantflow`). */
export function tierGroupName(tier: TierName): string {
  return `tenantflow-${tier}`;
}

export class TierTraceGroups extends Construct {
  readonly groups: Readonly<Record<TierName, xray.CfnGroup>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.groups = Object.fromEntries(
      TIER_NAMES.map((tier) => [
        tier,
        new xray.CfnGroup(this, tier, {
          groupName: tierGroupName(tier),
          filterExpression: tierFilterExpression(tier),
          insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
        }),
      ]),
    ) as Record<TierName, xray.CfnGroup>;
  }
}
