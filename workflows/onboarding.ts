/**
 * The onboarding state machine (JSONPath), defined once: CDK deploys it to Step Functions and
 * the local cloud runs the same synthesized definition.
 *
 *   ValidateRegistration → StoreTenant → NeedsApproval
 *     tier in approvalTiers → AwaitApproval (an operator answers its task token) ─┐
 *         rejected / timed out → CloseRejectedRegistration → RegistrationRejected  │
 *     other tiers ─────────────────────────────────────────────────────────────────┴→ RouteByTier
 *     silo → CreateTenantUserPool → CreateTenantAppClient ─┐   (Cognito SDK integrations)
 *     pool ────────────────────────────────────────────────┴→ CreateTenantAdmin → WriteStackMapping → NeedsTenantStack
 *     silo → DeployTenantStack (the tenant pipeline; waits for the stack with a task token) ─┐
 *     pool ──────────────────────────────────────────────────────────────────────────────────┴→ CreateApiKey
 *   → SendWelcomeMail → ActivateTenant → TenantOnboarded
 *
 * Transient errors are retried with backoff and jitter. Any other error fails the execution
 * *at the failing step* — deliberately no Catch into a Fail state, because RedriveExecution
 * resumes at the state that failed, and a redrive of a Catch → Fail path would only run the
 * Fail state again. The failure is recorded on the tenant by a rule on the execution's status
 * change event (see onboarding-state-machine.ts), and an operator stop triggers the cleanup the same way.
 * The one Catch is the approval's: a refusal is an outcome, not a failure to redrive, and nothing
 * has been created yet that a later step would need.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  APPROVAL_REJECTED_ERROR,
  REGISTRATION_REJECTED_ERROR,
  ONBOARDING_STATES as S,
} from '../contracts/onboarding-states';

/** The Lambda function behind each onboarding step. */
export interface OnboardingStepFunctions {
  readonly validate: lambda.IFunction;
  readonly storeTenant: lambda.IFunction;
  readonly createTenantAdmin: lambda.IFunction;
  readonly createApiKey: lambda.IFunction;
  readonly writeStackMapping: lambda.IFunction;
  readonly sendWelcome: lambda.IFunction;
  readonly activateTenant: lambda.IFunction;
  /** Starts the tenant pipeline for a silo tenant and hands it the task token to resume with. */
  readonly deployTenantStack: lambda.IFunction;
  /** Records the approval task token for operators to answer (any lifecycle workflow's approval step). */
  readonly requestApproval: lambda.IFunction;
  /** Closes a registration that was not approved: tenant FAILED, name freed, the applicant told why. */
  readonly closeRejectedRegistration: lambda.IFunction;
}

export interface OnboardingDefinitionProps {
  /** How long a silo tenant's stack deployment may take before the step fails. @default 1 hour */
  readonly tenantStackTimeout?: Duration;
  /** Tiers whose onboarding waits for an operator's approval before anything is created. @default ['PLATINUM'] */
  readonly approvalTiers?: readonly string[];
  /** How long a registration may wait for approval before it is refused. @default 7 days */
  readonly approvalTimeout?: Duration;
}

/** The default of context `approvalTiers`: the tier that gets its own (paid) stack and user pool. */
export const DEFAULT_APPROVAL_TIERS: readonly string[] = ['PLATINUM'];
/** The default of context `approvalTimeoutDays`. */
export const DEFAULT_APPROVAL_TIMEOUT = Duration.days(7);

/**
 * The approval step of every lifecycle workflow: the function stores the task token where the
 * operators' approve/reject routes find it (keyed by execution name), and the execution waits.
 * An operator's rejection fails it with ApprovalRejected (cause: the reason); no answer within
 * `timeout` fails it with States.Timeout.
 */
export function approvalTask(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  props: { readonly kind: string; readonly timeout: Duration },
): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      taskToken: sfn.JsonPath.taskToken,
      executionId: sfn.JsonPath.stringAt('$$.Execution.Name'),
      kind: props.kind,
      tenantId: sfn.JsonPath.stringAt('$.tenantId'),
      tenantName: sfn.JsonPath.stringAt('$.tenantName'),
      tier: sfn.JsonPath.stringAt('$.tier'),
    }),
    taskTimeout: sfn.Timeout.duration(props.timeout),
    resultPath: '$.approval',
  });
  return retryTransientErrors(task);
}

/** Errors that are worth retrying: Lambda service hiccups, a function timeout and our TransientStepError. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // The function ran out of time (a slow dependency, a starved environment): every step is
  // idempotent, so running it again is safe. (Not States.Timeout: that is a task's own timeout,
  // e.g. an approval nobody gave, which must not start over.)
  'Sandbox.Timedout',
  'TransientStepError',
] as const;

/**
 * The retry of every Lambda task of tenantflow's workflows: transient errors only, exponential
 * backoff from 1 s with full jitter, 3 attempts, no wait over 10 s.
 */
