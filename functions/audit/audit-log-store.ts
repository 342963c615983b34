/** The audit table's queries (AuditDeps.query): a month's partition, or a tenant's entries in the byTenant index. */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../shared/audit-trail';
import type { AuditDeps } from './audit';

/** The index of one tenant's entries (partition tenantId, sort sk). */
export const AUDIT_BY_TENANT_INDEX = 'byTenant';

export function auditLogQuery(dynamoDb: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): AuditDeps['query'] {
  return async ({ partition, fromSk, toSk, limit, startKey }) => {
    const byTenant = 'tenantId' in partition;
    const page = await dynamoDb.send(
      new QueryCommand({
        TableName: tableName,
        ...(byTenant ? { IndexName: AUDIT_BY_TENANT_INDEX } : {}),
        KeyConditionExpression: '#p = :p AND sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#p': byTenant ? 'tenantId' : 'month' },
        ExpressionAttributeValues: {
          ':p': byTenant ? partition.tenantId : partition.month,
          ':from': fromSk,
          ':to': toSk,
        },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (page.Items ?? []).map(({ month: _m, sk: _s, expiresAt: _e, ...entry }) => entry as AuditEntry);
    return { items, lastKey: page.LastEvaluatedKey };
  };
}
