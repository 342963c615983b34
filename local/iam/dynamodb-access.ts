/**
 * What a DynamoDB request asks IAM for: one (action, resource, `dynamodb:LeadingKeys`) check per
 * table it touches, derived from the request the way DynamoDB's authorization does. Pure apart
 * from the key-schema lookup it is given.
 */
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../deployer/constants';

export interface AccessCheck {
  readonly action: string;
  /** Table or index ARN, or `*` for account-level actions (ListTables). */
  readonly resource: string;
  /** Partition key values the request touches; undefined when the request names none (Scan). */
  readonly leadingKeys?: readonly string[];
}

/** The partition key attribute of a table or one of its indexes; undefined when unknown. */
export type PartitionKeyOf = (tableName: string, indexName?: string) => Promise<string | undefined>;

type AttributeValue = Record<string, unknown>;
type Body = Record<string, any>;

const ACCOUNT_LEVEL = new Set([
  'ListTables',
  'DescribeLimits',
  'DescribeEndpoints',
  'ListBackups',
  'ListGlobalTables',
  'ListExports',
  'ListImports',
]);

export function tableArn(tableName: string, indexName?: string): string {
  const arn = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}`;
  return indexName ? `${arn}/index/${indexName}` : arn;
}

/** The string IAM compares for a key value (S, N and B are all compared as their text). */
function keyText(value: AttributeValue | undefined): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const type of ['S', 'N', 'B'] as const) if (typeof value[type] === 'string') return value[type] as string;
  return undefined;
}

/** The partition key value of a KeyConditionExpression (`pk = :v`, names may be `#aliases`). */
export function partitionValueOfKeyCondition(body: Body, partitionKey: string): string | undefined {
  if (body.KeyConditions && typeof body.KeyConditions === 'object') {
    const condition = body.KeyConditions[partitionKey];
    return condition?.ComparisonOperator === 'EQ' ? keyText(condition.AttributeValueList?.[0]) : undefined;
  }
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const resolve = (name: string) => (name.startsWith('#') ? names[name] : name);
  const patterns = [/(#?[A-Za-z0-9_.-]+)\s*=\s*(:[A-Za-z0-9_]+)/g, /(:[A-Za-z0-9_]+)\s*=\s*(#?[A-Za-z0-9_.-]+)/g];
  for (const [index, pattern] of patterns.entries()) {
    for (const match of expression.matchAll(pattern)) {
      const [name, placeholder] = index === 0 ? [match[1], match[2]] : [match[2], match[1]];
      if (name && placeholder && resolve(name) === partitionKey) return keyText(values[placeholder]);
    }
  }
  return undefined;
}

/** The checks a request needs, one per table (or index) and action. */
export async function accessChecksOf(
  operation: string,
  body: Body,
  partitionKeyOf: PartitionKeyOf,
): Promise<AccessCheck[]> {
  const action = `dynamodb:${operation}`;
  if (ACCOUNT_LEVEL.has(operation)) return [{ action, resource: '*' }];

  const keysOf = async (tableName: string, items: readonly (AttributeValue | undefined)[], indexName?: string) => {
    const partitionKey = await partitionKeyOf(tableName, indexName);
    // Unknown table: no keys to report (a session policy's Null guard then denies).
    if (!partitionKey) return undefined;
    return items.map((item) => keyText((item as Record<string, AttributeValue> | undefined)?.[partitionKey]) ?? '');
  };
  const itemCheck = async (
    itemAction: string,
    tableName: string,
    item: AttributeValue | undefined,
  ): Promise<AccessCheck> => ({
    action: itemAction,
    resource: tableArn(tableName),
    leadingKeys: await keysOf(tableName, [item]),
  });

  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [await itemCheck(action, String(body.TableName), body.Key)];
    case 'PutItem':
      return [await itemCheck(action, String(body.TableName), body.Item)];
    case 'Query': {
      const partitionKey = await partitionKeyOf(String(body.TableName), body.IndexName);
      const value = partitionKey ? partitionValueOfKeyCondition(body, partitionKey) : undefined;
      return [
        {
          action,
          resource: tableArn(String(body.TableName), body.IndexName),
          leadingKeys: value === undefined ? undefined : [value],
        },
      ];
    }
    case 'Scan':
      return [{ action, resource: tableArn(String(body.TableName), body.IndexName) }];
    case 'BatchGetItem': {
      const tables = Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: AttributeValue[] }>);
      return Promise.all(
        tables.map(async ([tableName, request]) => ({
          action,
          resource: tableArn(tableName),
          leadingKeys: await keysOf(tableName, request.Keys ?? []),
        })),
      );
    }
    case 'BatchWriteItem': {
      const tables = Object.entries(
        (body.RequestItems ?? {}) as Record<
          string,
          Array<{ PutRequest?: { Item: AttributeValue }; DeleteRequest?: { Key: AttributeValue } }>
        >,
      );
      return Promise.all(
        tables.map(async ([tableName, writes]) => ({
          action,
          resource: tableArn(tableName),
          leadingKeys: await keysOf(
            tableName,
            writes.map((w) => w.PutRequest?.Item ?? w.DeleteRequest?.Key),
          ),
        })),
      );
    }
    case 'TransactGetItems':
      return Promise.all(
        ((body.TransactItems ?? []) as Array<{ Get?: { TableName: string; Key: AttributeValue } }>).map((item) =>
          itemCheck('dynamodb:GetItem', String(item.Get?.TableName), item.Get?.Key),
        ),
      );
    case 'TransactWriteItems': {
      const kinds = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      } as const;
      const items = (body.TransactItems ?? []) as Array<
        Record<string, { TableName: string; Key?: AttributeValue; Item?: AttributeValue }>
      >;
      return Promise.all(
        items.flatMap((item) =>
          Object.entries(kinds)
            .filter(([kind]) => item[kind])
            .map(([kind, itemAction]) => {
              const request = item[kind] as { TableName: string; Key?: AttributeValue; Item?: AttributeValue };
              return itemCheck(`dynamodb:${itemAction}`, request.TableName, request.Item ?? request.Key);
            }),
        ),
      );
    }
    default:
      // Table-level operations (DescribeTable, CreateTable, ...): the table is the resource.
      return [{ action, resource: typeof body.TableName === 'string' ? tableArn(body.TableName) : '*' }];
  }
}
