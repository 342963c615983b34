import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { recordOnboardingFailureWith } from '../../../functions/onboarding-steps/record-onboarding-failure';
import type { ExecutionStatusChange } from '../../../functions/onboarding-steps/step';
import { LifecycleEventsNotPutError } from '../../../functions/shared/lifecycle-events';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { conditionFailed, fakeClient, fakePublisher, POOLED, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

const EXECUTION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:onboarding:reg-1';

function failedExecution(input: object, detail: Partial<ExecutionStatusChange['detail']> = {}): ExecutionStatusChange {
  return {
    detail: {
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      input: JSON.stringify(input),
      error: 'InvalidRegistrationError',
      cause: 'No usage plan for tier BASIC',
      ...detail,
    },
  };
}

/** The history of an execution whose CreateApiKey task failed. */
const CREATE_API_KEY_FAILED: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: new Date(0) },
  { id: 2, type: 'TaskStateEntered', timestamp: new Date(1), stateEnteredEventDetails: { name: 'CreateApiKey' } },
  {
    id: 3,
    type: 'LambdaFunctionFailed',
    timestamp: new Date(2),
    lambdaFunctionFailedEventDetails: { error: 'InvalidRegistrationError', cause: 'No usage plan for tier BASIC' },
  },
  { id: 4, type: 'ExecutionFailed', timestamp: new Date(3) },
];

function deps(history: HistoryEvent[] = CREATE_API_KEY_FAILED, update = () => ({})) {
  const arns: string[] = [];
  const publisher = fakePublisher();
  return {
    arns,
    executionHistory: async (executionArn: string) => {
      arns.push(executionArn);
      return history;
    },
    dynamoDb: fakeClient({ update: update }),
    ...publisher,
  };
}

describe('recordOnboardingFailure', () => {
  it('marks the tenant FAILED with the step that failed and its error, read from the execution history', async () => {
    const { arns, executionHistory, dynamoDb, publish } = deps();

    const result = await recordOnboardingFailureWith({ executionHistory, dynamoDb, publish }, failedExecution(POOLED));

    expect(result).toEqual({ recorded: true });
    expect(arns).toEqual([EXECUTION_ARN]);
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 'tenant-1' },
        UpdateExpression: 'SET #status = :failed, failedStep = :step, failureCause = :cause, updatedAt = :now',
        ConditionExpression: 'attribute_exists(tenantId) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':active': 'ACTIVE',
          ':step': 'CreateApiKey',
          ':cause': 'InvalidRegistrationError: No usage plan for tier BASIC',
          ':now': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
  });

  it("falls back to the execution's own error and cause when no step failed (a timed-out execution)", async () => {
    const { executionHistory, dynamoDb, publish } = deps([]);
    const timedOut = failedExecution(POOLED, { status: 'TIMED_OUT', error: null, cause: null });

    await recordOnboardingFailureWith({ executionHistory, dynamoDb, publish }, timedOut);

    expect(dynamoDb.inputsOf('update')[0]?.ExpressionAttributeValues).toMatchObject({
      ':step': 'unknown',
      ':cause': 'Error: ',
    });
  });

  it('keeps the first 1,000 characters of a long cause', async () => {
    const { executionHistory, dynamoDb, publish } = deps([]);

    await recordOnboardingFailureWith(
      { executionHistory, dynamoDb, publish },
      failedExecution(POOLED, { cause: 'x'.repeat(5000) }),
    );

    const values = dynamoDb.inputsOf('update')[0]?.ExpressionAttributeValues as Record<string, string>;
    expect(values[':cause']).toBe(`InvalidRegistrationError: ${'x'.repeat(974)}`);
  });

  it('records nothing for an execution that failed before it had a tenant id', async () => {
    const { arns, executionHistory, dynamoDb, publish } = deps();

    const result = await recordOnboardingFailureWith(
      { executionHistory, dynamoDb, publish },
      failedExecution({ registrationId: 'reg-1' }),
    );

    expect(result).toEqual({ recorded: false });
    expect(arns).toEqual([]);
    expect(dynamoDb.sent).toEqual([]);
  });

  it('records nothing for a registration that was not approved: its own closing step recorded why', async () => {
    const { arns, executionHistory, dynamoDb, publish } = deps();

    const result = await recordOnboardingFailureWith(
      { executionHistory, dynamoDb, publish },
      failedExecution(
        { tenantId: 'tenant-1' },
        { error: 'RegistrationRejected', cause: 'The registration was not approved' },
      ),
    );

    expect(result).toEqual({ recorded: false });
    expect(arns).toEqual([]);
    expect(dynamoDb.sent).toEqual([]);
  });

  it('records nothing when the condition refuses: never downgrades a tenant a redrive has activated', async () => {
    const { executionHistory, dynamoDb, publish } = deps(CREATE_API_KEY_FAILED, () => {
      throw conditionFailed();
    });

    const result = await recordOnboardingFailureWith({ executionHistory, dynamoDb, publish }, failedExecution(POOLED));

    expect(result).toEqual({ recorded: false });
  });

  it("lets any other DynamoDB error through, so the rule's retry delivers the event again", async () => {
    const error = throttled();
    const { executionHistory, dynamoDb, publish } = deps(CREATE_API_KEY_FAILED, () => {
      throw error;
    });

    await expect(
      recordOnboardingFailureWith({ executionHistory, dynamoDb, publish }, failedExecution(POOLED)),
    ).rejects.toBe(error);
  });
});

describe('recordOnboardingFailure events', () => {
  it('puts onboardingFailure with the failed step and its cause once the failure is recorded', async () => {
    const { executionHistory, dynamoDb, publish, events } = deps();

    await recordOnboardingFailureWith({ executionHistory, dynamoDb, publish }, failedExecution(POOLED));

    expect(events).toEqual([
      {
        detailType: 'onboardingFailure',
        detail: expect.objectContaining({
          eventKey: 'reg-1:onboardingFailure',
          executionId: 'reg-1',
          tenantId: 'tenant-1',
          tenantName: 'Acme',
          deploymentModel: 'pool',
          reason: 'InvalidRegistrationError: No usage plan for tier BASIC',
          failedStep: 'CreateApiKey',
        }),
      },
    ]);
    expect(lifecycleDetailErrors('onboardingFailure', events[0]?.detail)).toEqual([]);
  });

  it('puts nothing when nothing was recorded (a tenant a redrive activated, a rejected registration)', async () => {
    const refused = deps(CREATE_API_KEY_FAILED, () => {
      throw conditionFailed();
    });
    const rejected = deps();

    await recordOnboardingFailureWith(refused, failedExecution(POOLED));
    await recordOnboardingFailureWith(rejected, failedExecution(POOLED, { error: 'RegistrationRejected' }));

    expect([...refused.events, ...rejected.events]).toEqual([]);
  });

  it('fails (for the rule to deliver again) when the bus does not take the event', async () => {
    const bus = deps();
    const notPut = new LifecycleEventsNotPutError('1 of 1 lifecycle events not put');
    bus.fail(notPut);

    await expect(recordOnboardingFailureWith(bus, failedExecution(POOLED))).rejects.toBe(notPut);
  });
});
