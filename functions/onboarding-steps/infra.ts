/**
 * The onboarding's step functions (the Lambda tasks of workflows/onboarding.ts) and the two
 * functions its status-change rules run, each with its grants and acknowledgments. They are
 * created in the control-plane stack's own scope, so their logical ids are the stack's.
 */
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AppFunction, type AppFunctionProps } from '../../infra/constructs/app-function';
import { apiGatewayArn } from '../../infra/constructs/arns';
import { acknowledge, acknowledgeExecutionsOf } from '../../infra/constructs/nag';
import { sendTemplatedMail } from '../../infra/constructs/templated-mail';
import { grantOnTenantUserPools } from '../../infra/constructs/tenant-user-pool-grants';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';
import type { TenantStack } from '../../infra/stacks/tenant-stack';
import type { OnboardingStepFunctions } from '../../workflows/onboarding';
import type { Approvals } from '../approvals/infra';

/** The welcome mail's SES template name; the local outbox reports it as template "welcome". */
export const WELCOME_TEMPLATE_NAME = 'tenantflow-welcome';
/** The mail telling an applicant their registration was not approved (template "rejection" locally). */
export const REJECTION_TEMPLATE_NAME = 'tenantflow-rejection';

export interface OnboardingStepFunctionsProps {
  readonly foundation: FoundationStack;
  /** The pooled tenant stack: its usage plans, API URL and stack name. */
  readonly pooledStack: TenantStack;
  /** Sender of the welcome mail (an SES-verified identity on AWS). */
  readonly mailFrom: string;
  /** The tenant pipeline a silo tenant's onboarding starts. */
  readonly tenantPipelineName: string;
  /** The pending approvals and the approval step every lifecycle workflow shares. */
  readonly approvals: Approvals;
}

/** The onboarding's step functions, as AppFunctions. */
export type OnboardingSteps = { readonly [Step in keyof OnboardingStepFunctions]: AppFunction };

/**
 * One function per step (`validateRegistration` → `validate-registration.ts`): each bundle holds
 * only the AWS SDK clients its step calls (smaller cold start, less code under each role).
 */
function stepFunction(
  stack: Stack,
  foundation: FoundationStack,
  id: string,
  handler: string,
  extra: Partial<AppFunctionProps> = {},
): AppFunction {
  return new AppFunction(stack, id, {
    entry: `functions/onboarding-steps/${handler.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`,
    handler,
    description: `Onboarding step ${handler}`,
    ...extra,
    environment: { TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName, ...extra.environment },
  });
}

/** The functions behind the onboarding's Lambda tasks, in the order of the workflow. */
export function onboardingStepFunctions(stack: Stack, props: OnboardingStepFunctionsProps): OnboardingSteps {
  const { foundation, pooledStack, mailFrom, tenantPipelineName, approvals } = props;
  const { tenantDetails, tenantStackMapping } = foundation;
  const pooled = foundation.pooledIdentity;
  const step = (id: string, handler: string, extra?: Partial<AppFunctionProps>) =>
    stepFunction(stack, foundation, id, handler, extra);
  const steps = {
    validate: step('ValidateRegistrationFunction', 'validateRegistration'),
    storeTenant: step('StoreTenantFunction', 'storeTenant'),
    createTenantAdmin: step('CreateTenantAdminFunction', 'createTenantAdmin', {
      environment: {
        POOLED_USER_POOL_ID: pooled.userPool.userPoolId,
        POOLED_APP_CLIENT_ID: pooled.appClient.userPoolClientId,
      },
    }),
    createApiKey: step('CreateApiKeyFunction', 'createApiKey', {
      environment: { USAGE_PLAN_IDS: stack.toJsonString(pooledStack.usagePlanIds) },
    }),
    writeStackMapping: step('WriteStackMappingFunction', 'writeStackMapping', {
      environment: {
        TENANT_STACK_MAPPING_TABLE: tenantStackMapping.tableName,
        POOLED_STACK_NAME: pooledStack.stackName,
        POOLED_API_URL: pooledStack.api.url,
      },
    }),
    sendWelcome: step('SendWelcomeMailFunction', 'sendWelcomeMail', {
      environment: { POOLED_USER_POOL_ID: pooled.userPool.userPoolId, MAIL_FROM: mailFrom, WELCOME_TEMPLATE_NAME },
    }),
    activateTenant: step('ActivateTenantFunction', 'activateTenant'),
    deployTenantStack: step('DeployTenantStackFunction', 'deployTenantStack', {
      environment: {
        TENANT_STACK_MAPPING_TABLE: tenantStackMapping.tableName,
        TENANT_PIPELINE_NAME: tenantPipelineName,
      },
    }),
    requestApproval: approvals.requestApproval,
    closeRejectedRegistration: step('CloseRejectedRegistrationFunction', 'closeRejectedRegistration', {
      environment: {
        APPROVALS_TABLE: approvals.table.tableName,
        TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
        MAIL_FROM: mailFrom,
        REJECTION_TEMPLATE_NAME,
      },
    }),
  };
  tenantDetails.grant(steps.closeRejectedRegistration, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  approvals.table.grant(steps.closeRejectedRegistration, 'dynamodb:DeleteItem');
  foundation.tenantNames.grant(steps.closeRejectedRegistration, 'dynamodb:DeleteItem');
  sendTemplatedMail(steps.closeRejectedRegistration, {
    id: 'RejectionTemplate',
    templateName: REJECTION_TEMPLATE_NAME,
    subject: 'Your tenantflow registration of {{tenantName}} was not approved',
    text: 'Your registration of {{tenantName}} ({{tier}}) was not approved.\nReason: {{reason}}\nNothing was created for it, and the name is free again.',
    mailFrom,
  });
  tenantDetails.grant(steps.storeTenant, 'dynamodb:PutItem', 'dynamodb:GetItem');
  for (const fn of [steps.createTenantAdmin, steps.createApiKey, steps.writeStackMapping, steps.activateTenant]) {
    tenantDetails.grant(fn, 'dynamodb:UpdateItem');
  }
  tenantDetails.grant(steps.sendWelcome, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  tenantStackMapping.grant(steps.writeStackMapping, 'dynamodb:PutItem');
  grantOnTenantUserPools(
    steps.createTenantAdmin,
    'cognito-idp:CreateGroup',
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminAddUserToGroup',
  );
  grantOnTenantUserPools(steps.sendWelcome, 'cognito-idp:AdminSetUserPassword');
  grantApiKeyManagement(steps.createApiKey);
  tenantStackMapping.grant(steps.writeStackMapping, 'dynamodb:UpdateItem');
  tenantStackMapping.grant(steps.deployTenantStack, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  steps.deployTenantStack.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['codepipeline:StartPipelineExecution'],
      resources: [stack.formatArn({ service: 'codepipeline', resource: tenantPipelineName })],
    }),
  );
  // SendTaskSuccess has no resource-level permissions (and naming the state machine would be a cycle).
  steps.deployTenantStack.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }),
  );
  acknowledge(steps.deployTenantStack.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskSuccess supports no resource-level permissions; the function only resumes the onboarding whose task token it was given (X-Ray also needs *).',
    },
  ]);
  sendTemplatedMail(steps.sendWelcome, {
    id: 'WelcomeTemplate',
    templateName: WELCOME_TEMPLATE_NAME,
    subject: 'Welcome to tenantflow, {{tenantName}}',
    text: 'Your tenant {{tenantName}} is ready.\nUsername: {{username}}\nTemporary password: {{temporaryPassword}}\nYou will choose a new password at first sign-in.',
    mailFrom,
  });
  return steps;
}

