/**
 * Contributor Insights rules: the top tenants by requests, by error answers and by throttled
 * requests, over the pooled tenant API's log groups and, by name prefix, every silo tenant stack's
 * (CloudFormation names a log group without a name `<stack name>-<logical id>-<suffix>`, and silo
 * stacks are `tenantflow-silo-<tenantId>`), so PLATINUM tenants rank beside the pooled ones.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_KEYS, REQUEST_LOG_MESSAGE } from '../../../contracts/observability';
import { siloStackName } from '../../../contracts/onboarding-states';
import { ACCESS_LOG_KEYS, THROTTLED_STATUS } from './access-log';

/** Every log group of every silo tenant stack. */
export const SILO_LOG_GROUPS = `${siloStackName('')}*`;

/** The rules' names (the dashboard's top-tenant widgets show them). */
export const INSIGHT_RULE_NAMES = {
  requests: 'tenantflow-top-tenants-by-requests',
  errors: 'tenantflow-top-tenants-by-errors',
  throttles: 'tenantflow-top-tenants-by-throttles',
} as const;

type RuleFilter = Record<string, unknown> & { readonly Match: string };

/** A CloudWatchLogRule v1 body: contributors are (tenantId, tier), counted. */
export function ruleBody(logGroupNames: readonly string[], filters: readonly RuleFilter[]) {
  return {
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: logGroupNames,
    LogFormat: 'JSON',
    Contribution: { Keys: [`$.${LOG_KEYS.tenantId}`, `$.${LOG_KEYS.tier}`], Filters: filters },
    AggregateOn: 'Count',
  };
}

const requestLines: RuleFilter = { Match: `$.${LOG_KEYS.message}`, In: [REQUEST_LOG_MESSAGE] };
/** Rules have no "greater or equal": statuses are integers, so > 399 is ≥ 400. */
const errorAnswers: RuleFilter = { Match: `$.${LOG_KEYS.statusCode}`, GreaterThan: 399 };
const throttled: RuleFilter = { Match: `$.${ACCESS_LOG_KEYS.status}`, EqualTo: THROTTLED_STATUS };

export interface TopTenantRulesProps {
  /** The log groups of the functions behind the pooled tenant API (request lines). */
  readonly tenantApiFunctions: readonly logs.ILogGroup[];
  /** The pooled tenant API's access log group. */
  readonly tenantApiAccessLogs: readonly logs.ILogGroup[];
}

export class TopTenantRules extends Construct {
  readonly requests: cloudwatch.CfnInsightRule;
  readonly errors: cloudwatch.CfnInsightRule;
  readonly throttles: cloudwatch.CfnInsightRule;

  constructor(scope: Construct, id: string, props: TopTenantRulesProps) {
    super(scope, id);
    const names = (groups: readonly logs.ILogGroup[]) => [...groups.map((g) => g.logGroupName), SILO_LOG_GROUPS];
    const rule = (ruleId: string, ruleName: string, body: object) =>
      new cloudwatch.CfnInsightRule(this, ruleId, {
        ruleName,
        ruleState: 'ENABLED',
        ruleBody: Stack.of(this).toJsonString(body),
      });
    const functions = names(props.tenantApiFunctions);
    this.requests = rule('Requests', INSIGHT_RULE_NAMES.requests, ruleBody(functions, [requestLines]));
    this.errors = rule('Errors', INSIGHT_RULE_NAMES.errors, ruleBody(functions, [requestLines, errorAnswers]));
    this.throttles = rule(
      'Throttles',
      INSIGHT_RULE_NAMES.throttles,
      ruleBody(names(props.tenantApiAccessLogs), [throttled]),
    );
  }
}
