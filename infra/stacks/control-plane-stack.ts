import { type CfnElement, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ONBOARDING_STATES, STOPPED_BY_OPERATOR_ERROR } from '../../contracts/onboarding-states';
import { FANOUT_STATE_MACHINE_NAME } from '../../functions/pipeline/fanout';
import { onboardingDefinition } from '../../workflows/onboarding';
import { stoppedOnboardingCleanupDefinition } from '../../workflows/stopped-onboarding-cleanup';
import { AppFunction, type AppFunctionProps } from '../constructs/app-function';
import { acknowledge } from '../constructs/nag';
import { registryTable } from '../constructs/registry-table';
import { RoutedRestApi } from '../constructs/routed-rest-api';
import { TenantUserPool } from '../constructs/tenant-user-pool';
import type { FoundationStack } from './foundation-stack';
import type { TenantStack } from './tenant-stack';

export interface ControlPlaneStackProps extends StackProps {
  readonly foundation: FoundationStack;
  readonly pooledStack: TenantStack;
  /** The tenant pipeline a silo tenant's onboarding starts. @default 'tenantflow-tenant-pipeline' */
  readonly tenantPipelineName?: string;
  /** Sender of the welcome mail (an SES-verified identity on AWS). @default 'no-reply@tenantflow.example.com' */
  readonly mailFrom?: string;
}

/** The welcome mail's SES template name; the local outbox reports it as template "welcome". */
export const WELCOME_TEMPLATE_NAME = 'tenantflow-welcome';
/** The mail to a user a tenant admin added; the local outbox reports it as template "invite". */
export const INVITE_TEMPLATE_NAME = 'tenantflow-invite';

/**
 * The control plane: registrations, the operator user pool, the onboarding state machine and
 * its step functions, and the control-plane REST API.
 */
