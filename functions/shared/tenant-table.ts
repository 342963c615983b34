/**
 * Generic access to a pooled table keyed by (tenantId, <idAttribute>). The partition key is
 * always the caller's tenant, which is also what the tenant-scoped IAM policy allows.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@tenantflow/tenant-context';
import { isConditionalCheckFailed } from './conditional-write';
import { decodeNextToken, encodeNextToken } from './pagination';

export interface TenantTable<T> {
  list(tenantId: string, limit: number, nextToken?: string): Promise<{ items: T[]; nextToken?: string }>;
  get(tenantId: string, id: string): Promise<T | undefined>;
  /** Reads up to 100 items of the tenant by id; missing ids are absent from the map. */
  getMany(tenantId: string, ids: readonly string[]): Promise<Map<string, T>>;
  put(tenantId: string, item: T): Promise<void>;
  /** Writes only if the item exists; resolves undefined otherwise. */
  replace(tenantId: string, item: T): Promise<T | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

function withoutTenant<T>(item: Record<string, unknown>): T {
  const { tenantId: _tenantId, ...rest } = item;
  return rest as T;
}

export function tenantTable<T extends object>(
  client: DynamoDBDocumentClient,
  tableName: string,
  idAttribute: keyof T & string,
): TenantTable<T> {
  return {
    async list(tenantId, limit, nextToken) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'tenantId = :tenantId',
          ExpressionAttributeValues: { ':tenantId': tenantId },
          Limit: limit,
          ExclusiveStartKey: decodeNextToken(nextToken, { tenantId }),
        }),
      );
      return {
        items: (result.Items ?? []).map((item) => withoutTenant<T>(item)),
        nextToken: encodeNextToken(result.LastEvaluatedKey),
      };
    },
    async get(tenantId, id) {
      const result = await client.send(new GetCommand({ TableName: tableName, Key: { tenantId, [idAttribute]: id } }));
      return result.Item ? withoutTenant<T>(result.Item) : undefined;
    },
    async getMany(tenantId, ids) {
      const found = new Map<string, T>();
      let keys: Record<string, unknown>[] = ids.map((id) => ({ tenantId, [idAttribute]: id }));
      // BatchGet may return unprocessed keys under load; retry them until done.
      for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
        const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[tableName] ?? []) {
          found.set(String(item[idAttribute]), withoutTenant<T>(item));
        }
        keys = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      return found;
    },
    async put(tenantId, item) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...item, tenantId },
          ConditionExpression: 'attribute_not_exists(tenantId)',
        }),
      );
    },
    async replace(tenantId, item) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...item, tenantId },
            ConditionExpression: 'attribute_exists(tenantId)',
          }),
        );
        return item;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },
    async delete(tenantId, id) {
      const result = await client.send(
        new DeleteCommand({ TableName: tableName, Key: { tenantId, [idAttribute]: id }, ReturnValues: 'ALL_OLD' }),
      );
      return result.Attributes !== undefined;
    },
  };
}
