/** Rule target RecordOnboardingFailure (its own Lambda entry: Step Functions and DynamoDB). */
import { SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../shared/aws-clients';
import { isConditionalCheckFailed } from '../shared/conditional-write';
import { executionHistory } from '../shared/execution-history';
import { failedStepOf } from '../shared/execution-steps';
import { type ExecutionStatusChange, type OnboardingState, tenantsTable } from './step';

const sfn = new SFNClient({});

/**
 * Rule target for FAILED / TIMED_OUT onboarding executions: marks the tenant FAILED with the
 * step that failed and its cause. (The tenant row may not exist if validation failed.)
 */
export async function recordOnboardingFailure(event: ExecutionStatusChange): Promise<{ recorded: boolean }> {
  const input = JSON.parse(event.detail.input) as Partial<OnboardingState>;
  if (!input.tenantId) return { recorded: false };
  const failed = failedStepOf(await executionHistory(sfn, event.detail.executionArn));
  const cause = (failed?.error ?? `${event.detail.error ?? 'Error'}: ${event.detail.cause ?? ''}`).slice(0, 1000);
  try {
    await dynamoDb().send(
      new UpdateCommand({
        TableName: tenantsTable(),
        Key: { tenantId: input.tenantId },
        UpdateExpression: 'SET #status = :failed, failedStep = :step, failureCause = :cause, updatedAt = :now',
        // Never downgrade a tenant that a redrive has meanwhile activated.
        ConditionExpression: 'attribute_exists(tenantId) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':active': 'ACTIVE',
          ':step': failed?.name ?? 'unknown',
          ':cause': cause,
          ':now': new Date().toISOString(),
        },
      }),
    );
    return { recorded: true };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { recorded: false };
    throw error;
  }
}
