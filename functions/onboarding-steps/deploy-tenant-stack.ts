/** Onboarding step DeployTenantStack, silo tenants only (its own Lambda entry: DynamoDB, CodePipeline, Step Functions). */
import { createHash } from 'node:crypto';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { InvalidRegistrationError } from './step';

const sfn = new SFNClient({});
const codePipeline = new CodePipelineClient({});

/** What the release fan-out reports when a tenant's stack is deployed (SendTaskSuccess output). */
export interface TenantStackDeployed {
  readonly apiUrl: string;
  readonly usagePlanId: string;
  readonly stackName: string;
}

/**
 * Silo tenants (`.waitForTaskToken`): leaves the task token on the tenant's stack mapping and
 * starts the tenant pipeline for just this tenant; the fan-out resumes the onboarding with
 * SendTaskSuccess/Failure when the stack is deployed. If an earlier attempt already got the
 * stack deployed (a redrive), it resumes at once instead of starting another pipeline run.
 */
export async function deployTenantStack(event: { taskToken: string; tenantId: string }): Promise<{ started: boolean }> {
  const mappingTable = requiredEnv('TENANT_STACK_MAPPING_TABLE');
  const row = (
    await dynamoDb().send(
      new GetCommand({ TableName: mappingTable, Key: { tenantId: event.tenantId }, ConsistentRead: true }),
    )
  ).Item;
  if (!row?.stackName) throw new InvalidRegistrationError(`No stack mapping for tenant ${event.tenantId}`);
  if (row.deployedVersion && row.apiUrl && row.usagePlanId) {
    const output: TenantStackDeployed = { apiUrl: row.apiUrl, usagePlanId: row.usagePlanId, stackName: row.stackName };
    await sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken, output: JSON.stringify(output) }));
    return { started: false };
  }
  await dynamoDb().send(
    new UpdateCommand({
      TableName: mappingTable,
      Key: { tenantId: event.tenantId },
      UpdateExpression: 'SET waitingTaskToken = :token',
      ExpressionAttributeValues: { ':token': event.taskToken },
    }),
  );
  await codePipeline.send(
    new StartPipelineExecutionCommand({
      name: requiredEnv('TENANT_PIPELINE_NAME'),
      variables: [{ name: 'tenantId', value: event.tenantId }],
      // One pipeline run per waiting task: a retried invocation does not start a second one.
      clientRequestToken: createHash('sha256').update(event.taskToken).digest('hex').slice(0, 64),
    }),
  );
  return { started: true };
}
