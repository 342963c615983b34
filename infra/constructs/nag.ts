import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A cdk-nag finding accepted on purpose, with the reason written down. */
export interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges cdk-nag findings on a construct and everything under it. */
export function acknowledge(scope: IConstruct, acknowledgments: readonly Acknowledgment[]): void {
  for (const acknowledgment of acknowledgments) Validations.of(scope).acknowledge(acknowledgment);
}

/** The logical id of a construct's CloudFormation resource, which cdk-nag names in its findings (`<Id.Arn>`). */
export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** How cdk-nag renders the objects of the CDK bootstrap assets bucket. */
export const CDK_ASSET_OBJECTS = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';

/**
 * CDK's LambdaInvoke grant covers a function's versions and aliases (`<arn>:*`): the finding on
 * the state machine role that invokes `fn`.
 */
export function lambdaInvokeAcknowledgment(
  fn: IConstruct,
  reason = `Invoking ${fn.node.id} includes its versions and aliases (CDK LambdaInvoke grant); the wildcard never reaches another function.`,
): Acknowledgment {
  return { id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`, reason };
}

/**
 * How cdk-nag renders the executions of a state machine (what `grantExecution` grants, before
 * the `:*` for the execution name): the state machine's name is taken from its ARN.
 */
export function executionsOf(stateMachine: IConstruct): string {
  return `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(stateMachine)}"}]}]}`;
}

/**
 * Acknowledges `stateMachine.grantExecution(...)` on `role`: execution names are chosen at run
 * time, so the execution part is a wildcard, of that one state machine only.
 */
export function acknowledgeExecutionsOf(stateMachine: IConstruct, role: IConstruct, reason: string): void {
  acknowledge(role, [{ id: `AwsSolutions-IAM5[Resource::${executionsOf(stateMachine)}:*]`, reason }]);
}
