import type { Stack } from 'aws-cdk-lib';
import { AppFunction } from '../../infra/constructs/app-function';
import { sendTemplatedMail } from '../../infra/constructs/templated-mail';
import { grantOnTenantUserPools } from '../../infra/constructs/tenant-user-pool-grants';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

/** The mail to a user a tenant admin added; the local outbox reports it as template "invite". */
export const INVITE_TEMPLATE_NAME = 'tenantflow-invite';

export interface UsersFunctionProps {
  readonly foundation: FoundationStack;
  /** Sender of the invitation mail (an SES-verified identity on AWS). */
  readonly mailFrom: string;
}

/** The control plane's view of a tenant admin's users, and the invitation mail it sends. */
export function usersFunction(stack: Stack, props: UsersFunctionProps): AppFunction {
  const { foundation, mailFrom } = props;
  const fn = new AppFunction(stack, 'UsersFunction', {
    entry: 'functions/users/handler.ts',
    description: "Control plane: a tenant admin's users",
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      MAIL_FROM: mailFrom,
      INVITE_TEMPLATE_NAME,
    },
  });
  // UpdateItem: the set of users its admin disabled, which the authorizer reads.
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  grantOnTenantUserPools(
    fn,
    'cognito-idp:ListUsersInGroup',
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminAddUserToGroup',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminEnableUser',
  );
  sendTemplatedMail(fn, {
    id: 'InviteTemplate',
    templateName: INVITE_TEMPLATE_NAME,
    subject: 'You are invited to {{tenantName}} on tenantflow',
    text: 'An administrator of {{tenantName}} created your account.\nUsername: {{username}}\nTemporary password: {{temporaryPassword}}\nYou will choose a new password at first sign-in.',
    mailFrom,
  });
  return fn;
}
