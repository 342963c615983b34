import { describe, expect, it } from 'vitest';
import { cognitoGroupMembers, cognitoUserDirectory } from '../../../functions/users/user-directory';
import { awsError, fakeClient } from '../onboarding-steps/fakes';

const attributes = (tenantId: string) => [
  { Name: 'email', Value: 'bob@acme.example' },
  { Name: 'custom:tenantId', Value: tenantId },
  { Name: 'custom:userRole', Value: 'TenantUser' },
];
const CREATED = new Date('2026-01-02T03:04:05.000Z');

describe('the Cognito user directory', () => {
  it("reads a user of the tenant's group as the API shows it", async () => {
    const cognito = fakeClient({
      adminGetUser: () => ({
        Username: 'bob',
        UserAttributes: attributes('t1'),
        Enabled: false,
        UserStatus: 'CONFIRMED',
        UserCreateDate: CREATED,
      }),
    });

    const user = await cognitoUserDirectory(cognito, 'pool-1').get('t1', 'bob');

    expect(user).toEqual({
      username: 'bob',
      email: 'bob@acme.example',
      role: 'TenantUser',
      enabled: false,
      status: 'CONFIRMED',
      createdAt: CREATED.toISOString(),
    });
    expect(cognito.inputsOf('adminGetUser')).toEqual([{ UserPoolId: 'pool-1', Username: 'bob' }]);
  });

  it("does not find another tenant's user of the same pool, nor an unknown one", async () => {
    const other = fakeClient({ adminGetUser: () => ({ Username: 'eve', UserAttributes: attributes('t2') }) });
    const unknown = fakeClient({
      adminGetUser: () => {
        throw awsError('UserNotFoundException', 'User does not exist.');
      },
    });

    await expect(cognitoUserDirectory(other, 'pool-1').get('t1', 'eve')).resolves.toBeUndefined();
    await expect(cognitoUserDirectory(unknown, 'pool-1').get('t1', 'nobody')).resolves.toBeUndefined();
  });

  it('creates a user with the tenant attribute, without Cognito mail, and adds it to the tenant group', async () => {
    const cognito = fakeClient({ adminCreateUser: () => ({}), adminAddUserToGroup: () => ({}) });

    const created = await cognitoUserDirectory(cognito, 'pool-1').create(
      't1',
      { username: 'bob', email: 'bob@acme.example', role: 'TenantAdmin' },
      'Temp-Passw0rd!x',
    );

    expect(created).toBe(true);
    expect(cognito.inputsOf('adminCreateUser')).toEqual([
      {
        UserPoolId: 'pool-1',
        Username: 'bob',
        TemporaryPassword: 'Temp-Passw0rd!x',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'bob@acme.example' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tenantId', Value: 't1' },
          { Name: 'custom:userRole', Value: 'TenantAdmin' },
        ],
      },
    ]);
    expect(cognito.inputsOf('adminAddUserToGroup')).toEqual([
      { UserPoolId: 'pool-1', Username: 'bob', GroupName: 't1' },
    ]);
  });

  it('answers false for a taken username and adds nobody to the group', async () => {
    const cognito = fakeClient({
      adminCreateUser: () => {
        throw awsError('UsernameExistsException', 'User account already exists');
      },
    });

    await expect(
      cognitoUserDirectory(cognito, 'pool-1').create(
        't1',
        { username: 'bob', email: 'b@x.io', role: 'TenantUser' },
        'p',
      ),
    ).resolves.toBe(false);
    expect(cognito.inputsOf('adminAddUserToGroup')).toEqual([]);
  });

  it("lists the tenant's group at most 60 a page (Cognito's limit), or a page of Cognito's size without a limit", async () => {
    const cognito = fakeClient({
      listUsersInGroup: () => ({ Users: [{ Username: 'bob', Attributes: attributes('t1') }], NextToken: 'n2' }),
    });
    const members = cognitoGroupMembers(cognito, 'pool-1');

    const page = await members.list('t1', 100, 'n1');
    await members.list('t1');

    expect(page).toEqual({
      items: [{ username: 'bob', email: 'bob@acme.example', role: 'TenantUser', enabled: true }],
      nextToken: 'n2',
    });
    expect(cognito.inputsOf('listUsersInGroup')).toEqual([
      { UserPoolId: 'pool-1', GroupName: 't1', Limit: 60, NextToken: 'n1' },
      { UserPoolId: 'pool-1', GroupName: 't1', Limit: undefined, NextToken: undefined },
    ]);
  });

  it('enables and disables a user by name', async () => {
    const cognito = fakeClient({ adminEnableUser: () => ({}), adminDisableUser: () => ({}) });
    const members = cognitoGroupMembers(cognito, 'pool-1');

    await members.setEnabled('t1', 'bob', false);
    await members.setEnabled('t1', 'bob', true);

    expect(cognito.sent.map((sent) => sent.command)).toEqual(['adminDisableUser', 'adminEnableUser']);
    expect(cognito.inputsOf('adminEnableUser')).toEqual([{ UserPoolId: 'pool-1', Username: 'bob' }]);
  });
});
