/** The tenant registry in DynamoDB: TenantDetails (one row per tenant) and TenantNames (name → tenant). */
import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord, TenantStatus } from '../../contracts/tenant-record';
import { isConditionalCheckFailed } from '../shared/conditional-write';
import { decodeNextToken, encodeNextToken } from '../shared/pagination';
import type { TenantRegistry } from './tenants';

/** The tables, as the function's environment names them (read when used). */
export interface RegistryTables {
  readonly TENANT_DETAILS_TABLE: string;
  readonly TENANT_NAMES_TABLE: string;
}

/** The registry on DynamoDB's `send`. */
export function tenantStore(db: Pick<DynamoDBDocumentClient, 'send'>, tables: RegistryTables): TenantRegistry {
  return {
    async get(tenantId) {
      const result = await db.send(new GetCommand({ TableName: tables.TENANT_DETAILS_TABLE, Key: { tenantId } }));
      return result.Item as TenantRecord | undefined;
    },
    async tenantIdOfName(tenantNameKey) {
      const result = await db.send(new GetCommand({ TableName: tables.TENANT_NAMES_TABLE, Key: { tenantNameKey } }));
      return result.Item?.tenantId as string | undefined;
    },
    async list(limit, nextToken) {
      const result = await db.send(
        new ScanCommand({
          TableName: tables.TENANT_DETAILS_TABLE,
          Limit: limit,
          ExclusiveStartKey: decodeNextToken(nextToken),
        }),
      );
      return { items: (result.Items ?? []) as TenantRecord[], nextToken: encodeNextToken(result.LastEvaluatedKey) };
    },
    async setStatus(tenantId, from, to, at) {
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tables.TENANT_DETAILS_TABLE,
            Key: { tenantId },
            UpdateExpression: 'SET #status = :to, updatedAt = :now',
            ConditionExpression: '#status IN (:from, :to)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':from': from, ':to': to, ':now': at },
            // The status it had tells a change from a repeat (only a change is an event).
            ReturnValues: 'ALL_OLD',
          }),
        );
        return result.Attributes?.status as TenantStatus | undefined;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },
  };
}
