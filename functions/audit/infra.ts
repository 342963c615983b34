import type { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { AppFunction } from '../../infra/constructs/app-function';
import { registryTable } from '../../infra/constructs/registry-table';
import { AUDIT_BY_TENANT_INDEX } from './audit-log-store';

/** The audit log: its table, the reader behind `GET /audit`, and the grant that lets a service append. */
export interface AuditLog {
  readonly table: dynamodb.Table;
  readonly reader: AppFunction;
  /** Lets `grantee` add entries and nothing else: no update, no delete (append-only; TTL expires them). */
  grantAppend(grantee: IGrantable & { addEnvironment?(name: string, value: string): unknown }): void;
}

export function auditLog(stack: Stack): AuditLog {
  const table = registryTable(stack, 'AuditLog', {
    partitionKey: 'month',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
  });
  table.addGlobalSecondaryIndex({
    indexName: AUDIT_BY_TENANT_INDEX,
    partitionKey: { name: 'tenantId', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
  });
  const reader = new AppFunction(stack, 'AuditFunction', {
    entry: 'functions/audit/handler.ts',
    description: 'Control plane: the audit log, read by operators and (their own tenant) by tenant admins',
    environment: { AUDIT_TABLE: table.tableName },
  });
  table.grant(reader, 'dynamodb:Query');
  return {
    table,
    reader,
    grantAppend(grantee) {
      table.grant(grantee, 'dynamodb:PutItem');
      grantee.addEnvironment?.('AUDIT_TABLE', table.tableName);
    },
  };
}
