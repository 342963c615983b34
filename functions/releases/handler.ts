/**
 * Operators' releases API: `GET /releases`, `GET /releases/{releaseId}`. A release is an
 * execution of the fan-out state machine; Step Functions is read, never copied. Names and
 * deployed versions come from TenantDetails and TenantStackMapping (the rows the fan-out records on).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../contracts/errors';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { executionHistory, listExecutionsPage } from '../shared/execution-history';
import { json, pathParam, router } from '../shared/http';
import { isReleaseId, needsHistory, releaseDetail, releaseItem, type TenantFacts } from './releases';

const logger = new Logger();
const sfn = new SFNClient({});
const FANOUT = requiredEnv('FANOUT_STATE_MACHINE_ARN');
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');
const MAPPING_TABLE = requiredEnv('TENANT_STACK_MAPPING_TABLE');

const executionArnOf = (releaseId: string) => `${FANOUT.replace(':stateMachine:', ':execution:')}:${releaseId}`;

/** Reads `attributes` of the tenants' rows of `table`, 100 keys a request (BatchGetItem's limit). */
async function rowsOf(table: string, tenantIds: readonly string[], attributes: string[]) {
  const rows = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < tenantIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = tenantIds.slice(i, i + 100).map((tenantId) => ({ tenantId }));
    // Unprocessed keys (throttling) are asked again, a few times at most.
    for (let attempt = 0; keys?.length && attempt < 3; attempt++) {
      const result: BatchGetCommandOutput = await dynamoDb().send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: keys, ProjectionExpression: attributes.join(', ') } },
        }),
      );
      for (const row of result.Responses?.[table] ?? []) rows.set(row.tenantId as string, row);
      keys = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return rows;
}

async function tenantFacts(tenantIds: readonly string[]): Promise<Map<string, TenantFacts>> {
  const [names, mappings] = await Promise.all([
    rowsOf(TENANTS_TABLE, tenantIds, ['tenantId', 'tenantName']),
    rowsOf(MAPPING_TABLE, tenantIds, ['tenantId', 'deployedVersion', 'lastDeployError']),
  ]);
  return new Map(
    tenantIds.map((tenantId) => [
      tenantId,
      {
        tenantName: names.get(tenantId)?.tenantName as string | undefined,
        deployedVersion: mappings.get(tenantId)?.deployedVersion as string | undefined,
        lastDeployError: mappings.get(tenantId)?.lastDeployError as string | undefined,
      },
    ]),
  );
}

export const handler = router(
  {
    'GET /releases': async (event) => {
      const page = await listExecutionsPage(sfn, FANOUT, event.queryStringParameters ?? {});
      const items = await Promise.all(
        (page.executions ?? []).map(async ({ executionArn }) => {
          const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          // A finished release counts from its summary; only the others need their history.
          return releaseItem(
            execution,
            needsHistory(execution) ? await executionHistory(sfn, executionArn as string) : [],
          );
        }),
      );
      return json(200, { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
    },
    'GET /releases/{releaseId}': async (event) => {
      const releaseId = pathParam(event, 'releaseId');
      if (!isReleaseId(releaseId)) throw new NotFoundError('Release');
      const executionArn = executionArnOf(releaseId);
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: Error) => {
        if (error.name === 'ExecutionDoesNotExist') throw new NotFoundError('Release');
        throw error;
      });
      const events = await executionHistory(sfn, executionArn);
      // Which tenants a release touches is known only from its history; then their rows are read.
      // Distinct ids: BatchGetItem refuses a request that names one key twice.
      const tenantIds = [...new Set(releaseDetail(execution, events).tenants.map((t) => t.tenantId))];
      return json(200, releaseDetail(execution, events, await tenantFacts(tenantIds)));
    },
  },
  (message, error) => logger.error(message, error as Error),
);
