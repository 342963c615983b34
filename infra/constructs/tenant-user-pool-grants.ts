import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { AppFunction } from './app-function';
import { acknowledge } from './nag';

/** Every user pool of the stack's account and region: silo tenants' pools are created at onboarding. */
export function tenantUserPoolsArn(stack: Stack): string {
  return stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' });
}

/**
 * Grants named user-management actions on tenants' user pools. Silo tenants' pools are created
 * during onboarding, so the grant is on the user pools of this account and region.
 */
export function grantOnTenantUserPools(fn: AppFunction, ...actions: string[]): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [tenantUserPoolsArn(Stack.of(fn))] }));
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
      reason:
        'PLATINUM tenants get their own user pool at onboarding (ids unknown at deploy time); only the named user-management actions are granted.',
    },
  ]);
}
