/**
 * The approval step of every lifecycle workflow (its own Lambda entry: DynamoDB only): records the
 * task token for operators to answer, and puts an onboarding tenant in AWAITING_APPROVAL.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { instrumentStep } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { conditionally } from '../shared/conditional-write';
import { defineEnv, transientAware } from '../shared/env';
import { type ApprovalRecord, approvalStore } from './approval-store';

const env = defineEnv(['APPROVALS_TABLE', 'TENANT_DETAILS_TABLE']);

/** What the workflow's approval task passes (workflows/onboarding.ts `approvalTask`). */
export interface ApprovalRequest {
  readonly taskToken: string;
  readonly executionId: string;
  readonly kind: string;
  readonly tenantId: string;
  readonly tenantName?: string;
  readonly tier?: string;
}

export interface RequestApprovalDeps {
  readonly dynamoDb: Pick<DynamoDBDocumentClient, 'send'>;
  readonly now: () => Date;
}

/**
 * Idempotent: a retried attempt carries a new task token and overwrites the item, so the token
 * stored is always the one the execution waits on.
 */
export async function requestApprovalWith(
  deps: RequestApprovalDeps,
  request: ApprovalRequest,
): Promise<ApprovalRecord> {
  const record: ApprovalRecord = {
    executionId: request.executionId,
    kind: request.kind,
    tenantId: request.tenantId,
    tenantName: request.tenantName,
    tier: request.tier,
    taskToken: request.taskToken,
    requestedAt: deps.now().toISOString(),
  };
  await approvalStore(deps.dynamoDb, env.APPROVALS_TABLE).put(record);
  if (request.kind === 'onboarding') {
    await conditionally(
      deps.dynamoDb.send(
        new UpdateCommand({
          TableName: env.TENANT_DETAILS_TABLE,
          Key: { tenantId: request.tenantId },
          UpdateExpression: 'SET #status = :waiting, updatedAt = :now',
          ConditionExpression: '#status = :onboarding',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':waiting': 'AWAITING_APPROVAL',
            ':onboarding': 'ONBOARDING',
            ':now': record.requestedAt,
          },
        }),
      ),
    );
  }
  return record;
}

/** The Lambda handler; its log lines carry the execution name as correlation id and the tenant. */
export const requestApproval = instrumentStep(
  (request: ApprovalRequest) =>
    transientAware(async () => {
      const { taskToken: _secret, ...recorded } = await requestApprovalWith(
        { dynamoDb: dynamoDb(), now: () => new Date() },
        request,
      );
      return recorded;
    }),
  (request) => ({ correlationId: request.executionId, tenant: { tenantId: request.tenantId, tier: request.tier } }),
);
