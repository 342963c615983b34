import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { STOPPED_BY_OPERATOR_ERROR } from '../../../contracts/onboarding-states';
import { cleanupStoppedOnboardingWith } from '../../../functions/onboarding-steps/cleanup-stopped-onboarding';
import type { ExecutionStatusChange, OnboardingState } from '../../../functions/onboarding-steps/step';
import { type Answer, awsError, fakeClient, POOLED, SILO, setStepEnvForEachTest } from './fakes';

setStepEnvForEachTest();

const EXECUTION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:onboarding:reg';

function stopped(input: OnboardingState, error: string = STOPPED_BY_OPERATOR_ERROR): ExecutionStatusChange {
  return { detail: { executionArn: EXECUTION_ARN, status: 'ABORTED', input: JSON.stringify(input), error } };
}

/** A silo onboarding's history up to CreateTenantUserPool, which put the new pool on the state. */
const POOL_CREATED: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: new Date(0) },
  {
    id: 2,
    type: 'TaskStateExited',
    timestamp: new Date(1),
    stateExitedEventDetails: {
      name: 'CreateTenantUserPool',
      output: JSON.stringify({ ...SILO, silo: { pool: { userPoolId: 'us-east-1_globex' } } }),
    },
  },
];

/**
 * What a stopped onboarding left: the tenant row (ONBOARDING unless given), its API keys (and
 * another tenant's whose name shares the prefix), and the pooled pool's admin and group.
 * Overrides replace the answers, as when something is already gone.
 */
function leftovers(
  options: {
    status?: string;
    history?: HistoryEvent[];
    apiGateway?: Record<string, Answer>;
    cognito?: Record<string, Answer>;
  } = {},
) {
  const dynamoDb = fakeClient({
    get: ({ Key }) => ({ Item: { tenantId: Key.tenantId, status: options.status ?? 'ONBOARDING' } }),
    delete: () => ({}),
  });
  const apiGateway = fakeClient({
    getApiKeys: ({ nameQuery }) => ({
      items: [
        { id: 'key-own', name: nameQuery },
        { id: 'key-other', name: `${nameQuery}0` },
      ],
    }),
    deleteApiKey: () => ({}),
    ...options.apiGateway,
  });
  const cognito = fakeClient({
    // The admin onboarding made belongs to the tenant being cleaned up.
    adminGetUser: ({ Username }) => ({
      Username,
      UserAttributes: [{ Name: 'custom:tenantId', Value: Username === 'acme-admin' ? 'tenant-1' : 'someone-else' }],
    }),
    adminDeleteUser: () => ({}),
    deleteGroup: () => ({}),
    ...options.cognito,
  });
  const executionHistory = async () => options.history ?? [];
  return { dynamoDb, apiGateway, cognito, executionHistory };
}

describe('cleanupStoppedOnboarding', () => {
  it('never deletes a user of another tenant that holds the admin username', async () => {
    const deps = leftovers({
      cognito: {
        adminGetUser: ({ Username }) => ({
          Username,
          UserAttributes: [{ Name: 'custom:tenantId', Value: 'attacker' }],
        }),
      },
    });

    await cleanupStoppedOnboardingWith(deps, stopped(POOLED));

    expect(deps.cognito.inputsOf('adminDeleteUser')).toEqual([]);
    expect(deps.cognito.inputsOf('deleteGroup')).toHaveLength(1);
  });

  it("removes a pooled tenant's API key, admin, group, stack mapping and row, and frees its name", async () => {
    const deps = leftovers();

    const result = await cleanupStoppedOnboardingWith(deps, stopped(POOLED));

    expect(result).toEqual({ cleaned: true });
    expect(deps.apiGateway.inputsOf('deleteApiKey')).toEqual([{ apiKey: 'key-own' }]);
    expect(deps.cognito.sent).toEqual([
      { command: 'adminGetUser', input: { UserPoolId: 'us-east-1_pooled', Username: 'acme-admin' } },
      { command: 'adminDeleteUser', input: { UserPoolId: 'us-east-1_pooled', Username: 'acme-admin' } },
      { command: 'deleteGroup', input: { UserPoolId: 'us-east-1_pooled', GroupName: 'tenant-1' } },
    ]);
    expect(deps.dynamoDb.inputsOf('delete')).toEqual([
      { TableName: 'TenantStackMapping', Key: { tenantId: 'tenant-1' } },
      { TableName: 'TenantDetails', Key: { tenantId: 'tenant-1' } },
      {
        TableName: 'TenantNames',
        Key: { tenantNameKey: 'acme' },
        ConditionExpression: 'attribute_not_exists(tenantNameKey) OR tenantId = :tenantId',
        ExpressionAttributeValues: { ':tenantId': 'tenant-1' },
      },
    ]);
  });

  it('completes again when a second run finds the key, admin and group already gone', async () => {
    const gone = (name: string) => () => {
      throw awsError(name, 'gone', 404);
    };
    const deps = leftovers({
      apiGateway: { deleteApiKey: gone('NotFoundException') },
      cognito: {
        adminDeleteUser: gone('UserNotFoundException'),
        deleteGroup: gone('ResourceNotFoundException'),
      },
    });

    const result = await cleanupStoppedOnboardingWith(deps, stopped(POOLED));

    expect(result).toEqual({ cleaned: true });
    expect(deps.dynamoDb.inputsOf('delete')).toHaveLength(3);
  });

  it("names a silo tenant's stack and the user pool its execution created, for the workflow to delete, and leaves Cognito alone", async () => {
    const deps = leftovers({ history: POOL_CREATED });

    const result = await cleanupStoppedOnboardingWith(deps, stopped(SILO));

    expect(result).toEqual({
      cleaned: true,
      silo: { stackName: 'tenantflow-silo-tenant-2', userPoolId: 'us-east-1_globex' },
    });
    expect(deps.cognito.sent).toEqual([]);
    expect(deps.dynamoDb.inputsOf('delete')).toHaveLength(3);
  });

  it('names only the stack of a silo tenant whose execution stopped before its user pool existed', async () => {
    const deps = leftovers({ history: [] });

    const result = await cleanupStoppedOnboardingWith(deps, stopped(SILO));

    expect(result).toEqual({ cleaned: true, silo: { stackName: 'tenantflow-silo-tenant-2' } });
  });

  it('leaves an ACTIVE tenant alone (a redrive completed it before the stop was handled)', async () => {
    const deps = leftovers({ status: 'ACTIVE' });

    const result = await cleanupStoppedOnboardingWith(deps, stopped(POOLED));

    expect(result).toEqual({ cleaned: false });
    expect(deps.apiGateway.sent).toEqual([]);
    expect(deps.cognito.sent).toEqual([]);
    expect(deps.dynamoDb.inputsOf('delete')).toEqual([]);
  });

  it('ignores an execution that was not stopped by an operator', async () => {
    const deps = leftovers();

    const result = await cleanupStoppedOnboardingWith(deps, stopped(POOLED, 'States.Timeout'));

    expect(result).toEqual({ cleaned: false });
    expect(deps.dynamoDb.sent).toEqual([]);
  });

  it('lets a refusal other than "already gone" through, deleting no registry rows', async () => {
    const denied = awsError('NotAuthorizedException', 'Access denied', 403);
    const deps = leftovers({
      cognito: {
        adminDeleteUser: () => {
          throw denied;
        },
      },
    });

    await expect(cleanupStoppedOnboardingWith(deps, stopped(POOLED))).rejects.toBe(denied);
    expect(deps.dynamoDb.inputsOf('delete')).toEqual([]);
  });
});
