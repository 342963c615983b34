/** Onboarding step SendWelcomeMail (its own Lambda entry: DynamoDB, Cognito, SES). */
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { temporaryPassword } from '../shared/passwords';
import { adminUsernameOf, step, tenantsTable } from './step';

const cognito = new CognitoIdentityProviderClient({});
const ses = new SESv2Client({});

/**
 * Sets a fresh temporary password and mails it. The password exists only here and in the
 * mail, never in the execution history. The tenant row remembers the sent mail, so a retry
 * does not send a second one.
 */
export const sendWelcomeMail = step(async (state) => {
  const tenant = await dynamoDb().send(
    new GetCommand({ TableName: tenantsTable(), Key: { tenantId: state.tenantId }, ConsistentRead: true }),
  );
  if (tenant.Item?.welcomeMessageId) return { messageId: tenant.Item.welcomeMessageId as string, alreadySent: true };
  const username = state.admin?.username ?? adminUsernameOf(state.tenantName);
  const userPoolId = state.admin?.userPoolId ?? requiredEnv('POOLED_USER_POOL_ID');
  const password = temporaryPassword();
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: false,
    }),
  );
  const sent = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: requiredEnv('MAIL_FROM'),
      Destination: { ToAddresses: [state.email] },
      Content: {
        Template: {
          TemplateName: requiredEnv('WELCOME_TEMPLATE_NAME'),
          TemplateData: JSON.stringify({ tenantName: state.tenantName, username, temporaryPassword: password }),
        },
      },
    }),
  );
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      UpdateExpression: 'SET welcomeMessageId = :id',
      ExpressionAttributeValues: { ':id': sent.MessageId ?? 'sent' },
    }),
  );
  return { messageId: sent.MessageId ?? 'sent', alreadySent: false };
});
