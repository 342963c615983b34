/** Onboarding step StoreTenant (its own Lambda entry: DynamoDB and EventBridge). */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tenantNameKey } from '../../contracts/rules';
import type { TenantRecord } from '../../contracts/tenant-record';
import { TIERS } from '../../contracts/tiers';
import { dynamoDb } from '../shared/aws-clients';
import { isConditionalCheckFailed } from '../shared/conditional-write';
import { type LifecycleEventPublisher, lifecycleEvents } from '../shared/lifecycle-events';
import { env } from './env';
import {
  type Client,
  InvalidRegistrationError,
  type OnboardingState,
  onboardingEventFields,
  onboardingStep,
  step,
} from './step';

/** What StoreTenant calls: the tenant registry and the lifecycle bus. */
export interface StoreTenantDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly publish: LifecycleEventPublisher;
}

/**
 * Stores the tenant as ONBOARDING; an existing row of the same registration is success. Then puts
 * onboardingRequest (again on a retry: the same eventKey).
 */
export const storeTenantWith = step(async (deps: StoreTenantDeps, state: OnboardingState) => {
  const tenant: TenantRecord = {
    tenantId: state.tenantId,
    tenantName: state.tenantName,
    tenantNameKey: tenantNameKey(state.tenantName),
    tier: state.tier,
    deploymentModel: TIERS[state.tier].deploymentModel,
    status: 'ONBOARDING',
    email: state.email,
    companyName: state.companyName,
    registrationId: state.registrationId,
    createdAt: new Date().toISOString(),
  };
  try {
    await deps.dynamoDb.send(
      new PutCommand({
        TableName: env.TENANT_DETAILS_TABLE,
        Item: tenant,
        ConditionExpression: 'attribute_not_exists(tenantId)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await deps.dynamoDb.send(
      new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId: state.tenantId } }),
    );
    if (existing.Item?.registrationId !== state.registrationId) {
      throw new InvalidRegistrationError(`Tenant ${state.tenantId} belongs to another registration`, { cause: error });
    }
  }
  await deps.publish({
    detailType: 'onboardingRequest',
    detail: {
      ...onboardingEventFields('onboardingRequest', state),
      email: state.email,
      ...(state.companyName ? { companyName: state.companyName } : {}),
    },
  });
  return { stored: true };
});

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const storeTenant = onboardingStep((state: OnboardingState) =>
  storeTenantWith({ dynamoDb: dynamoDb(), publish: lifecycleEvents() }, state),
);
