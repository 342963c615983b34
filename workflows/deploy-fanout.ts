/**
 * The release fan-out state machine (JSONPath): deploys the silo tenant template to every silo
 * tenant's stack (or to the one tenant named), wave by wave. CDK deploys it to Step Functions;
 * the local cloud runs the same synthesized definition when StartPipelineExecution is called.
 *
 *   PlanRelease → HasNextWave ─ a wave left → DeployWaveTenants (Map over the wave's tenants, MaxConcurrency = waveSize)
 *                             │                → AssessWave (adds the results; stops when too many failed) → HasNextWave
 *                             └ otherwise → SummarizeRelease → ReleaseOutcome ─ stopped → ReleaseStopped (Fail, Cause = the summary)
 *                                                                             └ otherwise → ReleaseDone (output = the summary)
 *
 * The waves run one after the other as a loop (HasNextWave ↔ AssessWave), not as an outer Map
 * with MaxConcurrency 1: a stopped release must not start its later waves, and the summary must
 * keep the earlier waves' results. An outer Map that fails drops every iteration's result, and
 * aws-local-stepfunctions 3.0.0 still starts the iterations p-limit had queued after one failed.
 *
 * Per tenant (CloudFormation through AWS SDK integrations, stack status polled with a Wait loop):
 *
 *   DescribeTenantStack ─ "does not exist" → CreateTenantStack
 *     → RouteByStackStatus ─ ROLLBACK_COMPLETE → DeleteRolledBackTenantStack → (Wait, Poll)* until DELETE_COMPLETE → CreateTenantStack
 *                          ├ *_IN_PROGRESS (another operation) → WaitForIdleTenantStack → DescribeTenantStack
 *                          └ otherwise → UpdateTenantStack ─ "No updates are to be performed." → RecordTenantUnchanged
 *   CreateTenantStack ─ AlreadyExists, UpdateTenantStack ─ "… _IN_PROGRESS state and can not be updated"
 *     (a parallel pipeline run got there first) → WaitForIdleTenantStack → DescribeTenantStack
 *   Create/Update → (WaitForTenantStack → PollTenantStack → IsTenantStackSettled)* ─ CREATE_COMPLETE/UPDATE_COMPLETE → RecordTenantDeployed
 *                                                                                  └ *_FAILED, *ROLLBACK_COMPLETE, ... → TenantStackFailed → RecordTenantFailed
 *   Any other error → RecordTenantFailed.
 *
 * Every tenant failure is caught and recorded (TenantStackMapping.lastDeployError, SendTaskFailure
 * to a waiting onboarding), so a tenant's iteration succeeds with outcome "failed" and the others
 * go on. Whether too many failed is decided by AssessWave with the same percentage that is set as
 * the inner (Distributed, the only mode that has the field) Map's ToleratedFailurePercentage: Step Functions only counts iterations that *fail*,
 * and a failed iteration's output (the reason) is lost, so the percentage over recorded outcomes
 * is the one that stops the release; ToleratedFailurePercentage stays as the backstop for
 * iterations that fail outright (a record step that fails after its retries). The local
 * interpreter (aws-local-stepfunctions 3.0.0) ignores ToleratedFailurePercentage and fails a Map
 * on its first failed iteration, so the AssessWave check is also what makes both places behave alike.
 *
 * The SDK integrations report CloudFormation's ValidationError (stack does not exist, no updates)
 * as `CloudFormation.CloudFormationException`; the Choices after the Catch tell them apart by Cause.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { SILO_STACK_PREFIX } from '../functions/pipeline/fanout';
import {
  RELEASE_STOPPED_ERROR,
  FANOUT_STATES as S,
  TENANT_STACK_DEPLOY_FAILED_ERROR,
} from '../functions/pipeline/fanout-states';
import { retryTransientErrors } from './onboarding';

/** The Lambda functions behind the fan-out's steps. */
export interface DeployFanOutFunctions {
  readonly planRelease: lambda.IFunction;
  readonly recordDeployment: lambda.IFunction;
  readonly assessWave: lambda.IFunction;
  readonly summarizeRelease: lambda.IFunction;
}

