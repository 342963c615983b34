import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledge } from '../../infra/constructs/nag';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';
import { FANOUT_STATE_MACHINE_NAME } from '../pipeline/fanout';

export interface ReleasesFunctionProps {
  readonly foundation: FoundationStack;
}

/** The control plane's operator view of releases (executions of the release fan-out). */
export function releasesFunction(stack: Stack, props: ReleasesFunctionProps): AppFunction {
  const { foundation } = props;
  // The release fan-out lives in the pipeline stack, which may depend on this one, not the other
  // way round: its fixed name gives its ARN without a cross-stack reference (no dependency cycle).
  const fanOutArn = `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:${FANOUT_STATE_MACHINE_NAME}`;
  const fn = new AppFunction(stack, 'ReleasesFunction', {
    entry: 'functions/releases/handler.ts',
    description: 'Control plane: operators watch releases (the fan-out to silo tenant stacks)',
    environment: {
      FANOUT_STATE_MACHINE_ARN: fanOutArn,
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
    },
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [fanOutArn] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [`${fanOutArn.replace(':stateMachine:', ':execution:')}:*`],
    }),
  );
  foundation.tenantDetails.grant(fn, 'dynamodb:BatchGetItem');
  foundation.tenantStackMapping.grant(fn, 'dynamodb:BatchGetItem');
  acknowledge(fn.executionRole, [
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${FANOUT_STATE_MACHINE_NAME}:*]`,
      reason:
        'Reads any release (execution) of the fan-out state machine, read-only; execution names are pipeline execution ids, unknown at deploy time.',
    },
  ]);
  return fn;
}
