import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AppFunction } from '../../infra/constructs/app-function';
import { registryTable } from '../../infra/constructs/registry-table';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

/** The pending approvals and the step that records them (approval-store.ts, request-approval.ts). */
export interface Approvals {
  readonly table: dynamodb.Table;
  /** The approval step's function, shared by every lifecycle workflow's approval task. */
  readonly requestApproval: AppFunction;
}

/** The approvals table (kept like every table) and the approval step's function. */
export function approvals(stack: Stack, props: { readonly foundation: FoundationStack }): Approvals {
  const table = registryTable(stack, 'Approvals', { partitionKey: 'executionId' });
  const requestApproval = new AppFunction(stack, 'RequestApprovalFunction', {
    entry: 'functions/approvals/request-approval.ts',
    handler: 'requestApproval',
    description: 'Lifecycle workflows: records an approval request (task token) for operators to answer',
    environment: { APPROVALS_TABLE: table.tableName, TENANT_DETAILS_TABLE: props.foundation.tenantDetails.tableName },
  });
  table.grant(requestApproval, 'dynamodb:PutItem');
  props.foundation.tenantDetails.grant(requestApproval, 'dynamodb:UpdateItem');
  return { table, requestApproval };
}
