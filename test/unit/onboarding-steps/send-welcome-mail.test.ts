import { describe, expect, it } from 'vitest';
import { sendWelcomeMailWith } from '../../../functions/onboarding-steps/send-welcome-mail';
import { TransientStepError } from '../../../functions/shared/env';
import { type Answer, fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

/** The tenant row in memory: the step reads it and records the sent mail on it. */
function tenantRow(row: Record<string, unknown> = { tenantId: 'tenant-1' }) {
  const dynamoDb = fakeClient({
    get: () => ({ Item: row }),
    update: ({ ExpressionAttributeValues }) => {
      row.welcomeMessageId = ExpressionAttributeValues[':id'];
      return {};
    },
  });
  return { dynamoDb, row };
}

/** Cognito and SES; SES answers `sendEmail`, by default with a message id. */
function mailer(sendEmail: Answer = () => ({ MessageId: 'message-1' })) {
  return {
    cognito: fakeClient({ adminSetUserPassword: () => ({}) }),
    ses: fakeClient({ sendEmail: sendEmail }),
  };
}

describe('sendWelcomeMail', () => {
  it('sets a fresh temporary password, mails that password to the admin and records the sent mail', async () => {
    const { dynamoDb, row } = tenantRow();
    const { cognito, ses } = mailer();

    const result = await sendWelcomeMailWith({ dynamoDb, cognito, ses }, POOLED);

    expect(result).toEqual({ messageId: 'message-1', alreadySent: false });
    const [password] = cognito.inputsOf('adminSetUserPassword');
    expect(password).toEqual({
      UserPoolId: 'us-east-1_pooled',
      Username: 'acme-admin',
      Password: expect.any(String),
      Permanent: false,
    });
    expect(ses.inputsOf('sendEmail')).toEqual([
      {
        FromEmailAddress: 'noreply@tenantflow.example.com',
        Destination: { ToAddresses: ['admin@acme.example.com'] },
        Content: {
          Template: {
            TemplateName: 'tenantflow-welcome',
            TemplateData: JSON.stringify({
              tenantName: 'Acme',
              username: 'acme-admin',
              temporaryPassword: password?.Password,
            }),
          },
        },
      },
    ]);
    expect(row.welcomeMessageId).toBe('message-1');
  });

  it('never returns the password (the result lands in the execution history)', async () => {
    const { dynamoDb } = tenantRow();
    const { cognito, ses } = mailer();

    const result = await sendWelcomeMailWith({ dynamoDb, cognito, ses }, POOLED);

    const [password] = cognito.inputsOf('adminSetUserPassword');
    expect(JSON.stringify(result)).not.toContain(String(password?.Password));
  });

  it("mails the admin CreateTenantAdmin made, in a silo tenant's own pool", async () => {
    const { dynamoDb } = tenantRow({ tenantId: 'tenant-2' });
    const { cognito, ses } = mailer();
    const admin = { username: 'globex-admin', userPoolId: 'us-east-1_globex', appClientId: 'globex-client' };

    await sendWelcomeMailWith({ dynamoDb, cognito, ses }, { ...SILO, admin });

    expect(cognito.inputsOf('adminSetUserPassword')[0]).toMatchObject({
      UserPoolId: 'us-east-1_globex',
      Username: 'globex-admin',
    });
  });

  it('sends no second mail when a retry finds the mail recorded, and sets no new password', async () => {
    const { dynamoDb } = tenantRow();
    const first = mailer();
    await sendWelcomeMailWith({ dynamoDb, ...first }, POOLED);
    const retry = mailer();

    const result = await sendWelcomeMailWith({ dynamoDb, ...retry }, POOLED);

    expect(result).toEqual({ messageId: 'message-1', alreadySent: true });
    expect(retry.cognito.sent).toEqual([]);
    expect(retry.ses.sent).toEqual([]);
  });

  it('records "sent" when SES answers without a message id', async () => {
    const { dynamoDb, row } = tenantRow();
    const { cognito, ses } = mailer(() => ({}));

    const result = await sendWelcomeMailWith({ dynamoDb, cognito, ses }, POOLED);

    expect(result).toEqual({ messageId: 'sent', alreadySent: false });
    expect(row.welcomeMessageId).toBe('sent');
  });

  it('turns a throttled SES call into TransientStepError and records no mail, so the Retry sends it', async () => {
    const error = throttled();
    const { dynamoDb, row } = tenantRow();
    const { cognito, ses } = mailer(() => {
      throw error;
    });

    await expect(sendWelcomeMailWith({ dynamoDb, cognito, ses }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
    expect(row.welcomeMessageId).toBeUndefined();
  });
});
