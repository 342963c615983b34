/** Onboarding step DeployTenantStack, silo tenants only (its own Lambda entry: DynamoDB, CodePipeline, Step Functions). */
import { createHash } from 'node:crypto';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { lazy } from '../shared/env';
import { env } from './env';
import { type Client, InvalidRegistrationError, onboardingStep } from './step';

/** What the release fan-out reports when a tenant's stack is deployed (SendTaskSuccess output). */
export interface TenantStackDeployed {
  readonly apiUrl: string;
  readonly usagePlanId: string;
  readonly stackName: string;
}

/** The task's payload (`.waitForTaskToken`). */
export interface DeployTenantStackEvent {
  readonly taskToken: string;
  readonly tenantId: string;
  /** The onboarding's execution name and the tenant's tier, for the step's telemetry. */
  readonly registrationId?: string;
  readonly tier?: string;
}

/** What DeployTenantStack calls: TenantStackMapping, CodePipeline and Step Functions. */
export interface DeployTenantStackDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly codePipeline: Client<CodePipelineClient>;
  readonly sfn: Client<SFNClient>;
}

/**
 * Silo tenants (`.waitForTaskToken`): leaves the task token on the tenant's stack mapping and
 * starts the tenant pipeline for just this tenant; the fan-out resumes the onboarding with
 * SendTaskSuccess/Failure when the stack is deployed. If an earlier attempt already got the
 * stack deployed (a redrive), it resumes at once instead of starting another pipeline run.
 */
export async function deployTenantStackWith(
  deps: DeployTenantStackDeps,
  event: DeployTenantStackEvent,
): Promise<{ started: boolean }> {
  const row = (
    await deps.dynamoDb.send(
      new GetCommand({
        TableName: env.TENANT_STACK_MAPPING_TABLE,
        Key: { tenantId: event.tenantId },
        ConsistentRead: true,
      }),
    )
  ).Item;
  if (!row?.stackName) throw new InvalidRegistrationError(`No stack mapping for tenant ${event.tenantId}`);
  if (row.deployedVersion && row.apiUrl && row.usagePlanId) {
    const output: TenantStackDeployed = { apiUrl: row.apiUrl, usagePlanId: row.usagePlanId, stackName: row.stackName };
    await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken, output: JSON.stringify(output) }));
    return { started: false };
  }
  await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_STACK_MAPPING_TABLE,
      Key: { tenantId: event.tenantId },
      UpdateExpression: 'SET waitingTaskToken = :token',
      ExpressionAttributeValues: { ':token': event.taskToken },
    }),
  );
  await deps.codePipeline.send(
    new StartPipelineExecutionCommand({
      name: env.TENANT_PIPELINE_NAME,
      variables: [{ name: 'tenantId', value: event.tenantId }],
      // One pipeline run per waiting task: a retried invocation does not start a second one.
      clientRequestToken: createHash('sha256').update(event.taskToken).digest('hex').slice(0, 64),
    }),
  );
  return { started: true };
}

const sfn = lazy(() => traced(new SFNClient({})));
const codePipeline = lazy(() => traced(new CodePipelineClient({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const deployTenantStack = onboardingStep((event: DeployTenantStackEvent) =>
  deployTenantStackWith({ dynamoDb: dynamoDb(), codePipeline: codePipeline(), sfn: sfn() }, event),
);