/**
 * API keys: list (GetApiKeys, GET /apikeys) and create (CreateApiKey, POST /apikeys) keys, and
 * add keys to the given usage plans only. No access to individual keys (`/apikeys/*`): the
 * step never reads, updates or deletes an existing key by id.
 */
function grantApiKeyManagement(fn: AppFunction): void {
  const stack = fn.stack;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['apigateway:GET', 'apigateway:POST'],
      resources: [apiGatewayArn(stack, '/apikeys')],
    }),
  );
  // Pooled plans are known at deploy time, a silo tenant's plan only once its stack exists.
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['apigateway:POST'], resources: [apiGatewayArn(stack, '/usageplans/*/keys')] }),
  );
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/*/keys]',
      reason:
        "Adds the tenant's key to its usage plan; a PLATINUM tenant's plan is created by its own stack at onboarding, so plan ids are unknown at deploy time.",
    },
  ]);
}

export interface OnboardingEventFunctionProps {
  readonly foundation: FoundationStack;
  /** The onboarding state machine whose executions the function reads. */
  readonly onboarding: sfn.StateMachine;
}

/** Records a failed onboarding on its tenant (run by the rule on FAILED / TIMED_OUT executions). */
export function recordOnboardingFailureFunction(stack: Stack, props: OnboardingEventFunctionProps): AppFunction {
  const { foundation, onboarding } = props;
  const fn = stepFunction(stack, foundation, 'RecordOnboardingFailureFunction', 'recordOnboardingFailure');
  foundation.tenantDetails.grant(fn, 'dynamodb:UpdateItem');
  onboarding.grantExecution(fn, 'states:GetExecutionHistory');
  acknowledgeExecutionsOf(
    onboarding,
    fn.executionRole,
    'Reads the history of the failed onboarding execution to name the failed step; execution names are registration ids.',
  );
  return fn;
}

/**
 * Removes a stopped onboarding's records, pooled user and API key, and tells the cleanup workflow
 * what silo resources are left (the first task of workflows/stopped-onboarding-cleanup.ts).
 */
export function cleanupStoppedOnboardingFunction(stack: Stack, props: OnboardingEventFunctionProps): AppFunction {
  const { foundation, onboarding } = props;
  const fn = stepFunction(stack, foundation, 'CleanupStoppedOnboardingFunction', 'cleanupStoppedOnboarding', {
    environment: {
      POOLED_USER_POOL_ID: foundation.pooledIdentity.userPool.userPoolId,
      TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
      TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
    },
  });
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem', 'dynamodb:DeleteItem');
  foundation.tenantStackMapping.grant(fn, 'dynamodb:DeleteItem');
  foundation.tenantNames.grant(fn, 'dynamodb:DeleteItem');
  foundation.pooledIdentity.userPool.grant(
    fn,
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminDeleteUser',
    'cognito-idp:DeleteGroup',
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['apigateway:GET'], resources: [apiGatewayArn(stack, '/apikeys')] }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['apigateway:DELETE'], resources: [apiGatewayArn(stack, '/apikeys/*')] }),
  );
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      reason:
        'API key ids are generated when a tenant is onboarded; the cleanup deletes the key of the stopped tenant, found by its name tenant-<tenantId>.',
    },
  ]);
  onboarding.grantExecution(fn, 'states:GetExecutionHistory');
  acknowledgeExecutionsOf(
    onboarding,
    fn.executionRole,
    "Reads the stopped onboarding execution's history for the silo user pool it created; execution names are registration ids.",
  );
  return fn;
}
