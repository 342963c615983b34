/** The releases API's I/O: the fan-out's executions, and the tenant rows a release detail names. */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describeExecution, executionsPage } from '../executions/execution-store';
import { executionHistory } from '../shared/execution-history';
import type { ReleasesDeps, TenantFacts } from './releases';

/** The tables, as the function's environment names them (read when used). */
export interface ReleaseTables {
  readonly TENANT_DETAILS_TABLE: string;
  readonly TENANT_STACK_MAPPING_TABLE: string;
}

/** Every I/O of the releases API (the state machine is the handler's). */
export function releaseStore(
  { dynamoDb, sfn }: { readonly dynamoDb: Pick<DynamoDBDocumentClient, 'send'>; readonly sfn: SFNClient },
  tables: ReleaseTables,
): Omit<ReleasesDeps, 'stateMachineArn'> {
  /** Reads `attributes` of the tenants' rows of `table`, 100 keys a request (BatchGetItem's limit). */
  async function rowsOf(table: string, tenantIds: readonly string[], attributes: string[]) {
    const rows = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < tenantIds.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = tenantIds.slice(i, i + 100).map((tenantId) => ({ tenantId }));
      // Unprocessed keys (throttling) are asked again, a few times at most.
      for (let attempt = 0; keys?.length && attempt < 3; attempt++) {
        const result: BatchGetCommandOutput = await dynamoDb.send(
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

  return {
    executions: {
      page: (stateMachineArn, query) => executionsPage(sfn, stateMachineArn, query),
      describe: (executionArn) => describeExecution(sfn, executionArn),
      history: (executionArn) => executionHistory(sfn, executionArn),
    },
    async tenantFacts(tenantIds) {
      const [names, mappings] = await Promise.all([
        rowsOf(tables.TENANT_DETAILS_TABLE, tenantIds, ['tenantId', 'tenantName']),
        rowsOf(tables.TENANT_STACK_MAPPING_TABLE, tenantIds, ['tenantId', 'deployedVersion', 'lastDeployError']),
      ]);
      return new Map(
        tenantIds.map((tenantId): [string, TenantFacts] => [
          tenantId,
          {
            tenantName: names.get(tenantId)?.tenantName as string | undefined,
            deployedVersion: mappings.get(tenantId)?.deployedVersion as string | undefined,
            lastDeployError: mappings.get(tenantId)?.lastDeployError as string | undefined,
          },
        ]),
      );
    },
  };
}
