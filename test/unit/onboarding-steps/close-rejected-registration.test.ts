import { describe, expect, it } from 'vitest';
import {
  closeRejectedRegistrationWith,
  type RejectedOnboardingState,
} from '../../../functions/onboarding-steps/close-rejected-registration';
import { TransientStepError } from '../../../functions/shared/env';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { conditionFailed, fakeClient, fakePublisher, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

const REJECTED: RejectedOnboardingState = {
  ...SILO,
  silo: undefined,
  rejection: { Error: 'ApprovalRejected', Cause: 'We could not verify the company' },
};
const TIMED_OUT: RejectedOnboardingState = {
  ...REJECTED,
  rejection: { Error: 'States.Timeout', Cause: 'Task timed out' },
};

/** The registry tables in memory: the tenant row (with what the step sets on it) and the name reservation. */
function registry(row: Record<string, unknown> | undefined = { tenantId: 'tenant-2' }) {
  const dynamoDb = fakeClient({
    update: ({ ExpressionAttributeValues }) => {
      if (!row) throw conditionFailed();
      Object.assign(row, ExpressionAttributeValues);
      return {};
    },
    delete: () => ({}),
    get: () => ({ Item: row }),
  });
  return { dynamoDb, row };
}

const mailer = () => fakeClient({ sendEmail: () => ({ MessageId: 'message-9' }) });

describe('closeRejectedRegistration', () => {
  it('marks the tenant FAILED with the reason, frees only its own name, drops the approval and mails the reason', async () => {
    const { dynamoDb, row } = registry();
    const ses = mailer();

    const result = await closeRejectedRegistrationWith({ dynamoDb, ses, publish: fakePublisher().publish }, REJECTED);

    expect(result).toEqual({ reason: 'We could not verify the company', mailed: true });
    expect(row).toMatchObject({
      ':failed': 'FAILED',
      ':step': 'AwaitApproval',
      ':cause': 'Not approved: We could not verify the company',
      ':id': 'message-9',
    });
    expect(dynamoDb.inputsOf('delete')).toEqual([
      { TableName: 'Approvals', Key: { executionId: 'reg-2' } },
      {
        TableName: 'TenantNames',
        Key: { tenantNameKey: 'globex' },
        ConditionExpression: 'tenantId = :tenantId',
        ExpressionAttributeValues: { ':tenantId': 'tenant-2' },
      },
    ]);
    expect(ses.inputsOf('sendEmail')).toEqual([
      {
        FromEmailAddress: 'noreply@tenantflow.example.com',
        Destination: { ToAddresses: ['admin@globex.example.com'] },
        Content: {
          Template: {
            TemplateName: 'tenantflow-rejection',
            TemplateData: JSON.stringify({
              tenantName: 'Globex',
              tier: 'PLATINUM',
              reason: 'We could not verify the company',
            }),
          },
        },
      },
    ]);
  });

  it('says no operator answered in time when the approval timed out', async () => {
    const { dynamoDb, row } = registry();

    const result = await closeRejectedRegistrationWith(
      { dynamoDb, ses: mailer(), publish: fakePublisher().publish },
      TIMED_OUT,
    );

    expect(result.reason).toBe('No operator approved the registration in time');
    expect(row[':cause']).toBe('Not approved: No operator approved the registration in time');
  });

  it('sends no second mail when run again after the mail went out', async () => {
    const { dynamoDb } = registry({ tenantId: 'tenant-2', rejectionMessageId: 'message-9' });
    const ses = mailer();

    const result = await closeRejectedRegistrationWith({ dynamoDb, ses, publish: fakePublisher().publish }, REJECTED);

    expect(result.mailed).toBe(false);
    expect(ses.sent).toEqual([]);
  });

  it('still frees the name and mails the applicant when the tenant row is gone', async () => {
    const { dynamoDb } = registry(undefined);
    const ses = mailer();

    await closeRejectedRegistrationWith({ dynamoDb, ses, publish: fakePublisher().publish }, REJECTED);

    expect(dynamoDb.inputsOf('delete')).toHaveLength(2);
    expect(ses.inputsOf('sendEmail')).toHaveLength(1);
  });

  it('turns a throttled call into TransientStepError, so the workflow retries it', async () => {
    const ses = fakeClient({
      sendEmail: () => {
        throw throttled();
      },
    });

    await expect(
      closeRejectedRegistrationWith({ dynamoDb: registry().dynamoDb, ses, publish: fakePublisher().publish }, REJECTED),
    ).rejects.toBeInstanceOf(TransientStepError);
  });
});

describe('closeRejectedRegistration events', () => {
  it('puts onboardingFailure with the rejection reason and the approval step', async () => {
    const bus = fakePublisher();

    await closeRejectedRegistrationWith(
      { dynamoDb: registry().dynamoDb, ses: mailer(), publish: bus.publish },
      REJECTED,
    );

    expect(bus.events).toEqual([
      {
        detailType: 'onboardingFailure',
        detail: expect.objectContaining({
          eventKey: 'reg-2:onboardingFailure',
          tenantId: 'tenant-2',
          tier: 'PLATINUM',
          deploymentModel: 'silo',
          reason: 'Not approved: We could not verify the company',
          failedStep: 'AwaitApproval',
        }),
      },
    ]);
    expect(lifecycleDetailErrors('onboardingFailure', bus.events[0]?.detail)).toEqual([]);
  });

  it('puts the event again on a retry that sends no second mail (the same eventKey)', async () => {
    const bus = fakePublisher();
    const { dynamoDb } = registry({ tenantId: 'tenant-2', rejectionMessageId: 'message-9' });

    await closeRejectedRegistrationWith({ dynamoDb, ses: mailer(), publish: bus.publish }, TIMED_OUT);

    expect(bus.events.map((e) => [e.detail.eventKey, 'reason' in e.detail && e.detail.reason])).toEqual([
      ['reg-2:onboardingFailure', 'Not approved: No operator approved the registration in time'],
    ]);
  });
});
