/** Onboarding step CloseRejectedRegistration (its own Lambda entry: DynamoDB, SES, EventBridge). */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { APPROVAL_REJECTED_ERROR, ONBOARDING_STATES } from '../../contracts/onboarding-states';
import { tenantNameKey } from '../../contracts/rules';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { conditionally } from '../shared/conditional-write';
import { lazy } from '../shared/env';
import { type LifecycleEventPublisher, lifecycleEvents } from '../shared/lifecycle-events';
import { env } from './env';
import { type Client, type OnboardingState, onboardingEventFields, onboardingStep, step } from './step';

/** What CloseRejectedRegistration calls: the registry tables, SES and the lifecycle bus. */
export interface CloseRejectedRegistrationDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly ses: Client<SESv2Client>;
  readonly publish: LifecycleEventPublisher;
}

/** The onboarding state after AwaitApproval's Catch: the error it failed with, under `rejection`. */
export interface RejectedOnboardingState extends OnboardingState {
  readonly rejection: { readonly Error: string; readonly Cause?: string };
}

/** Why the registration was refused, in words the applicant reads. */
export function rejectionReasonOf(rejection: RejectedOnboardingState['rejection']): string {
  if (rejection.Error === APPROVAL_REJECTED_ERROR) return rejection.Cause?.trim() || 'No reason was given';
  return 'No operator approved the registration in time';
}

/**
 * Ends a registration that was refused or timed out before anything was created beyond its tenant
 * row and its name: the tenant row reads FAILED with the reason, the name is free for anyone, the
 * approval item is gone, onboardingFailure is put with the reason, and the applicant gets one
 * mail saying why (the row remembers the mail, so a retry does not send a second; the event is put
 * again on a retry, with the same eventKey).
 */
export const closeRejectedRegistrationWith = step(
  async (deps: CloseRejectedRegistrationDeps, state: RejectedOnboardingState) => {
    const reason = rejectionReasonOf(state.rejection);
    const cause = `Not approved: ${reason}`.slice(0, 1000);
    const now = new Date().toISOString();
    await conditionally(
      deps.dynamoDb.send(
        new UpdateCommand({
          TableName: env.TENANT_DETAILS_TABLE,
          Key: { tenantId: state.tenantId },
          UpdateExpression: 'SET #status = :failed, failedStep = :step, failureCause = :cause, updatedAt = :now',
          ConditionExpression: 'attribute_exists(tenantId)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'FAILED',
            ':step': ONBOARDING_STATES.awaitApproval,
            ':cause': cause,
            ':now': now,
          },
        }),
      ),
    );
    await deps.dynamoDb.send(
      new DeleteCommand({ TableName: env.APPROVALS_TABLE, Key: { executionId: state.registrationId } }),
    );
    // Only this registration's reservation: a name taken meanwhile by someone else stays theirs.
    await conditionally(
      deps.dynamoDb.send(
        new DeleteCommand({
          TableName: env.TENANT_NAMES_TABLE,
          Key: { tenantNameKey: tenantNameKey(state.tenantName) },
          ConditionExpression: 'tenantId = :tenantId',
          ExpressionAttributeValues: { ':tenantId': state.tenantId },
        }),
      ),
    );
    await deps.publish({
      detailType: 'onboardingFailure',
      detail: {
        ...onboardingEventFields('onboardingFailure', state),
        reason: cause,
        failedStep: ONBOARDING_STATES.awaitApproval,
      },
    });
    const tenant = await deps.dynamoDb.send(
      new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId: state.tenantId }, ConsistentRead: true }),
    );
    if (tenant.Item?.rejectionMessageId) return { reason, mailed: false };
    const sent = await deps.ses.send(
      new SendEmailCommand({
        FromEmailAddress: env.MAIL_FROM,
        Destination: { ToAddresses: [state.email] },
        Content: {
          Template: {
            TemplateName: env.REJECTION_TEMPLATE_NAME,
            TemplateData: JSON.stringify({ tenantName: state.tenantName, tier: state.tier, reason }),
          },
        },
      }),
    );
    if (tenant.Item) {
      await deps.dynamoDb.send(
        new UpdateCommand({
          TableName: env.TENANT_DETAILS_TABLE,
          Key: { tenantId: state.tenantId },
          UpdateExpression: 'SET rejectionMessageId = :id',
          ExpressionAttributeValues: { ':id': sent.MessageId ?? 'sent' },
        }),
      );
    }
    return { reason, mailed: true };
  },
);

const ses = lazy(() => traced(new SESv2Client({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const closeRejectedRegistration = onboardingStep((state: RejectedOnboardingState) =>
  closeRejectedRegistrationWith({ dynamoDb: dynamoDb(), ses: ses(), publish: lifecycleEvents() }, state),
);
