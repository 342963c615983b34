/** Rule target RecordOnboardingFailure (its own Lambda entry: Step Functions, DynamoDB and EventBridge). */
import { SFNClient } from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { METRICS } from '../../contracts/observability';
import { REGISTRATION_REJECTED_ERROR } from '../../contracts/onboarding-states';
import { MetricUnit, metrics, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { conditionally } from '../shared/conditional-write';
import { lazy } from '../shared/env';
import { executionHistory } from '../shared/execution-history';
import { failedStepOf } from '../shared/execution-steps';
import { type LifecycleEventPublisher, lifecycleEvents } from '../shared/lifecycle-events';
import { env } from './env';
import {
  type Client,
  type ExecutionHistory,
  type ExecutionStatusChange,
  type OnboardingState,
  onboardingEventFields,
  statusChangeTarget,
} from './step';

/** What RecordOnboardingFailure calls: the failed execution's history, the tenant registry and the lifecycle bus. */
export interface RecordOnboardingFailureDeps {
  readonly executionHistory: ExecutionHistory;
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly publish: LifecycleEventPublisher;
}

/**
 * Rule target for FAILED / TIMED_OUT onboarding executions: marks the tenant FAILED with the
 * step that failed and its cause, and puts onboardingFailure. (The tenant row may not exist if
 * validation failed: then there was no onboardingRequest either, and no event is put.)
 */
export async function recordOnboardingFailureWith(
  deps: RecordOnboardingFailureDeps,
  event: ExecutionStatusChange,
): Promise<{ recorded: boolean }> {
  const input = JSON.parse(event.detail.input) as Partial<OnboardingState>;
  // A refused registration was closed by its own CloseRejectedRegistration step, reason and all.
  if (!input.tenantId || event.detail.error === REGISTRATION_REJECTED_ERROR) return { recorded: false };
  const failed = failedStepOf(await deps.executionHistory(event.detail.executionArn));
  const failedStep = failed?.name ?? 'unknown';
  const cause = (failed?.error ?? `${event.detail.error ?? 'Error'}: ${event.detail.cause ?? ''}`).slice(0, 1000);
  const recorded = await conditionally(
    deps.dynamoDb.send(
      new UpdateCommand({
        TableName: env.TENANT_DETAILS_TABLE,
        Key: { tenantId: input.tenantId },
        UpdateExpression: 'SET #status = :failed, failedStep = :step, failureCause = :cause, updatedAt = :now',
        // Never downgrade a tenant that a redrive has meanwhile activated.
        ConditionExpression: 'attribute_exists(tenantId) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':active': 'ACTIVE',
          ':step': failedStep,
          ':cause': cause,
          ':now': new Date().toISOString(),
        },
      }),
    ),
  );
  if (recorded && input.tenantName && input.tier) {
    const executionName = event.detail.executionArn.split(':').pop() ?? '';
    const state = { tenantId: input.tenantId, tenantName: input.tenantName, tier: input.tier };
    await deps.publish({
      detailType: 'onboardingFailure',
      detail: {
        ...onboardingEventFields('onboardingFailure', {
          ...state,
          registrationId: input.registrationId ?? executionName,
        }),
        reason: cause || 'unknown',
        failedStep,
      },
    });
  }
  return { recorded };
}

const sfn = lazy(() => traced(new SFNClient({})));

/** The Lambda handler: the step's work with the real, lazily created clients; a failure recorded is counted. */
export const recordOnboardingFailure = statusChangeTarget(async (event: ExecutionStatusChange) => {
  const result = await recordOnboardingFailureWith(
    {
      executionHistory: (executionArn) => executionHistory(sfn(), executionArn),
      dynamoDb: dynamoDb(),
      publish: lifecycleEvents(),
    },
    event,
  );
  if (result.recorded) metrics.addMetric(METRICS.onboardingsFailed, MetricUnit.Count, 1);
  return result;
});
