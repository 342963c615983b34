/** Onboarding step ActivateTenant (its own Lambda entry: DynamoDB only). */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { METRICS } from '../../contracts/observability';
import { MetricUnit, metrics } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { env } from './env';
import { type Client, type OnboardingState, onboardingStep, step } from './step';

/** What ActivateTenant calls: the tenant registry. */
export interface ActivateTenantDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  /** Told how long the onboarding took, from the tenant row's creation (for the onboarding metrics). */
  readonly onboarded?: (durationMs: number) => void;
}

/** Marks the tenant ACTIVE (and records a silo tenant's API URL, known only now). */
export const activateTenantWith = step(async (deps: ActivateTenantDeps, state: OnboardingState) => {
  const now = new Date().toISOString();
  const updated = await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_DETAILS_TABLE,
      Key: { tenantId: state.tenantId },
      // A silo tenant's API is its own stack's, known only now.
      UpdateExpression: `SET #status = :active, updatedAt = :now${state.stack?.apiUrl ? ', apiUrl = :apiUrl' : ''} REMOVE failedStep, failureCause`,
      ConditionExpression: 'attribute_exists(tenantId)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':active': 'ACTIVE',
        ':now': now,
        ...(state.stack?.apiUrl ? { ':apiUrl': state.stack.apiUrl } : {}),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const createdAt = Date.parse(String(updated.Attributes?.createdAt ?? ''));
  if (!Number.isNaN(createdAt)) deps.onboarded?.(Date.parse(now) - createdAt);
  return { status: 'ACTIVE', activatedAt: now };
});

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const activateTenant = onboardingStep((state: OnboardingState) =>
  activateTenantWith({ dynamoDb: dynamoDb(), onboarded: recordOnboarded }, state),
);

function recordOnboarded(durationMs: number): void {
  metrics.addMetric(METRICS.onboardingsSucceeded, MetricUnit.Count, 1);
  metrics.addMetric(METRICS.onboardingDuration, MetricUnit.Milliseconds, durationMs);
}
