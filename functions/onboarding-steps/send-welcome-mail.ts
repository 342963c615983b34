/** Onboarding step SendWelcomeMail (its own Lambda entry: DynamoDB, Cognito, SES). */
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { lazy } from '../shared/env';
import { temporaryPassword } from '../shared/passwords';
import { env } from './env';
import { adminUsernameOf, type Client, type OnboardingState, onboardingStep, step } from './step';

/** What SendWelcomeMail calls: the tenant registry, Cognito and SES. */
export interface SendWelcomeMailDeps {
  readonly dynamoDb: Client<DynamoDBDocumentClient>;
  readonly cognito: Client<CognitoIdentityProviderClient>;
  readonly ses: Client<SESv2Client>;
}

/**
 * Sets a fresh temporary password and mails it. The password exists only here and in the
 * mail, never in the execution history. The tenant row remembers the sent mail, so a retry
 * does not send a second one.
 */
export const sendWelcomeMailWith = step(async (deps: SendWelcomeMailDeps, state: OnboardingState) => {
  const tenant = await deps.dynamoDb.send(
    new GetCommand({ TableName: env.TENANT_DETAILS_TABLE, Key: { tenantId: state.tenantId }, ConsistentRead: true }),
  );
  if (tenant.Item?.welcomeMessageId) return { messageId: tenant.Item.welcomeMessageId as string, alreadySent: true };
  const username = state.admin?.username ?? adminUsernameOf(state.tenantName);
  const userPoolId = state.admin?.userPoolId ?? env.POOLED_USER_POOL_ID;
  const password = temporaryPassword();
  await deps.cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: false,
    }),
  );
  const sent = await deps.ses.send(
    new SendEmailCommand({
      FromEmailAddress: env.MAIL_FROM,
      Destination: { ToAddresses: [state.email] },
      Content: {
        Template: {
          TemplateName: env.WELCOME_TEMPLATE_NAME,
          TemplateData: JSON.stringify({ tenantName: state.tenantName, username, temporaryPassword: password }),
        },
      },
    }),
  );
  await deps.dynamoDb.send(
    new UpdateCommand({
      TableName: env.TENANT_DETAILS_TABLE,
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET welcomeMessageId = :id',
      ExpressionAttributeValues: { ':id': sent.MessageId ?? 'sent' },
    }),
  );
  return { messageId: sent.MessageId ?? 'sent', alreadySent: false };
});

const cognito = lazy(() => traced(new CognitoIdentityProviderClient({})));
const ses = lazy(() => traced(new SESv2Client({})));

/** The Lambda handler: the step's work with the real, lazily created clients. */
export const sendWelcomeMail = onboardingStep((state: OnboardingState) =>
  sendWelcomeMailWith({ dynamoDb: dynamoDb(), cognito: cognito(), ses: ses() }, state),
);
