/** Onboarding step ActivateTenant (its own Lambda entry: DynamoDB and EventBridge). */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { METRICS } from '../../contracts/observability';
import { TIERS } from '../../contracts/tiers';
import { MetricUnit, metrics } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { type LifecycleEventPublisher, lifecycleEvents } from '../shared/lifecycle-events';
import { env } from './env';
import { type Client, type OnboardingState, onboardingEventFields, onboardingStep, step } from './step';

/** What ActivateTenant calls: the tenant registry and the lifecycle bus. */
export interface ActivateTenantDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly publish: LifecycleEventPublisher;
  /** Told how long the onboarding took, from the tenant row's creation (for the onboarding metrics). */
  readonly onboarded?: (durationMs: number) => void;
}

/**
 * Marks the tenant ACTIVE (and records a silo tenant's API URL, known only now). Every resource
 * exists by now, so it first puts provisionSuccess, and once the tenant is ACTIVE, onboardingSuccess
 * (two calls: EventBridge does not order the entries of one call). A retry puts them again, with
 * the same eventKeys.
 */
export const activateTenantWith = step(async (deps: ActivateTenantDeps, state: OnboardingState) => {
  const apiUrl = state.stack?.apiUrl ?? '';
  await deps.publish({
    detailType: 'provisionSuccess',
    detail: {
      ...onboardingEventFields('provisionSuccess', state),
      apiUrl,
      jobOutput: {
        tenantData: {
          deploymentModel: TIERS[state.tier].deploymentModel,
          apiUrl,
          ...(state.stack?.stackName ? { stackName: state.stack.stackName } : {}),
        },
        tenantRegistrationData: {},
      },
    },
  });
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
  await deps.publish({
    detailType: 'onboardingSuccess',
    detail: {
      ...onboardingEventFields('onboardingSuccess', state),
      apiUrl: String(updated.Attributes?.apiUrl ?? apiUrl),
    },
  });
  // After the event: a retry because the bus did not take it must not count the onboarding twice.
  const createdAt = Date.parse(String(updated.Attributes?.createdAt ?? ''));
  if (!Number.isNaN(createdAt)) deps.onboarded?.(Date.parse(now) - createdAt);
  return { status: 'ACTIVE', activatedAt: now };
});

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const activateTenant = onboardingStep((state: OnboardingState) =>
  activateTenantWith({ dynamoDb: dynamoDb(), publish: lifecycleEvents(), onboarded: recordOnboarded }, state),
);

function recordOnboarded(durationMs: number): void {
  metrics.addMetric(METRICS.onboardingsSucceeded, MetricUnit.Count, 1);
  metrics.addMetric(METRICS.onboardingDuration, MetricUnit.Milliseconds, durationMs);
}
