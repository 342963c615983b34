/**
 * The cleanup after an operator stops an onboarding, started by the rule on the onboarding's
 * ABORTED status change (the event is its input):
 *
 *   RemoveTenantRecords → IsSiloTenant
 *     silo → DeleteTenantStack → DeleteTenantUserPool → Cleaned   (CloudFormation / Cognito SDK integrations)
 *     pool → Cleaned
 *
 * A workflow rather than one function: the silo teardown is AWS SDK integrations (CloudFormation
 * is reached the same way the release fan-out reaches it), and a cleanup that fails is a failed
 * execution of its own, in Step Functions, that can be redriven from the failed step.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { siloStackName } from '../contracts/onboarding-states';
import { retryTransientErrors } from './onboarding';

export const CLEANUP_STATES = {
  removeTenantRecords: 'RemoveTenantRecords',
  isSiloTenant: 'IsSiloTenant',
  deleteTenantStack: 'DeleteTenantStack',
  deleteTenantUserPool: 'DeleteTenantUserPool',
  cleaned: 'Cleaned',
} as const;

export function stoppedOnboardingCleanupDefinition(
  scope: Construct,
  removeTenantRecords: lambda.IFunction,
): sfn.IChainable {
  const S = CLEANUP_STATES;
  const removeRecords = retryTransientErrors(
    new tasks.LambdaInvoke(scope, S.removeTenantRecords, {
      lambdaFunction: removeTenantRecords,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.cleanup',
    }),
  );
  const deleteStack = new tasks.CallAwsService(scope, S.deleteTenantStack, {
    service: 'cloudformation',
    action: 'deleteStack',
    iamAction: 'cloudformation:DeleteStack',
    parameters: { StackName: sfn.JsonPath.stringAt('$.cleanup.silo.stackName') },
    iamResources: [
      Stack.of(scope).formatArn({
        service: 'cloudformation',
        resource: 'stack',
        resourceName: `${siloStackName('*')}/*`,
      }),
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const deleteUserPool = new tasks.CallAwsService(scope, S.deleteTenantUserPool, {
    service: 'cognitoidentityprovider',
    action: 'deleteUserPool',
    iamAction: 'cognito-idp:DeleteUserPool',
    parameters: { UserPoolId: sfn.JsonPath.stringAt('$.cleanup.silo.userPoolId') },
    // Tenant pools are created at onboarding (ids unknown here); the role's policy adds a tag condition.
    iamResources: [Stack.of(scope).formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })],
    resultPath: sfn.JsonPath.DISCARD,
  });
  for (const [task, service] of [
    [deleteStack, 'CloudFormation.CloudFormationException'],
    [deleteUserPool, 'CognitoIdentityProvider.TooManyRequestsException'],
  ] as const) {
    task.addRetry({
      errors: [service],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
  }
  const cleaned = new sfn.Succeed(scope, S.cleaned);
  const deletePool = new sfn.Choice(scope, 'HasTenantUserPool')
    .when(sfn.Condition.isPresent('$.cleanup.silo.userPoolId'), deleteUserPool.next(cleaned))
    .otherwise(cleaned);
  return removeRecords.next(
    new sfn.Choice(scope, S.isSiloTenant)
      .when(sfn.Condition.isPresent('$.cleanup.silo.stackName'), deleteStack.next(deletePool))
      .otherwise(cleaned),
  );
}
