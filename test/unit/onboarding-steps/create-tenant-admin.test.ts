import { describe, expect, it } from 'vitest';
import { createTenantAdminWith } from '../../../functions/onboarding-steps/create-tenant-admin';
import { TransientStepError } from '../../../functions/shared/env';
import { type Answer, awsError, fakeClient, POOLED, SILO, setStepEnvForEachTest, throttled } from './fakes';

setStepEnvForEachTest();

/** A user pool in memory: groups, users and memberships; creating one twice is refused as Cognito does. */
function userPool() {
  const groups = new Set<string>();
  const users = new Map<string, Record<string, unknown>>();
  const members = new Set<string>();
  const answers: Record<string, Answer> = {
    createGroup: ({ UserPoolId, GroupName }) => {
      if (groups.has(`${UserPoolId} ${GroupName}`)) throw awsError('GroupExistsException', 'Group already exists');
      groups.add(`${UserPoolId} ${GroupName}`);
      return {};
    },
    adminCreateUser: (input) => {
      if (users.has(`${input.UserPoolId} ${input.Username}`))
        throw awsError('UsernameExistsException', 'User account already exists');
      users.set(`${input.UserPoolId} ${input.Username}`, input);
      return {};
    },
    adminGetUser: ({ UserPoolId, Username }) => {
      const user = users.get(`${UserPoolId} ${Username}`);
      if (!user) throw awsError('UserNotFoundException', 'User does not exist.');
      return { Username, UserAttributes: user.UserAttributes };
    },
    adminAddUserToGroup: ({ UserPoolId, Username, GroupName }) => {
      members.add(`${UserPoolId} ${Username} ${GroupName}`);
      return {};
    },
  };
  return { cognito: fakeClient(answers), answers, groups, users, members };
}

const registry = () => fakeClient({ update: () => ({}) });

describe('createTenantAdmin', () => {
  it("creates the tenant's group and a suppressed-invite admin in the pooled pool, and records them", async () => {
    const { cognito, users, members } = userPool();
    const dynamoDb = registry();

    const result = await createTenantAdminWith({ cognito, dynamoDb }, POOLED);

    expect(result).toEqual({ username: 'acme-admin', userPoolId: 'us-east-1_pooled', appClientId: 'pooled-client' });
    expect(users.get('us-east-1_pooled acme-admin')).toMatchObject({
      MessageAction: 'SUPPRESS',
      TemporaryPassword: expect.any(String),
      UserAttributes: [
        { Name: 'email', Value: 'admin@acme.example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenantId', Value: 'tenant-1' },
        { Name: 'custom:userRole', Value: 'TenantAdmin' },
      ],
    });
    expect([...members]).toEqual(['us-east-1_pooled acme-admin tenant-1']);
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantDetails',
        Key: { tenantId: 'tenant-1' },
        UpdateExpression: 'SET userPoolId = :pool, appClientId = :client, adminUsername = :username',
        ExpressionAttributeValues: {
          ':pool': 'us-east-1_pooled',
          ':client': 'pooled-client',
          ':username': 'acme-admin',
        },
      },
    ]);
  });

  it("creates a silo tenant's admin in its own pool, with its own app client", async () => {
    const { cognito, groups } = userPool();

    const result = await createTenantAdminWith({ cognito, dynamoDb: registry() }, SILO);

    expect(result).toEqual({ username: 'globex-admin', userPoolId: 'us-east-1_globex', appClientId: 'globex-client' });
    expect([...groups]).toEqual(['us-east-1_globex tenant-2']);
  });

  it('treats the group and the user a retry finds as done, creating neither twice, and still adds the user to the group', async () => {
    const { cognito, groups, users, members } = userPool();
    const dynamoDb = registry();
    const first = await createTenantAdminWith({ cognito, dynamoDb }, POOLED);
    members.clear();

    const retried = await createTenantAdminWith({ cognito, dynamoDb }, POOLED);

    expect(retried).toEqual(first);
    expect(groups.size).toBe(1);
    expect(users.size).toBe(1);
    expect([...members]).toEqual(['us-east-1_pooled acme-admin tenant-1']);
  });

  it('never adopts a user of another tenant that pre-claimed the admin username: the admin gets the tenant-unique name', async () => {
    const { cognito, users, members } = userPool();
    const squatter = {
      UserPoolId: 'us-east-1_pooled',
      Username: 'acme-admin',
      UserAttributes: [{ Name: 'custom:tenantId', Value: 'attacker-tenant' }],
    };
    users.set('us-east-1_pooled acme-admin', squatter);

    const result = await createTenantAdminWith({ cognito, dynamoDb: registry() }, POOLED);
    const retried = await createTenantAdminWith({ cognito, dynamoDb: registry() }, POOLED);

    expect(result.username).toBe('acme-admin-tenant1');
    expect(retried).toEqual(result);
    expect(users.get('us-east-1_pooled acme-admin')).toBe(squatter);
    expect([...members]).toEqual(['us-east-1_pooled acme-admin-tenant1 tenant-1']);
  });

  it('lets a Cognito refusal other than "exists" through, adding no one to the group', async () => {
    const refused = awsError('InvalidParameterException', 'Invalid email address format.');
    const { cognito, answers, members } = userPool();
    answers.adminCreateUser = () => {
      throw refused;
    };

    await expect(createTenantAdminWith({ cognito, dynamoDb: registry() }, POOLED)).rejects.toBe(refused);
    expect(members.size).toBe(0);
  });

  it('turns a throttled Cognito call into TransientStepError, for the Retry', async () => {
    const error = awsError('TooManyRequestsException', 'Too many requests');
    const { cognito, answers } = userPool();
    answers.createGroup = () => {
      throw error;
    };

    await expect(createTenantAdminWith({ cognito, dynamoDb: registry() }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Too many requests', { cause: error }),
    );
  });

  it('turns a throttled registry write into TransientStepError, for the Retry', async () => {
    const error = throttled();
    const { cognito } = userPool();
    const dynamoDb = fakeClient({
      update: () => {
        throw error;
      },
    });

    await expect(createTenantAdminWith({ cognito, dynamoDb }, POOLED)).rejects.toStrictEqual(
      new TransientStepError('Rate exceeded', { cause: error }),
    );
  });
});
