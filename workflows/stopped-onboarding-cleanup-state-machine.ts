/**
 * The stopped-onboarding cleanup's resources (definition: stopped-onboarding-cleanup.ts) and the
 * rule that starts it, created in the control-plane stack's own scope.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { STOPPED_BY_OPERATOR_ERROR } from '../contracts/onboarding-states';
import { acknowledge, lambdaInvokeAcknowledgment } from '../infra/constructs/nag';
import { tenantUserPoolsArn } from '../infra/constructs/tenant-user-pool-grants';
import { onboardingStatusChange } from './onboarding-state-machine';
import { stoppedOnboardingCleanupDefinition } from './stopped-onboarding-cleanup';

/**
 * The cleanup workflow, started by a rule when an operator stops an onboarding (ABORTED with
 * the operator's error); `removeTenantRecords` is its first task.
 */
export function stoppedOnboardingCleanup(
  stack: Stack,
  onboarding: sfn.IStateMachine,
  removeTenantRecords: lambda.IFunction,
): sfn.StateMachine {
  const cleanup = new sfn.StateMachine(stack, 'StoppedOnboardingCleanup', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(stoppedOnboardingCleanupDefinition(stack, removeTenantRecords)),
    tracingEnabled: true,
    timeout: Duration.minutes(15),
    logs: {
      destination: new logs.LogGroup(stack, 'StoppedOnboardingCleanupLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
    comment: 'tenantflow: removes what a stopped onboarding created (silo: its stack and user pool too)',
  });
  // The workflow may delete tenant pools only: the operator and pooled pools carry no tenant tag.
  cleanup.addToRolePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['cognito-idp:DeleteUserPool'],
      resources: [tenantUserPoolsArn(stack)],
      conditions: { Null: { 'aws:ResourceTag/tenantflow:tenantId': 'true' } },
    }),
  );
  acknowledge(cleanup.role, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource * only in the statements Step Functions needs for tracing (xray:PutTraceSegments/PutTelemetryRecords/GetSampling*) and vended log delivery (logs:*LogDelivery*, PutResourcePolicy, Describe*): none supports resource-level permissions.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
      reason:
        "DeleteUserPool on a stopped PLATINUM tenant's own pool (id known only at run time); an explicit Deny refuses every pool without the tenantflow:tenantId tag, i.e. the operator and pooled pools.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/tenantflow-silo-*/*]',
      reason: 'DeleteStack on silo tenant stacks only (named tenantflow-silo-<tenantId>).',
    },
    lambdaInvokeAcknowledgment(
      removeTenantRecords,
      'Invoking the cleanup function includes its versions and aliases (CDK LambdaInvoke grant).',
    ),
  ]);
  new events.Rule(stack, 'OnboardingStoppedRule', {
    description: 'Removes what a stopped onboarding created',
    eventPattern: onboardingStatusChange(onboarding, ['ABORTED'], { error: [STOPPED_BY_OPERATOR_ERROR] }),
    targets: [new targets.SfnStateMachine(cleanup, { retryAttempts: 4 })],
  });
  return cleanup;
}
