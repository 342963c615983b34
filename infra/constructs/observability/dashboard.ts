/**
 * The deployment's CloudWatch dashboard `tenantflow`: tenant API traffic, errors, latency and
 * throttles per tier, the top tenants (Contributor Insights), onboardings, release deploys, and
 * the alarms' states.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS } from '../../../contracts/observability';
import { TIER_NAMES } from '../../../contracts/tiers';
import {
  namespaceSeries,
  namespaceTotal,
  PERIOD,
  serverErrorRate,
  serviceTierMetric,
  throttledRequests,
  tierTotal,
} from './metrics';

export const DASHBOARD_NAME = 'tenantflow';

/** A Contributor Insights rule's top contributors (CDK has no widget class for it). */
export class ContributorInsightsWidget extends cloudwatch.ConcreteWidget {
  constructor(private readonly props: { readonly title: string; readonly ruleName: string; readonly region: string }) {
    super(8, 6);
  }

  toJson(): unknown[] {
    return [
      {
        type: 'metric',
        width: this.width,
        height: this.height,
        x: this.x,
        y: this.y,
        properties: {
          title: this.props.title,
          region: this.props.region,
          insightRule: { maxContributorCount: 10, orderBy: 'Sum', ruleName: this.props.ruleName },
          view: 'timeSeries',
          stacked: false,
          period: PERIOD.toSeconds(),
          legend: { position: 'bottom' },
        },
      },
    ];
  }
}

export interface DashboardProps {
  /** The Powertools service names of the tenant API's functions. */
  readonly tenantApiServices: readonly string[];
  /** The top-tenant rules' names: by requests, by errors, by throttles. */
  readonly topTenantRules: { readonly requests: string; readonly errors: string; readonly throttles: string };
  readonly onboarding: sfn.IStateMachine;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

export class TenantflowDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const services = props.tenantApiServices;
    const perTier = (metricName: (typeof METRICS)[keyof typeof METRICS]) =>
      TIER_NAMES.map((tier) => tierTotal(metricName, tier, services));
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period: PERIOD, ...extra });
    const latency = (statistic: 'p50' | 'p95') =>
      graph(
        `Tenant API latency ${statistic} (ms) per tier and service`,
        TIER_NAMES.flatMap((tier) => services.map((s) => serviceTierMetric(METRICS.latency, tier, s, statistic))),
      );
    const topTenants = (title: string, ruleName: string) =>
      new ContributorInsightsWidget({ title, ruleName, region: Stack.of(this).region });
    const { onboarding } = props;
    const executions = { period: PERIOD, statistic: 'Sum' };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: DASHBOARD_NAME });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# tenantflow\nTenant API per tier (sums over the services ${services.join(', ')}), top tenants, onboardings, releases. Saved queries: Logs Insights → Queries → folder \`tenantflow\` (docs/observability.md).`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Tenant API requests per tier', perTier(METRICS.requests)),
      graph('Tenant API client errors (4xx) per tier', perTier(METRICS.clientErrors)),
      graph('Tenant API server errors (5xx) per tier', perTier(METRICS.serverErrors)),
    );
    this.dashboard.addWidgets(
      graph(
        'Tenant API 5xx rate per tier (%)',
        TIER_NAMES.map((tier) => serverErrorRate(tier, services)),
      ),
      latency('p50'),
      latency('p95'),
    );
    this.dashboard.addWidgets(
      graph(
        'Throttled requests (429) per tier',
        TIER_NAMES.map((tier) => throttledRequests(tier)),
      ),
      topTenants('Top tenants by requests', props.topTenantRules.requests),
      topTenants('Top tenants by errors (4xx, 5xx)', props.topTenantRules.errors),
    );
    this.dashboard.addWidgets(
      topTenants('Top tenants by throttled requests', props.topTenantRules.throttles),
      graph('Onboardings', [
        namespaceTotal(METRICS.onboardingsSucceeded, 'Succeeded'),
        namespaceTotal(METRICS.onboardingsFailed, 'Failed'),
        namespaceTotal(METRICS.onboardingStepFailures, 'Step failures (each attempt)'),
      ]),
      graph('Onboarding executions (Step Functions)', [
        onboarding.metricSucceeded({ ...executions, label: 'Succeeded' }),
        onboarding.metricFailed({ ...executions, label: 'Failed' }),
        onboarding.metricTimedOut({ ...executions, label: 'Timed out' }),
        onboarding.metricAborted({ ...executions, label: 'Stopped' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Onboarding duration, sign-up to ACTIVE (ms)', [
        namespaceSeries(METRICS.onboardingDuration, 'p50', 'p50'),
        namespaceSeries(METRICS.onboardingDuration, 'p95', 'p95'),
      ]),
      graph(
        'Release deploys of tenant stacks',
        [
          namespaceTotal(METRICS.releaseDeploysSucceeded, 'Updated'),
          namespaceTotal(METRICS.releaseDeploysUnchanged, 'Unchanged'),
          namespaceTotal(METRICS.releaseDeploysFailed, 'Failed'),
        ],
        { stacked: true },
      ),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 8, height: 6 }),
    );
  }
}
