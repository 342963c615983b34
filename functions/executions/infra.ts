import type { Stack } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledgeExecutionsOf } from '../../infra/constructs/nag';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

export interface ExecutionsFunctionProps {
  readonly foundation: FoundationStack;
  /** The onboarding state machine whose executions operators watch, redrive and stop. */
  readonly onboarding: sfn.StateMachine;
}

/** The control plane's operator view of onboarding executions. */
export function executionsFunction(stack: Stack, props: ExecutionsFunctionProps): AppFunction {
  const { foundation, onboarding } = props;
  const fn = new AppFunction(stack, 'ExecutionsFunction', {
    entry: 'functions/executions/handler.ts',
    description: 'Control plane: operators watch, redrive and stop workflow executions',
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      ONBOARDING_STATE_MACHINE_ARN: onboarding.stateMachineArn,
    },
  });
  onboarding.grant(fn, 'states:ListExecutions', 'states:DescribeStateMachine');
  onboarding.grantExecution(
    fn,
    'states:DescribeExecution',
    'states:GetExecutionHistory',
    'states:RedriveExecution',
    'states:StopExecution',
  );
  foundation.tenantDetails.grant(fn, 'dynamodb:UpdateItem');
  acknowledgeExecutionsOf(
    onboarding,
    fn.executionRole,
    'Operators act on any onboarding execution (describe, history, redrive, stop) — of that one state machine only.',
  );
  return fn;
}
