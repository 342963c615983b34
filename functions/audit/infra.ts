import type { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AppFunction } from '../../infra/constructs/app-function';
import { acknowledge } from '../../infra/constructs/nag';
import { registryTable } from '../../infra/constructs/registry-table';
import { AUDIT_BY_TENANT_INDEX } from './audit-log-store';

/** The audit log: its table, the reader behind `GET /audit`, and the grant that lets a service append. */
export interface AuditLog {
  readonly table: dynamodb.Table;
  readonly reader: AppFunction;
  /** Lets `grantee` add entries and nothing else: no update, no delete (append-only; TTL expires them). */
  grantAppend(grantee: iam.IGrantable & { addEnvironment?(name: string, value: string): unknown }): void;
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
  acknowledge(reader.executionRole, [
    {
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*]`,
      reason: "Query on the audit table's own indexes (byTenant: one tenant's entries); no other table.",
    },
  ]);
  return {
    table,
    reader,
    grantAppend(grantee) {
      // PutItem on the table itself, not its indexes (a grant would add `/index/*`), and nothing else.
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }),
      );
      grantee.addEnvironment?.('AUDIT_TABLE', table.tableName);
    },
  };
}
