/**
 * A deployment's observability on AWS, composed by the control-plane stack: the X-Ray groups per
 * tier, the Logs Insights saved queries and Contributor Insights rules over the pooled tenant
 * API's, the control plane's and the onboarding's log groups, the alarms and their topic, and the
 * dashboard. (Each tenant stack's own part, the access log and its metric filter, is built by
 * RoutedRestApi and the tenant stack.)
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AppFunction } from '../app-function';
import { Alarms } from './alarms';
import { TopTenantRules } from './contributor-insights';
import { TenantflowDashboard } from './dashboard';
import { SavedQueries } from './saved-queries';
import { type TenantApiTelemetry, tenantApiServices } from './tenant-api-telemetry';
import { TierTraceGroups } from './trace-groups';

export interface ObservabilityProps {
  /** The pooled tenant stack's tenant API (silo stacks serve the same services). */
  readonly tenantApi: TenantApiTelemetry;
  /** The functions behind the control-plane API. */
  readonly controlPlaneFunctions: readonly AppFunction[];
  readonly onboarding: sfn.IStateMachine;
  /** The onboarding's step functions (and the functions its status-change rules run). */
  readonly onboardingFunctions: readonly AppFunction[];
  /** Subscribes this address to the alarm topic. @default none */
  readonly alarmEmail?: string;
}

export class Observability extends Construct {
  readonly alarms: Alarms;
  readonly dashboard: TenantflowDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { tenantApi, onboarding } = props;
    const services = tenantApiServices(tenantApi);
    const tenantApiFunctions = tenantApi.functions.map((fn) => fn.logGroup);
    const tenantApiAccessLogs = [tenantApi.accessLogs];

    new TierTraceGroups(this, 'TraceGroups');
    new SavedQueries(this, 'Queries', {
      tenantApiFunctions,
      tenantApiAccessLogs,
      controlPlaneFunctions: props.controlPlaneFunctions.map((fn) => fn.logGroup),
      onboardingSteps: props.onboardingFunctions.map((fn) => fn.logGroup),
    });
    const rules = new TopTenantRules(this, 'TopTenants', { tenantApiFunctions, tenantApiAccessLogs });
    this.alarms = new Alarms(this, 'Alarms', { onboarding, tenantApiServices: services, alarmEmail: props.alarmEmail });
    this.dashboard = new TenantflowDashboard(this, 'Dashboard', {
      tenantApiServices: services,
      topTenantRules: {
        requests: rules.requests.attrRuleName,
        errors: rules.errors.attrRuleName,
        throttles: rules.throttles.attrRuleName,
      },
      onboarding,
      alarms: this.alarms.all,
    });
  }
}
