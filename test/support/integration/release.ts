/** Releases (executions of the fan-out state machine) on the test's local cloud, and what they deploy to. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, type DescribeExecutionOutput, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type StackMappingRow, undeployableReason } from '../../../functions/pipeline/fanout';
import { type ReleaseOptions, releaseStarter, tableNamed, waitFor } from '../client';
import { cloud } from './cloud';

const credentials = { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' };
const stepFunctions = () =>
  new SFNClient({ region: 'us-east-1', endpoint: cloud().stepFunctionsEndpoint, credentials });

/**
 * Starts the fan-out with the silo template of this checkout, as the local pipeline does, and
 * returns the release id (the execution name). `pollSeconds` defaults to 0 so tests run fast.
 */
export async function startRelease(
  version: string,
  options: ReleaseOptions = {},
): Promise<{ releaseId: string; executionArn: string }> {
  return (await releaseStarter(stepFunctions()))(version, options);
}

/** Waits until the execution has left RUNNING and returns it. */
export async function executionEnd(executionArn: string, timeoutMs = 120_000): Promise<DescribeExecutionOutput> {
  const sfn = stepFunctions();
  return waitFor(
    async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    },
    `release ${executionArn}`,
    timeoutMs,
  );
}

/** Every TenantStackMapping row (all pages). */
export async function stackMappingRows(): Promise<StackMappingRow[]> {
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: cloud().dynamoDbEndpoint, credentials });
  const documents = DynamoDBDocumentClient.from(dynamo);
  const TableName = await tableNamed(dynamo, 'TenantStackMapping');
  const rows: StackMappingRow[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    rows.push(...((page.Items ?? []) as StackMappingRow[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  dynamo.destroy();
  return rows;
}

/**
 * The silo tenants a release to every silo tenant deploys, in the order it plans them (tenant id
 * order, as PlanRelease): whatever other test files onboarded before, read when it is called.
 */
export async function plannedSiloTenants(): Promise<string[]> {
  return (await stackMappingRows())
    .filter((row) => row.deploymentModel === 'silo' && undeployableReason(row) === undefined)
    .map((row) => row.tenantId)
    .sort((a, b) => a.localeCompare(b));
}
