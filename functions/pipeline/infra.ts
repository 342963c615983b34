import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledge } from '../../infra/constructs/nag';
import type { DeployFanOutFunctions } from '../../workflows/deploy-fanout';

export interface ReleaseFanOutFunctionsProps {
  /** The TenantStackMapping table: the silo tenants to release to and their deployments. */
  readonly tenantStackMapping: dynamodb.ITable;
}

/** The release fan-out's steps, as AppFunctions. */
export type ReleaseFanOutFunctions = { readonly [Step in keyof DeployFanOutFunctions]: AppFunction };

/** The functions behind the release fan-out's Lambda tasks (one entry, one handler each). */
export function releaseFanOutFunctions(stack: Stack, props: ReleaseFanOutFunctionsProps): ReleaseFanOutFunctions {
  const mapping = props.tenantStackMapping;
  const step = (id: string, handler: string) =>
    new AppFunction(stack, id, {
      entry: 'functions/pipeline/handlers.ts',
      handler,
      description: `Release fan-out step ${handler}`,
      environment: { TENANT_STACK_MAPPING_TABLE: mapping.tableName },
    });
  const functions = {
    planRelease: step('PlanReleaseFunction', 'planRelease'),
    recordDeployment: step('RecordDeploymentFunction', 'recordTenantDeployment'),
    assessWave: step('AssessWaveFunction', 'assessWave'),
    summarizeRelease: step('SummarizeReleaseFunction', 'summarizeRelease'),
  };
  mapping.grant(functions.planRelease, 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem');
  mapping.grant(functions.recordDeployment, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  // Both may resume (or fail) an onboarding waiting for its tenant's stack.
  const taskTokens = new iam.PolicyStatement({
    actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
    resources: ['*'],
  });
  for (const fn of [functions.planRelease, functions.recordDeployment]) {
    fn.addToRolePolicy(taskTokens);
    acknowledge(fn.executionRole, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray (Tracing.ACTIVE) and states:SendTaskSuccess/SendTaskFailure: task tokens are not resources, Step Functions has no resource-level permission for them. The token comes from the TenantStackMapping row the onboarding wrote.',
      },
    ]);
  }
  return functions;
}
