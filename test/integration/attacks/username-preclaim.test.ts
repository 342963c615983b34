/**
 * Username pre-claim (#16 item 5): a tenant admin cannot create the admin username a future
 * tenant will get, and a user that holds it anyway (made before the rule, or by any other path) is
 * never adopted by that tenant's onboarding: the new tenant gets its own working admin.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { adminSession, cognitoClient, http, signUp, uniqueName, welcomeMailOf } from '../../support/client';
import { cloud, controlPlane, onboardedTenant } from '../../support/integration/cloud';

describe('username pre-claim', () => {
  it('refuses a tenant admin the admin username of another tenant, naming username', async () => {
    const attacker = await onboardedTenant('squat-api');
    const future = uniqueName('bigcorp');

    const created = await http('POST', controlPlane('/users'), {
      token: attacker.idToken,
      body: { username: `${future}-admin`, email: 'me@attacker.example.com', role: 'TenantAdmin' },
    });

    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([expect.objectContaining({ field: 'username' })]);
  });

  it('onboards the tenant with its own admin when another tenant’s user already holds <name>-admin', async () => {
    const attacker = await onboardedTenant('squatter');
    const future = uniqueName('bigcorp');
    const squatted = `${future}-admin`;
    const cognito = cognitoClient(cloud());
    const UserPoolId = cloud().pooledUserPoolId;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: squatted,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'me@attacker.example.com' },
          { Name: 'custom:tenantId', Value: attacker.tenantId },
          { Name: 'custom:userRole', Value: 'TenantAdmin' },
        ],
      }),
    );
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: squatted, GroupName: attacker.tenantId }),
    );

    const registration = await signUp(cloud(), future, 'BASIC', `owner@${future}.example.com`);

    expect(registration.status).toBe('SUCCEEDED');
    const welcome = await welcomeMailOf(cloud(), future);
    expect(welcome.to).toBe(`owner@${future}.example.com`);
    expect(welcome.variables.username).toMatch(new RegExp(`^${future}-admin-[0-9a-f]{8}$`));
    const admin = await adminSession(cloud(), future);
    expect((await http('GET', controlPlane('/users'), { token: admin.idToken })).status).toBe(200);
    // The squatter is still only the attacker tenant's: not in the new tenant's group, attributes unchanged.
    const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: squatted }));
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual([attacker.tenantId]);
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: squatted }));
    expect(user.UserAttributes?.find((a) => a.Name === 'custom:tenantId')?.Value).toBe(attacker.tenantId);
  });
});