export class ControlPlaneStack extends Stack {
  /** What the web apps' config.json needs (API.md "Discovery"). */
  readonly consoleConfig: {
    readonly controlPlaneApiUrl: string;
    readonly operatorUserPoolId: string;
    readonly operatorClientId: string;
  };

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const { foundation, pooledStack } = props;
    const mailFrom = props.mailFrom ?? 'no-reply@tenantflow.example.com';
    const registrations = registryTable(this, 'Registrations', { partitionKey: 'registrationId' });
    const operators = new TenantUserPool(this, 'OperatorIdentity', { signInWithEmail: true });
    const pooled = foundation.pooledIdentity;
    const tenantPipelineName = props.tenantPipelineName ?? 'tenantflow-tenant-pipeline';
    /**
     * Silo tenants' user pools are created during onboarding, so functions acting on a tenant's
     * users are granted the user pools of this account and region (named actions only).
     */
    const tenantPools = this.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' });
    const grantOnTenantPools = (fn: AppFunction, ...actions: string[]) => {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [tenantPools] }));
      acknowledge(fn.executionRole, [
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
          reason:
            'PLATINUM tenants get their own user pool at onboarding (ids unknown at deploy time); only the named user-management actions are granted.',
        },
      ]);
    };

    new ses.CfnTemplate(this, 'WelcomeTemplate', {
      template: {
        templateName: WELCOME_TEMPLATE_NAME,
        subjectPart: 'Welcome to tenantflow, {{tenantName}}',
        textPart:
          'Your tenant {{tenantName}} is ready.\nUsername: {{username}}\nTemporary password: {{temporaryPassword}}\nYou will choose a new password at first sign-in.',
      },
    });

    new ses.CfnTemplate(this, 'InviteTemplate', {
      template: {
        templateName: INVITE_TEMPLATE_NAME,
        subjectPart: 'You are invited to {{tenantName}} on tenantflow',
        textPart:
          'An administrator of {{tenantName}} created your account.\nUsername: {{username}}\nTemporary password: {{temporaryPassword}}\nYou will choose a new password at first sign-in.',
      },
    });
    const sendTemplatedMail = (fn: AppFunction, templateName: string) =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendTemplatedEmail'],
          resources: [
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom.split('@')[1] ?? mailFrom }),
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom }),
            this.formatArn({ service: 'ses', resource: 'template', resourceName: templateName }),
          ],
        }),
      );

    const tenantEnv = { TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName };
    // One entry per step (`validateRegistration` → `validate-registration.ts`): each bundle holds
    // only the AWS SDK clients its step calls (smaller cold start, less code under each role).
    const stepFn = (id: string, handler: string, extra: Partial<AppFunctionProps> = {}) =>
      new AppFunction(this, id, {
        entry: `functions/onboarding-steps/${handler.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`,
        handler,
        description: `Onboarding step ${handler}`,
        ...extra,
        environment: { ...tenantEnv, ...extra.environment },
      });
    const steps = {
      validate: stepFn('ValidateRegistrationFunction', 'validateRegistration'),
      storeTenant: stepFn('StoreTenantFunction', 'storeTenant'),
      createTenantAdmin: stepFn('CreateTenantAdminFunction', 'createTenantAdmin', {
        environment: {
          POOLED_USER_POOL_ID: pooled.userPool.userPoolId,
          POOLED_APP_CLIENT_ID: pooled.appClient.userPoolClientId,
        },
      }),
      createApiKey: stepFn('CreateApiKeyFunction', 'createApiKey', {
        environment: { USAGE_PLAN_IDS: this.toJsonString(pooledStack.usagePlanIds) },
      }),
      writeStackMapping: stepFn('WriteStackMappingFunction', 'writeStackMapping', {
        environment: {
          TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
          POOLED_STACK_NAME: pooledStack.stackName,
          POOLED_API_URL: pooledStack.api.url,
        },
      }),
      sendWelcome: stepFn('SendWelcomeMailFunction', 'sendWelcomeMail', {
        environment: { POOLED_USER_POOL_ID: pooled.userPool.userPoolId, MAIL_FROM: mailFrom, WELCOME_TEMPLATE_NAME },
      }),
      activateTenant: stepFn('ActivateTenantFunction', 'activateTenant'),
      deployTenantStack: stepFn('DeployTenantStackFunction', 'deployTenantStack', {
        environment: {
          TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
          TENANT_PIPELINE_NAME: tenantPipelineName,
        },
      }),
    };
    foundation.tenantDetails.grant(steps.storeTenant, 'dynamodb:PutItem', 'dynamodb:GetItem');
    for (const fn of [steps.createTenantAdmin, steps.createApiKey, steps.writeStackMapping, steps.activateTenant]) {
      foundation.tenantDetails.grant(fn, 'dynamodb:UpdateItem');
    }
    foundation.tenantDetails.grant(steps.sendWelcome, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    foundation.tenantStackMapping.grant(steps.writeStackMapping, 'dynamodb:PutItem');
    grantOnTenantPools(
      steps.createTenantAdmin,
      'cognito-idp:CreateGroup',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminAddUserToGroup',
    );
    grantOnTenantPools(steps.sendWelcome, 'cognito-idp:AdminSetUserPassword');
    grantApiKeyManagement(this, steps.createApiKey);
    foundation.tenantStackMapping.grant(steps.writeStackMapping, 'dynamodb:UpdateItem');
    foundation.tenantStackMapping.grant(steps.deployTenantStack, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    steps.deployTenantStack.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [this.formatArn({ service: 'codepipeline', resource: tenantPipelineName })],
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
    sendTemplatedMail(steps.sendWelcome, WELCOME_TEMPLATE_NAME);

    const stateMachineLogs = new logs.LogGroup(this, 'OnboardingLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const onboarding = new sfn.StateMachine(this, 'OnboardingStateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(onboardingDefinition(this, steps)),
      tracingEnabled: true,
      timeout: Duration.hours(2),
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `tenantflow onboarding (${Object.values(ONBOARDING_STATES).length} states)`,
    });
    acknowledge(onboarding.role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "Resource * only in the statements Step Functions needs for tracing (xray:PutTraceSegments/PutTelemetryRecords/GetSampling*), for vended log delivery (logs:*LogDelivery*, PutResourcePolicy, Describe*) and for cognito-idp:CreateUserPool (a PLATINUM tenant's own pool): none supports resource-level permissions.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
        reason:
          'CreateUserPoolClient on the user pool created one step earlier for a PLATINUM tenant; its id is unknown at deploy time.',
      },
      // LambdaInvoke grants each step function and its versions/aliases (`<arn>:*`): one function each.
      ...Object.values(steps).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: `Invoking ${fn.node.id} includes its versions and aliases (CDK LambdaInvoke grant); the wildcard never reaches another function.`,
      })),
    ]);

    const onboardingLogicalId = this.getLogicalId(onboarding.node.defaultChild as CfnElement);
    /** How cdk-nag renders grantExecution's resource: executions of the onboarding state machine only. */
    const acknowledgeExecutionsOfOnboarding = (fn: AppFunction, reason: string) =>
      acknowledge(fn.executionRole, [
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${onboardingLogicalId}"}]}]}:*]`,
          reason,
        },
      ]);

    // Unsuccessful executions are recorded on the tenant, and stopped ones cleaned up, by rules on
    // the execution status change events (not by a Catch: redrive must resume at the failed step).
    const recordFailureFn = stepFn('RecordOnboardingFailureFunction', 'recordOnboardingFailure');
    foundation.tenantDetails.grant(recordFailureFn, 'dynamodb:UpdateItem');
    onboarding.grantExecution(recordFailureFn, 'states:GetExecutionHistory');
    acknowledgeExecutionsOfOnboarding(
      recordFailureFn,
      'Reads the history of the failed onboarding execution to name the failed step; execution names are registration ids.',
    );
    const cleanupFn = stepFn('CleanupStoppedOnboardingFunction', 'cleanupStoppedOnboarding', {
      environment: {
        POOLED_USER_POOL_ID: pooled.userPool.userPoolId,
        TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
        TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
      },
    });
    foundation.tenantDetails.grant(cleanupFn, 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    foundation.tenantStackMapping.grant(cleanupFn, 'dynamodb:DeleteItem');
    foundation.tenantNames.grant(cleanupFn, 'dynamodb:DeleteItem');
    pooled.userPool.grant(cleanupFn, 'cognito-idp:AdminDeleteUser', 'cognito-idp:DeleteGroup');
    const apiKeys = (path: string) => `arn:${this.partition}:apigateway:${this.region}::${path}`;
    cleanupFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['apigateway:GET'], resources: [apiKeys('/apikeys')] }),
    );
    cleanupFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['apigateway:DELETE'], resources: [apiKeys('/apikeys/*')] }),
    );
    acknowledge(cleanupFn.executionRole, [
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
        reason:
          'API key ids are generated when a tenant is onboarded; the cleanup deletes the key of the stopped tenant, found by its name tenant-<tenantId>.',
      },
    ]);
    const statusChange = (statuses: string[], extra: Record<string, string[]> = {}) => ({
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [onboarding.stateMachineArn], status: statuses, ...extra },
    });
    new events.Rule(this, 'OnboardingFailedRule', {
      description: 'Records a failed onboarding on its tenant',
      eventPattern: statusChange(['FAILED', 'TIMED_OUT']),
      targets: [new targets.LambdaFunction(recordFailureFn, { retryAttempts: 4 })],
    });
    onboarding.grantExecution(cleanupFn, 'states:GetExecutionHistory');
    acknowledgeExecutionsOfOnboarding(
      cleanupFn,
      "Reads the stopped onboarding execution's history for the silo user pool it created; execution names are registration ids.",
    );
    const cleanup = new sfn.StateMachine(this, 'StoppedOnboardingCleanup', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(stoppedOnboardingCleanupDefinition(this, cleanupFn)),
      tracingEnabled: true,
      timeout: Duration.minutes(15),
      logs: {
        destination: new logs.LogGroup(this, 'StoppedOnboardingCleanupLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'tenantflow: removes what a stopped onboarding created (silo: its stack and user pool too)',
    });
    // The workflow may delete tenant pools only: the operator and pooled pools carry no tenant tag.
    cleanup.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['cognito-idp:DeleteUserPool'],
        resources: [tenantPools],
        conditions: { Null: { 'aws:ResourceTag/tenantflow:tenantId': 'true' } },
      }),
    );
    acknowledge(cleanup.role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Resource * only in the statements Step Functions needs for tracing (xray:PutTraceSegments/PutTelemetryRecords/GetSampling*) and vended log delivery (logs:*LogDelivery*, PutResourcePolicy, Describe*): none supports resource-level permissions.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
        reason:
          "DeleteUserPool on a stopped PLATINUM tenant's own pool (id known only at run time); an explicit Deny refuses every pool without the tenantflow:tenantId tag, i.e. the operator and pooled pools.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/tenantflow-silo-*/*]',
        reason: 'DeleteStack on silo tenant stacks only (named tenantflow-silo-<tenantId>).',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(cleanupFn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'Invoking the cleanup function includes its versions and aliases (CDK LambdaInvoke grant).',
      },
    ]);
    new events.Rule(this, 'OnboardingStoppedRule', {
      description: 'Removes what a stopped onboarding created',
      eventPattern: statusChange(['ABORTED'], { error: [STOPPED_BY_OPERATOR_ERROR] }),
      targets: [new targets.SfnStateMachine(cleanup, { retryAttempts: 4 })],
    });

    const controlPlaneEnv = {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
    };
    const registrationsFn = new AppFunction(this, 'RegistrationsFunction', {
      entry: 'functions/registrations/handler.ts',
      description: 'Control plane: sign-up and registration status',
      environment: {
        ...controlPlaneEnv,
        REGISTRATIONS_TABLE: registrations.tableName,
        ONBOARDING_STATE_MACHINE_ARN: onboarding.stateMachineArn,
      },
    });
    registrations.grant(registrationsFn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    foundation.tenantNames.grant(registrationsFn, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    // A registration whose execution left Step Functions' history reads its tenant's status.
    foundation.tenantDetails.grant(registrationsFn, 'dynamodb:GetItem');
    onboarding.grantStartExecution(registrationsFn);
    onboarding.grantExecution(registrationsFn, 'states:DescribeExecution', 'states:GetExecutionHistory');
    acknowledgeExecutionsOfOnboarding(
      registrationsFn,
      'Registration status reads executions of the onboarding state machine; execution names are registration ids minted at sign-up, so the execution part must be a wildcard.',
    );

    const executionsFn = new AppFunction(this, 'ExecutionsFunction', {
      entry: 'functions/executions/handler.ts',
      description: 'Control plane: operators watch, redrive and stop workflow executions',
      environment: {
        TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
        ONBOARDING_STATE_MACHINE_ARN: onboarding.stateMachineArn,
      },
    });
    onboarding.grant(executionsFn, 'states:ListExecutions', 'states:DescribeStateMachine');
    onboarding.grantExecution(
      executionsFn,
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:RedriveExecution',
      'states:StopExecution',
    );
    foundation.tenantDetails.grant(executionsFn, 'dynamodb:UpdateItem');
    acknowledgeExecutionsOfOnboarding(
      executionsFn,
      'Operators act on any onboarding execution (describe, history, redrive, stop) — of that one state machine only.',
    );

    // The release fan-out lives in the pipeline stack, which may depend on this one, not the other
    // way round: its fixed name gives its ARN without a cross-stack reference (no dependency cycle).
    const fanOutArn = `arn:${this.partition}:states:${this.region}:${this.account}:stateMachine:${FANOUT_STATE_MACHINE_NAME}`;
    const releasesFn = new AppFunction(this, 'ReleasesFunction', {
      entry: 'functions/releases/handler.ts',
      description: 'Control plane: operators watch releases (the fan-out to silo tenant stacks)',
      environment: {
        FANOUT_STATE_MACHINE_ARN: fanOutArn,
        TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
        TENANT_STACK_MAPPING_TABLE: foundation.tenantStackMapping.tableName,
      },
    });
    releasesFn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [fanOutArn] }));
    releasesFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [`${fanOutArn.replace(':stateMachine:', ':execution:')}:*`],
      }),
    );
    foundation.tenantDetails.grant(releasesFn, 'dynamodb:BatchGetItem');
    foundation.tenantStackMapping.grant(releasesFn, 'dynamodb:BatchGetItem');
    acknowledge(releasesFn.executionRole, [
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${FANOUT_STATE_MACHINE_NAME}:*]`,
        reason:
          'Reads any release (execution) of the fan-out state machine, read-only; execution names are pipeline execution ids, unknown at deploy time.',
      },
    ]);

    const tenantsFn = new AppFunction(this, 'TenantsFunction', {
      entry: 'functions/tenants/handler.ts',
      description: 'Control plane: tenant registry and tenant-config',
      environment: { ...controlPlaneEnv, POOLED_API_URL: pooledStack.api.url },
    });
    foundation.tenantDetails.grant(tenantsFn, 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem');
    foundation.tenantNames.grant(tenantsFn, 'dynamodb:GetItem');
    grantOnTenantPools(
      tenantsFn,
      'cognito-idp:ListUsersInGroup',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
    );

    const usersFn = new AppFunction(this, 'UsersFunction', {
      entry: 'functions/users/handler.ts',
      description: "Control plane: a tenant admin's users",
      environment: {
        TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
        MAIL_FROM: mailFrom,
        INVITE_TEMPLATE_NAME,
      },
    });
    foundation.tenantDetails.grant(usersFn, 'dynamodb:GetItem');
    grantOnTenantPools(
      usersFn,
      'cognito-idp:ListUsersInGroup',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
    );
    sendTemplatedMail(usersFn, INVITE_TEMPLATE_NAME);

    const authorizerFn = new AppFunction(this, 'AuthorizerFunction', {
      entry: 'authorizer/handler.ts',
      description: 'Control-plane authorizer: operators (SystemAdmin) and tenant admins (pooled and silo pools)',
      environment: {
        API_NAME: 'control-plane',
        TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
        OPERATOR_USER_POOL_ID: operators.userPool.userPoolId,
        TRUSTED_USER_POOLS: this.toJsonString([
          { userPoolId: operators.userPool.userPoolId, clientId: operators.appClient.userPoolClientId },
          { userPoolId: pooled.userPool.userPoolId, clientId: pooled.appClient.userPoolClientId },
        ]),
        // Silo tenants' pools are created at onboarding: trusted from their TenantDetails row
        // (pool and app client), which the GetItem below already reads. No further permission.
        TRUST_SILO_USER_POOLS: 'true',
      },
    });
    foundation.tenantDetails.grant(authorizerFn, 'dynamodb:GetItem');

    const api = new RoutedRestApi(this, 'ControlPlaneApi', {
      api: 'control-plane',
      restApiName: 'tenantflow-control-plane',
      services: {
        registrations: registrationsFn,
        tenants: tenantsFn,
        executions: executionsFn,
        releases: releasesFn,
        users: usersFn,
      },
      authorizerFunction: authorizerFn,
    }).api;

    this.consoleConfig = {
      controlPlaneApiUrl: api.url,
      operatorUserPoolId: operators.userPool.userPoolId,
      operatorClientId: operators.appClient.userPoolClientId,
    };
    new CfnOutput(this, 'ControlPlaneApiUrl', { value: api.url });
    new CfnOutput(this, 'OperatorUserPoolId', { value: operators.userPool.userPoolId });
    new CfnOutput(this, 'OperatorClientId', { value: operators.appClient.userPoolClientId });
    new CfnOutput(this, 'OnboardingStateMachineArn', { value: onboarding.stateMachineArn });
  }
}

/**
 * API keys: list (GetApiKeys, GET /apikeys) and create (CreateApiKey, POST /apikeys) keys, and
 * add keys to the given usage plans only. No access to individual keys (`/apikeys/*`): the
 * step never reads, updates or deletes an existing key by id.
 */
function grantApiKeyManagement(stack: Stack, fn: AppFunction): void {
  const arn = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['apigateway:GET', 'apigateway:POST'], resources: [arn('/apikeys')] }),
  );
  // Pooled plans are known at deploy time, a silo tenant's plan only once its stack exists.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['apigateway:POST'], resources: [arn('/usageplans/*/keys')] }));
  acknowledge(fn.executionRole, [
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/*/keys]',
      reason:
        "Adds the tenant's key to its usage plan; a PLATINUM tenant's plan is created by its own stack at onboarding, so plan ids are unknown at deploy time.",
    },
  ]);
}
