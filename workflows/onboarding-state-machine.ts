/**
 * The onboarding state machine's resources (definition: onboarding.ts), created in the
 * control-plane stack's own scope so their logical ids are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ONBOARDING_STATES } from '../contracts/onboarding-states';
import { acknowledge, lambdaInvokeAcknowledgment } from '../infra/constructs/nag';
import {
  DEFAULT_APPROVAL_TIMEOUT,
  type OnboardingDefinitionProps,
  type OnboardingStepFunctions,
  onboardingDefinition,
} from './onboarding';

/** The onboarding state machine (standard, traced, logged without execution data). */
export function onboardingStateMachine(
  stack: Stack,
  steps: OnboardingStepFunctions,
  props: OnboardingDefinitionProps = {},
): sfn.StateMachine {
  const approvalTimeout = props.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT;
  const stateMachineLogs = new logs.LogGroup(stack, 'OnboardingLogs', { retention: logs.RetentionDays.ONE_MONTH });
  const onboarding = new sfn.StateMachine(stack, 'OnboardingStateMachine', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(onboardingDefinition(stack, steps, props)),
    tracingEnabled: true,
    // The work takes minutes; a registration may also wait for approval that long.
    timeout: Duration.hours(2).plus(approvalTimeout),
    logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    comment: `tenantflow onboarding (${Object.values(ONBOARDING_STATES).length} states)`,
  });
  acknowledge(onboarding.role, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Resource * only in the statements Step Functions needs for tracing (xray:PutTraceSegments/PutTelemetryRecords/GetSampling*), for vended log delivery (logs:*LogDelivery*, PutResourcePolicy, Describe*) and for cognito-idp:CreateUserPool (a PLATINUM tenant's own pool): none supports resource-level permissions.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
      reason:
        'CreateUserPoolClient on the user pool created one step earlier for a PLATINUM tenant; its id is unknown at deploy time.',
    },
    // LambdaInvoke grants each step function and its versions/aliases (`<arn>:*`): one function each.
    ...Object.values(steps).map((fn) => lambdaInvokeAcknowledgment(fn)),
  ]);
  return onboarding;
}

/** The EventBridge pattern of the onboarding's execution status changes. */
export function onboardingStatusChange(
  onboarding: sfn.IStateMachine,
  statuses: string[],
  extra: Record<string, string[]> = {},
): events.EventPattern {
  return {
    source: ['aws.states'],
    detailType: ['Step Functions Execution Status Change'],
    detail: { stateMachineArn: [onboarding.stateMachineArn], status: statuses, ...extra },
  };
}

/**
 * Unsuccessful executions are recorded on the tenant by a rule on their status change (not by a
 * Catch: redrive must resume at the failed step).
 */
export function recordFailedOnboardings(
  stack: Stack,
  onboarding: sfn.IStateMachine,
  recordFailure: lambda.IFunction,
): events.Rule {
  return new events.Rule(stack, 'OnboardingFailedRule', {
    description: 'Records a failed onboarding on its tenant',
    eventPattern: onboardingStatusChange(onboarding, ['FAILED', 'TIMED_OUT']),
    targets: [new targets.LambdaFunction(recordFailure, { retryAttempts: 4 })],
  });
}
