/** The audit table writer (the router's AuditSink on the control plane). */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_RETENTION_DAYS, type AuditSink, auditKeyOf } from './audit-trail';

/** Writes entries to the audit table, never over an existing one (the log is append-only). */
export function auditTrail(dynamoDb: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): AuditSink {
  return async (entry) => {
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400;
    await dynamoDb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...auditKeyOf(entry), ...entry, expiresAt },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
  };
}
