/**
 * The onboarding state machine (JSONPath), defined once: CDK deploys it to Step Functions and
 * the local cloud runs the same synthesized definition.
 *
 *   ValidateRegistration → RouteByTier ─ silo ─→ SiloNotAvailableYet (Fail, until the silo branch lands)
 *                                      └ pool ─→ StoreTenant → CreateTenantAdmin → CreateApiKey
 *                                                → WriteStackMapping → SendWelcomeMail → ActivateTenant → TenantOnboarded
 *
 * Transient errors are retried with backoff and jitter. Any other error fails the execution
 * *at the failing step* — deliberately no Catch into a Fail state, because RedriveExecution
 * resumes at the state that failed, and a redrive of a Catch → Fail path would only run the
 * Fail state again. The failure is recorded on the tenant by a rule on the execution's status
 * change event (see ControlPlaneStack), and an operator stop triggers the cleanup the same way.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ONBOARDING_STATES as S } from '../functions/shared/onboarding-states';

/** The Lambda function behind each onboarding step. */
export interface OnboardingStepFunctions {
  readonly validate: lambda.IFunction;
  readonly storeTenant: lambda.IFunction;
  readonly createTenantAdmin: lambda.IFunction;
  readonly createApiKey: lambda.IFunction;
  readonly writeStackMapping: lambda.IFunction;
  readonly sendWelcome: lambda.IFunction;
  readonly activateTenant: lambda.IFunction;
}

/** Errors that are worth retrying: Lambda service hiccups and our TransientStepError. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientStepError',
] as const;

function invoke(scope: Construct, id: string, fn: lambda.IFunction, resultPath: string | undefined): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    // Steps that add nothing to the state keep it unchanged.
    resultPath: resultPath ?? sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
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

export function onboardingDefinition(scope: Construct, fns: OnboardingStepFunctions): sfn.IChainable {
  const validate = invoke(scope, S.validate, fns.validate, '$.plan');
  const storeTenant = invoke(scope, S.storeTenant, fns.storeTenant, undefined);
  const createTenantAdmin = invoke(scope, S.createTenantAdmin, fns.createTenantAdmin, '$.admin');
  const createApiKey = invoke(scope, S.createApiKey, fns.createApiKey, '$.apiKey');
  const writeStackMapping = invoke(scope, S.writeStackMapping, fns.writeStackMapping, '$.stack');
  const sendWelcome = invoke(scope, S.sendWelcome, fns.sendWelcome, undefined);
  const activateTenant = invoke(scope, S.activateTenant, fns.activateTenant, undefined);
  const poolBranch = sfn.Chain.start(storeTenant)
    .next(createTenantAdmin)
    .next(createApiKey)
    .next(writeStackMapping)
    .next(sendWelcome)
    .next(activateTenant)
    .next(new sfn.Succeed(scope, S.succeeded));

  const siloNotAvailable = new sfn.Fail(scope, S.siloNotAvailable, {
    error: 'SiloNotAvailableError',
    cause: 'Silo (PLATINUM) onboarding is not built yet',
  });
  const routeByTier = new sfn.Choice(scope, S.routeByTier)
    .when(sfn.Condition.stringEquals('$.plan.deploymentModel', 'silo'), siloNotAvailable)
    .otherwise(poolBranch);

  return validate.next(routeByTier);
}
