import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledge, acknowledgeExecutionsOf } from '../../infra/constructs/nag';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

export interface ExecutionsFunctionProps {
  readonly foundation: FoundationStack;
  /** The onboarding state machine whose executions operators watch, redrive and stop. */
  readonly onboarding: sfn.StateMachine;
  /** Pending approvals: the task tokens operators answer. */
  readonly approvals: dynamodb.ITable;
}

/** The control plane's operator view of onboarding executions, and the answers to their approvals. */
export function executionsFunction(stack: Stack, props: ExecutionsFunctionProps): AppFunction {
  const { foundation, onboarding } = props;
  const fn = new AppFunction(stack, 'ExecutionsFunction', {
    entry: 'functions/executions/handler.ts',
    description: 'Control plane: operators watch, redrive, stop, approve and reject workflow executions',
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      ONBOARDING_STATE_MACHINE_ARN: onboarding.stateMachineArn,
      APPROVALS_TABLE: props.approvals.tableName,
    },
  });
  props.approvals.grant(fn, 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Scan');
  // SendTask* have no resource-level permissions: a token is the capability.
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
  );
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskSuccess/SendTaskFailure support no resource-level permissions; the function answers only task tokens its approvals table holds (X-Ray also needs *).',
    },
  ]);
  onboarding.grant(fn, 'states:ListExecutions', 'states:DescribeStateMachine');
  onboarding.grantExecution(
    fn,
    'states:DescribeExecution',
    'states:GetExecutionHistory',
    'states:RedriveExecution',
    'states:StopExecution',
  );
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  acknowledgeExecutionsOf(
    onboarding,
    fn.executionRole,
    'Operators act on any onboarding execution (describe, history, redrive, stop) — of that one state machine only.',
  );
  return fn;
}
