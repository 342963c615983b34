import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledgeExecutionsOf } from '../../infra/constructs/nag';
import { registryTable } from '../../infra/constructs/registry-table';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

export interface RegistrationsFunctionProps {
  readonly foundation: FoundationStack;
  /** The onboarding state machine a sign-up starts (one execution per registration). */
  readonly onboarding: sfn.StateMachine;
  /** Pending approvals: a registration waiting for one reads AWAITING_APPROVAL. */
  readonly approvals: dynamodb.ITable;
}

/** The control plane's sign-up and registration status, with its Registrations table. */
export function registrationsFunction(stack: Stack, props: RegistrationsFunctionProps): AppFunction {
  const { foundation, onboarding } = props;
  const registrations = registryTable(stack, 'Registrations', { partitionKey: 'registrationId' });
  const fn = new AppFunction(stack, 'RegistrationsFunction', {
    entry: 'functions/registrations/handler.ts',
    description: 'Control plane: sign-up and registration status',
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
      REGISTRATIONS_TABLE: registrations.tableName,
      ONBOARDING_STATE_MACHINE_ARN: onboarding.stateMachineArn,
      APPROVALS_TABLE: props.approvals.tableName,
    },
  });
  props.approvals.grant(fn, 'dynamodb:GetItem', 'dynamodb:Scan');
  registrations.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  foundation.tenantNames.grant(fn, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
  // A registration whose execution left Step Functions' history reads its tenant's status.
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem');
  onboarding.grantStartExecution(fn);
  onboarding.grantExecution(fn, 'states:DescribeExecution', 'states:GetExecutionHistory');
  acknowledgeExecutionsOf(
    onboarding,
    fn.executionRole,
    'Registration status reads executions of the onboarding state machine; execution names are registration ids minted at sign-up, so the execution part must be a wildcard.',
  );
  return fn;
}
