import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { markOnboardingAgain, stepFunctionsExecutions } from '../../../functions/executions/execution-store';
import { awsError, conditionFailed, fakeClient } from '../onboarding-steps/fakes';

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:onboarding:r-1';
const sfnOf = (answers: Parameters<typeof fakeClient>[0]) => {
  const client = fakeClient(answers);
  // The shared history and list readers are typed with the SFNClient; they call only `send`.
  return { client, executions: stepFunctionsExecutions(client as unknown as SFNClient) };
};

describe('the Step Functions executions', () => {
  it('describe an unknown execution as undefined, and let other errors through', async () => {
    const denied = awsError('AccessDeniedException', 'no');
    const { executions: unknown } = sfnOf({
      describeExecution: () => {
        throw awsError('ExecutionDoesNotExist', 'Execution does not exist');
      },
    });
    const { executions: failing } = sfnOf({
      describeExecution: () => {
        throw denied;
      },
    });

    await expect(unknown.describe(ARN)).resolves.toBeUndefined();
    await expect(failing.describe(ARN)).rejects.toBe(denied);
  });

  it('answer false for an execution Step Functions cannot redrive', async () => {
    const { executions } = sfnOf({
      redriveExecution: () => {
        throw awsError('ExecutionNotRedrivable', 'Execution is not redrivable');
      },
    });

    await expect(executions.redrive(ARN)).resolves.toBe(false);
  });

  it("read the state machine's definition as JSON", async () => {
    const { executions } = sfnOf({ describeStateMachine: () => ({ definition: '{"StartAt":"A"}' }) });

    await expect(executions.definition('arn:machine')).resolves.toEqual({ StartAt: 'A' });
  });

  it('list the ARNs of a page of executions, with the next token', async () => {
    const { client, executions } = sfnOf({
      listExecutions: () => ({ executions: [{ executionArn: ARN }], nextToken: 'n2' }),
    });

    await expect(executions.page('arn:machine', { status: 'FAILED', limit: '5' })).resolves.toEqual({
      executionArns: [ARN],
      nextToken: 'n2',
    });
    expect(client.inputsOf('listExecutions')).toEqual([
      { stateMachineArn: 'arn:machine', statusFilter: 'FAILED', maxResults: 5, nextToken: undefined },
    ]);
  });
});

describe('markOnboardingAgain', () => {
  it('sets only a FAILED tenant back to ONBOARDING, clearing its failure, and ignores the others', async () => {
    const db = fakeClient({
      update: () => {
        throw conditionFailed();
      },
    });

    await expect(markOnboardingAgain(db, 'TenantDetails', 't1', 'at')).resolves.toBeUndefined();
    expect(db.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 't1' },
        UpdateExpression: 'SET #status = :onboarding, updatedAt = :now REMOVE failedStep, failureCause',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':onboarding': 'ONBOARDING', ':from': 'FAILED', ':now': 'at' },
      },
    ]);
  });
  it('leaves a tenant the redriven workflow wrote since the redrive alone (its write wins)', async () => {
    const db = fakeClient({ update: () => ({}) });

    await markOnboardingAgain(db, 'TenantDetails', 't1', 'at', 'FAILED', '2026-12-02T10:00:00.000Z');

    expect(db.inputsOf('update')[0]).toMatchObject({
      ConditionExpression: '#status = :from AND (attribute_not_exists(updatedAt) OR updatedAt < :since)',
      ExpressionAttributeValues: expect.objectContaining({ ':since': '2026-12-02T10:00:00.000Z' }),
    });
  });
});
