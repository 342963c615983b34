/**
 * The release fan-out state machine's resources (definition: deploy-fanout.ts), created in the
 * pipeline stack's own scope so their logical ids are the stack's.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FANOUT_STATE_MACHINE_NAME } from '../functions/pipeline/fanout';
import { cdkAssetObjectsArn } from '../infra/constructs/arns';
import { acknowledge, CDK_ASSET_OBJECTS, executionsOf, lambdaInvokeAcknowledgment } from '../infra/constructs/nag';
import { type DeployFanOutFunctions, deployFanOutDefinition } from './deploy-fanout';

export interface DeployFanOutStateMachineProps {
  readonly functions: DeployFanOutFunctions;
  /** The CloudFormation service role tenant stacks are deployed with. */
  readonly cloudFormationRole: iam.IRole;
  /** Share of a wave's tenants that may fail before the release stops. @default 10 */
  readonly toleratedFailurePercentage?: number;
}

/** The release fan-out (named FANOUT_STATE_MACHINE_NAME, so the control plane finds it without a reference). */
export function deployFanOutStateMachine(stack: Stack, props: DeployFanOutStateMachineProps): sfn.StateMachine {
  const fanOutLogs = new logs.LogGroup(stack, 'FanOutLogs', { retention: logs.RetentionDays.ONE_MONTH });
  const fanOut = new sfn.StateMachine(stack, 'FanOutStateMachine', {
    stateMachineName: FANOUT_STATE_MACHINE_NAME,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(
      deployFanOutDefinition(stack, {
        functions: props.functions,
        toleratedFailurePercentage: props.toleratedFailurePercentage,
        cloudFormationRole: props.cloudFormationRole,
        // CloudFormation reads TemplateURL with the caller's rights.
        templateReadStatements: [
          new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [cdkAssetObjectsArn(stack)] }),
        ],
      }),
    ),
    tracingEnabled: true,
    timeout: Duration.hours(12),
    logs: { destination: fanOutLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    comment: 'tenantflow release fan-out: deploys the silo template to every silo tenant stack, in waves',
  });
  const executions = executionsOf(fanOut);
  acknowledge(fanOut, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements Step Functions needs for X-Ray tracing and vended log delivery, which have no resource-level permissions.',
    },
    ...Object.values(props.functions).map((fn) => lambdaInvokeAcknowledgment(fn)),
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/tenantflow-silo-*/*]',
      reason:
        'Tenant stacks are created per tenant (tenantflow-silo-<tenantId>) and their stack ids are generated: describe/create/update/delete only stacks with that prefix.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${CDK_ASSET_OBJECTS}]`,
      reason:
        "CloudFormation reads TemplateURL with the caller's rights; the template is a content-hashed object in the CDK bootstrap assets bucket. Read only.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::${executions}:*]`,
      reason:
        'The Distributed Map runs each tenant as a child execution of this state machine (CDK DistributedMap grant): describe/stop its own executions only.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${executions}/*:*]`,
      reason: "Redrive of the Distributed Map's own child executions (CDK DistributedMap grant).",
    },
  ]);
  return fanOut;
}
