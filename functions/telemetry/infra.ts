import { Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledge } from '../../infra/constructs/nag';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';
import { SILO_LOG_GROUP_PREFIX } from './telemetry';

export interface TelemetryFunctionProps {
  readonly foundation: FoundationStack;
  /** The pooled tenant API's function log groups (pool tenants' request lines). */
  readonly pooledApiLogGroups: readonly logs.ILogGroup[];
  /** The control plane's and the onboarding's function log groups (every tenant's sign-up and operations). */
  readonly sharedLogGroups: readonly logs.ILogGroup[];
}

/**
 * The control plane's telemetry view: a tenant's traces (X-Ray) and log lines (CloudWatch Logs),
 * one trace as a waterfall. It reads only the log groups named here and, for silo tenants, the
 * groups of the `tenantflow-silo-*` stacks.
 */
export function telemetryFunction(stack: Stack, props: TelemetryFunctionProps): AppFunction {
  const { foundation } = props;
  const groupNames = (groups: readonly logs.ILogGroup[]) =>
    Fn.join(
      ',',
      groups.map((group) => group.logGroupName),
    );
  const fn = new AppFunction(stack, 'TelemetryFunction', {
    entry: 'functions/telemetry/handler.ts',
    description: "Control plane: operators read a tenant's traces and log lines",
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
      POOLED_API_LOG_GROUPS: groupNames(props.pooledApiLogGroups),
      SHARED_LOG_GROUPS: groupNames(props.sharedLogGroups),
    },
  });
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem');
  for (const group of [...props.pooledApiLogGroups, ...props.sharedLogGroups]) group.grant(fn, 'logs:FilterLogEvents');
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['logs:FilterLogEvents'],
      resources: [`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${SILO_LOG_GROUP_PREFIX}*`],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['logs:DescribeLogGroups'],
      resources: [`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['xray:GetTraceSummaries', 'xray:BatchGetTraces'], resources: ['*'] }),
  );
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource * only for X-Ray, which has no resource-level permissions: the tracing statement (PutTraceSegments, PutTelemetryRecords) and the reads of this view (GetTraceSummaries, BatchGetTraces). test/infra checks that no other action uses *.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${SILO_LOG_GROUP_PREFIX}*]`,
      reason:
        'A silo tenant’s log groups are created by its own stack (tenantflow-silo-<tenantId>) after this one is deployed, with names CloudFormation generates from the stack name: the prefix is the narrowest name that covers them, and it reads (FilterLogEvents) only.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
      reason:
        'DescribeLogGroups (to find a silo tenant’s log groups by their name prefix) is authorized on log-group:* only; it lists group names and reads no log event.',
    },
  ]);
  return fn;
}