export interface DeployFanOutProps {
  readonly functions: DeployFanOutFunctions;
  /**
   * Share of a wave's tenants (percent) that may fail without stopping the release; more than
   * this stops it after that wave. Also the inner Map's ToleratedFailurePercentage.
   * @default 10
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * The CloudFormation service role passed as RoleARN, so tenant stacks are created with its
   * rights and not the state machine's. @default none (CloudFormation acts with the caller's rights)
   */
  readonly cloudFormationRole?: iam.IRole;
  /** Extra statements for the create/update tasks (e.g. reading the template from the assets bucket). @default none */
  readonly templateReadStatements?: iam.PolicyStatement[];
}

/** Capabilities the tenant template needs (IAM roles with generated names, nested expansions). */
export const TENANT_STACK_CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** The stack-level error name the SDK integrations give CloudFormation's ValidationError. */
export const CLOUDFORMATION_EXCEPTION = 'CloudFormation.CloudFormationException';

const STATUS = '$.describe.Stacks[0].StackStatus';

/** Builds the fan-out definition. */
export function deployFanOutDefinition(scope: Construct, props: DeployFanOutProps): sfn.IChainable {
  const tolerated = props.toleratedFailurePercentage ?? 10;
  if (!(tolerated >= 0 && tolerated <= 100))
    throw new Error(`toleratedFailurePercentage must be 0-100, got ${tolerated}`);
  const fns = props.functions;
  const stackArns = [
    Stack.of(scope).formatArn({
      service: 'cloudformation',
      resource: 'stack',
      resourceName: `${SILO_STACK_PREFIX}*/*`,
    }),
  ];
  const roleArn = props.cloudFormationRole ? { RoleARN: props.cloudFormationRole.roleArn } : {};
  const passRole = props.cloudFormationRole
    ? [
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [props.cloudFormationRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        }),
      ]
    : [];

  const cfn = (
    id: string,
    action: string,
    parameters: Record<string, unknown>,
    resultPath: string,
    extra: iam.PolicyStatement[] = [],
  ) =>
    new tasks.CallAwsService(scope, id, {
      service: 'cloudformation',
      action,
      parameters,
      iamResources: stackArns,
      iamAction: `cloudformation:${action.charAt(0).toUpperCase()}${action.slice(1)}`,
      additionalIamStatements: extra.length ? extra : undefined,
      resultPath,
    });
  // resultPath undefined = the result replaces the state. (Never "$": aws-local-stepfunctions 3.0.0 would
  // store the result under a key named "$" instead of replacing the state.)
  const lambdaStep = (
    id: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown> | undefined,
    resultPath: string | undefined,
  ) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      // No payload: the function receives the whole state.
      payload: payload ? sfn.TaskInput.fromObject(payload) : undefined,
      payloadResponseOnly: true,
      resultPath,
      retryOnServiceExceptions: false,
    });
    return retryTransientErrors(task);
  };
  const pollWait = (id: string) => new sfn.Wait(scope, id, { time: sfn.WaitTime.secondsPath('$.release.pollSeconds') });

  // Per tenant: the item is {tenant: {tenantId, stackName, parameters}, release: {...}}.
  const record = (id: string, outcome: string) =>
    lambdaStep(id, fns.recordDeployment, { outcome, state: sfn.JsonPath.objectAt('$') }, undefined);
  const recordDeployed = record(S.recordDeployed, 'succeeded');
  const recordUnchanged = record(S.recordUnchanged, 'unchanged');
  const recordFailed = record(S.recordFailed, 'failed');
  const stackFailed = new sfn.Pass(scope, S.stackFailed, {
    comment: 'The stack ended in a failed status: its status and reason are the failure.',
    parameters: { Error: TENANT_STACK_DEPLOY_FAILED_ERROR, 'stack.$': '$.describe.Stacks[0]' },
    resultPath: '$.lastError',
  }).next(recordFailed);
  const caught = { resultPath: '$.lastError' };
  const onAnyError = (task: tasks.CallAwsService) => task.addCatch(recordFailed, { errors: ['States.ALL'], ...caught });

  const deployParameters = {
    StackName: sfn.JsonPath.stringAt('$.tenant.stackName'),
    TemplateURL: sfn.JsonPath.stringAt('$.release.templateUrl'),
    Parameters: sfn.JsonPath.objectAt('$.tenant.parameters'),
    Capabilities: [...TENANT_STACK_CAPABILITIES],
    ...roleArn,
  };
  const deployStatements = [...passRole, ...(props.templateReadStatements ?? [])];

  // Another operation on the stack is running: wait, describe it again and route on its status.
  const waitForIdle = pollWait(S.waitForIdleStack);

  // Wait for our create/update to settle.
  const waitForStack = pollWait(S.waitForStack);
  const pollStack = cfn(
    S.pollStack,
    'describeStacks',
    { StackName: sfn.JsonPath.stringAt('$.tenant.stackName') },
    '$.describe',
  );
  pollStack.addRetry({
    errors: [CLOUDFORMATION_EXCEPTION],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });
  onAnyError(pollStack);
  const settled = new sfn.Choice(scope, S.stackSettled)
    .when(sfn.Condition.stringMatches(STATUS, '*_IN_PROGRESS'), waitForStack)
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals(STATUS, 'CREATE_COMPLETE'),
        sfn.Condition.stringEquals(STATUS, 'UPDATE_COMPLETE'),
      ),
      recordDeployed,
    )
    .otherwise(stackFailed);
  waitForStack.next(pollStack).next(settled);

  const createStack = cfn(S.createStack, 'createStack', deployParameters, sfn.JsonPath.DISCARD, deployStatements);
  // Onboarding runs and releases run in parallel (the pipeline's PARALLEL mode): another run may
  // have created the stack meanwhile, or be updating it. Wait for it and deploy over it.
  createStack.addCatch(waitForIdle, { errors: ['CloudFormation.AlreadyExistsException'], ...caught });
  onAnyError(createStack);
  createStack.next(waitForStack);

  const updateStack = cfn(S.updateStack, 'updateStack', deployParameters, sfn.JsonPath.DISCARD, deployStatements);
  const noUpdates = new sfn.Choice(scope, S.noUpdates)
    .when(sfn.Condition.stringMatches('$.lastError.Cause', '*No updates are to be performed*'), recordUnchanged)
    .when(sfn.Condition.stringMatches('$.lastError.Cause', '*_IN_PROGRESS state and can not be updated*'), waitForIdle)
    .otherwise(recordFailed);
  updateStack.addCatch(noUpdates, { errors: [CLOUDFORMATION_EXCEPTION], ...caught });
  onAnyError(updateStack);
  updateStack.next(waitForStack);

  // A stack whose creation rolled back cannot be updated: delete it (by id), then create it again.
  const deleteStack = cfn(
    S.deleteRolledBackStack,
    'deleteStack',
    { StackName: sfn.JsonPath.stringAt('$.describe.Stacks[0].StackId'), ...roleArn },
    sfn.JsonPath.DISCARD,
    [...passRole],
  );
  onAnyError(deleteStack);
  const waitForDeletion = pollWait(S.waitForDeletion);
  // By id, a deleted stack is still described (DELETE_COMPLETE); by name it "does not exist".
  const pollDeletion = cfn(
    S.pollDeletion,
    'describeStacks',
    { StackName: sfn.JsonPath.stringAt('$.describe.Stacks[0].StackId') },
    '$.describe',
  );
  const deletionGone = new sfn.Choice(scope, S.deletionGone)
    .when(sfn.Condition.stringMatches('$.lastError.Cause', '*does not exist*'), createStack)
    .otherwise(recordFailed);
  pollDeletion.addCatch(deletionGone, { errors: [CLOUDFORMATION_EXCEPTION], ...caught });
  onAnyError(pollDeletion);
  const deleted = new sfn.Choice(scope, S.deletionSettled)
    .when(sfn.Condition.stringEquals(STATUS, 'DELETE_COMPLETE'), createStack)
    .when(sfn.Condition.stringEquals(STATUS, 'DELETE_IN_PROGRESS'), waitForDeletion)
    .otherwise(stackFailed);
  deleteStack.next(waitForDeletion).next(pollDeletion).next(deleted);

  const describeStack = cfn(
    S.describeStack,
    'describeStacks',
    { StackName: sfn.JsonPath.stringAt('$.tenant.stackName') },
    '$.describe',
  );
  const missing = new sfn.Choice(scope, S.stackMissing)
    .when(sfn.Condition.stringMatches('$.lastError.Cause', '*does not exist*'), createStack)
    .otherwise(recordFailed);
  describeStack.addCatch(missing, { errors: [CLOUDFORMATION_EXCEPTION], ...caught });
  onAnyError(describeStack);
  waitForIdle.next(describeStack);
  const route = new sfn.Choice(scope, S.routeByStackStatus)
    .when(sfn.Condition.stringEquals(STATUS, 'ROLLBACK_COMPLETE'), deleteStack)
    .when(
      // Another operation is running: wait for it (REVIEW_IN_PROGRESS never settles by itself).
      sfn.Condition.and(
        sfn.Condition.stringMatches(STATUS, '*_IN_PROGRESS'),
        sfn.Condition.not(sfn.Condition.stringEquals(STATUS, 'REVIEW_IN_PROGRESS')),
      ),
      waitForIdle,
    )
    .otherwise(updateStack);
  describeStack.next(route);

  // The waves, one after the other: deploy the wave's tenants, assess, go on or stop.
  const deployWaveTenants = new sfn.DistributedMap(scope, S.deployWaveTenants, {
    itemsPath: '$.progress.tenants',
    itemSelector: {
      tenant: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      release: sfn.JsonPath.objectAt('$.plan.release'),
    },
    maxConcurrencyPath: '$.plan.release.waveSize',
    toleratedFailurePercentage: tolerated,
    mapExecutionType: sfn.StateMachineType.STANDARD,
    resultPath: '$.waveResults',
  });
  deployWaveTenants.itemProcessor(describeStack);
  const assessWave = lambdaStep(
    S.assessWave,
    fns.assessWave,
    {
      plan: sfn.JsonPath.objectAt('$.plan'),
      progress: sfn.JsonPath.objectAt('$.progress'),
      waveResults: sfn.JsonPath.objectAt('$.waveResults'),
      toleratedFailurePercentage: tolerated,
    },
    '$.progress',
  );
  const summarize = lambdaStep(S.summarizeRelease, fns.summarizeRelease, undefined, undefined);
  deployWaveTenants.addCatch(summarize, { errors: ['States.ALL'], resultPath: '$.stopped' });
  const hasNextWave = new sfn.Choice(scope, S.hasNextWave)
    .when(sfn.Condition.booleanEquals('$.progress.more', true), deployWaveTenants)
    .otherwise(summarize);
  deployWaveTenants.next(assessWave).next(hasNextWave);
  const outcome = new sfn.Choice(scope, S.releaseOutcome)
    .when(
      sfn.Condition.isPresent('$.stopped'),
      new sfn.Fail(scope, S.releaseStopped, { error: RELEASE_STOPPED_ERROR, causePath: '$.cause' }),
    )
    .otherwise(new sfn.Succeed(scope, S.releaseDone));
  summarize.next(outcome);

  return lambdaStep(S.planRelease, fns.planRelease, undefined, undefined).next(hasNextWave);
}
