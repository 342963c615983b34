/**
 * Pending approvals: one item per lifecycle execution that waits for an operator, keyed by the
 * execution's name, holding the task token that resumes it. The item exists exactly while the
 * execution waits (written by its approval step, deleted by the answer or by the workflow's
 * rejection path), so "what awaits approval" is a read of a table as small as the queue itself.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

/** What an approval step recorded for operators to answer. */
export interface ApprovalRecord {
  /** The waiting execution's name (an onboarding's: its registration id). */
  readonly executionId: string;
  /** The workflow: `onboarding`, `offboarding`, `tier-change`. */
  readonly kind: string;
  readonly tenantId: string;
  readonly tenantName?: string;
  readonly tier?: string;
  readonly taskToken: string;
  readonly requestedAt: string;
}

/** The approvals table as the approval step and the operators' routes use it. */
export interface ApprovalStore {
  put(record: ApprovalRecord): Promise<void>;
  get(executionId: string): Promise<ApprovalRecord | undefined>;
  delete(executionId: string): Promise<void>;
  /** Every pending approval (of one kind), oldest first. */
  pending(kind?: string): Promise<ApprovalRecord[]>;
}

type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** The attributes a listing returns (`kind` second: the filter names it `#a1`). */
const LISTED = ['executionId', 'kind', 'tenantId', 'tenantName', 'tier', 'requestedAt'] as const;

export function approvalStore(dynamoDb: DocumentClient, tableName: string): ApprovalStore {
  return {
    async put(record) {
      await dynamoDb.send(new PutCommand({ TableName: tableName, Item: record }));
    },
    async get(executionId) {
      const found = await dynamoDb.send(
        new GetCommand({ TableName: tableName, Key: { executionId }, ConsistentRead: true }),
      );
      return found.Item as ApprovalRecord | undefined;
    },
    async delete(executionId) {
      await dynamoDb.send(new DeleteCommand({ TableName: tableName, Key: { executionId } }));
    },
    async pending(kind) {
      const records: ApprovalRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamoDb.send(
          new ScanCommand({
            TableName: tableName,
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
            // The token never leaves the table through a listing. (Names, not words: some are reserved.)
            ProjectionExpression: LISTED.map((_, i) => `#a${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(LISTED.map((name, i) => [`#a${i}`, name])),
            ...(kind ? { FilterExpression: '#a1 = :kind', ExpressionAttributeValues: { ':kind': kind } } : {}),
          }),
        );
        records.push(...((page.Items ?? []) as ApprovalRecord[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return records.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    },
  };
}