export function retryTransientErrors<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({
    errors: [...TRANSIENT_ERRORS],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 3,
    maxDelay: Duration.seconds(10),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

function invoke(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  resultPath: string | undefined,
): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    // Steps that add nothing to the state keep it unchanged.
    resultPath: resultPath ?? sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
  return retryTransientErrors(task);
}

/** Custom attributes every tenant user pool has (the same as the pooled pool's). */
const TENANT_POOL_SCHEMA = ['tenantId', 'userRole'].map((name) => ({
  Name: name,
  AttributeDataType: 'String',
  Mutable: true,
}));

/** An AWS SDK integration task (not a Lambda wrapping the SDK), retried on throttling. */
function sdkCall(scope: Construct, id: string, props: tasks.CallAwsServiceProps): tasks.CallAwsService {
  const task = new tasks.CallAwsService(scope, id, props);
  task.addRetry({
    errors: ['CognitoIdentityProvider.TooManyRequestsException', 'CognitoIdentityProvider.InternalErrorException'],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

export function onboardingDefinition(
  scope: Construct,
  fns: OnboardingStepFunctions,
  props: OnboardingDefinitionProps = {},
): sfn.IChainable {
  const validate = invoke(scope, S.validate, fns.validate, '$.plan');
  const storeTenant = invoke(scope, S.storeTenant, fns.storeTenant, undefined);
  const createTenantUserPool = sdkCall(scope, S.createTenantUserPool, {
    service: 'cognitoidentityprovider',
    action: 'createUserPool',
    iamAction: 'cognito-idp:CreateUserPool',
    parameters: {
      PoolName: sfn.JsonPath.format('tenantflow-{}', sfn.JsonPath.stringAt('$.tenantId')),
      Schema: TENANT_POOL_SCHEMA,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameConfiguration: { CaseSensitive: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 7,
        },
      },
      UserPoolTags: { 'tenantflow:tenantId': sfn.JsonPath.stringAt('$.tenantId') },
    },
    // CreateUserPool has no resource-level permissions.
    iamResources: ['*'],
    resultSelector: { 'userPoolId.$': '$.UserPool.Id' },
    resultPath: '$.silo.pool',
  });
  const createTenantAppClient = sdkCall(scope, S.createTenantAppClient, {
    service: 'cognitoidentityprovider',
    action: 'createUserPoolClient',
    iamAction: 'cognito-idp:CreateUserPoolClient',
    parameters: {
      UserPoolId: sfn.JsonPath.stringAt('$.silo.pool.userPoolId'),
      ClientName: 'app',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      ReadAttributes: ['email', 'email_verified', 'custom:tenantId', 'custom:userRole'],
      // Users may change their email, never their tenant or role.
      WriteAttributes: ['email'],
    },
    // Pool ids are created by the previous step, so the grant names the pool type, not one id.
    iamResources: [Stack.of(scope).formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })],
    resultSelector: { 'appClientId.$': '$.UserPoolClient.ClientId' },
    resultPath: '$.silo.client',
  });
  const createTenantAdmin = invoke(scope, S.createTenantAdmin, fns.createTenantAdmin, '$.admin');
  const writeStackMapping = invoke(scope, S.writeStackMapping, fns.writeStackMapping, '$.stack');
  const deployTenantStack = new tasks.LambdaInvoke(scope, S.deployTenantStack, {
    lambdaFunction: fns.deployTenantStack,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      taskToken: sfn.JsonPath.taskToken,
      tenantId: sfn.JsonPath.stringAt('$.tenantId'),
      // For the step's telemetry: the execution (correlation id) and the tier of its tenant.
      registrationId: sfn.JsonPath.stringAt('$.registrationId'),
      tier: sfn.JsonPath.stringAt('$.tier'),
    }),
    taskTimeout: sfn.Timeout.duration(props.tenantStackTimeout ?? Duration.hours(1)),
    resultPath: '$.stack',
  });
  retryTransientErrors(deployTenantStack);
  const createApiKey = invoke(scope, S.createApiKey, fns.createApiKey, '$.apiKey');
  const sendWelcome = invoke(scope, S.sendWelcome, fns.sendWelcome, undefined);
  const activateTenant = invoke(scope, S.activateTenant, fns.activateTenant, undefined);

  const isSilo = sfn.Condition.stringEquals('$.plan.deploymentModel', 'silo');
  const tail = sfn.Chain.start(createApiKey)
    .next(sendWelcome)
    .next(activateTenant)
    .next(new sfn.Succeed(scope, S.succeeded));
  const afterAdmin = sfn.Chain.start(createTenantAdmin)
    .next(writeStackMapping)
    .next(new sfn.Choice(scope, S.needsTenantStack).when(isSilo, deployTenantStack.next(tail)).otherwise(tail));
  const routeByTier = new sfn.Choice(scope, S.routeByTier)
    .when(isSilo, createTenantUserPool.next(createTenantAppClient).next(afterAdmin))
    .otherwise(afterAdmin);

  const approvalTiers = props.approvalTiers ?? DEFAULT_APPROVAL_TIERS;
  if (approvalTiers.length === 0) return validate.next(storeTenant).next(routeByTier);
  const awaitApproval = approvalTask(scope, S.awaitApproval, fns.requestApproval, {
    kind: 'onboarding',
    timeout: props.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT,
  });
  const closeRejected = invoke(scope, S.closeRejected, fns.closeRejectedRegistration, undefined);
  awaitApproval.addCatch(
    closeRejected.next(
      new sfn.Fail(scope, S.rejected, {
        error: REGISTRATION_REJECTED_ERROR,
        cause: 'The registration was not approved',
      }),
    ),
    {
      errors: [APPROVAL_REJECTED_ERROR, 'States.Timeout'],
      resultPath: '$.rejection',
    },
  );
  const tierConditions = approvalTiers.map((tier) => sfn.Condition.stringEquals('$.tier', tier));
  const needsApproval = new sfn.Choice(scope, S.needsApproval)
    .when(
      tierConditions.length === 1 ? (tierConditions[0] as sfn.Condition) : sfn.Condition.or(...tierConditions),
      awaitApproval.next(routeByTier),
    )
    .otherwise(routeByTier);
  return validate.next(storeTenant).next(needsApproval);
}
