import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { type Jwks, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtClaims, sdkClient, seedTenantPool, startCognito, tempDataDir } from '../../test/support/local/cognito';
import type { CognitoService } from './index';

const attr = (attributes: AttributeType[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

describe('local Cognito', () => {
  const dataDir = tempDataDir();
  let cognito: CognitoService;
  let sdk: CognitoIdentityProviderClient;
  let userPoolId: string;
  let clientId: string;

  beforeAll(async () => {
    cognito = await startCognito({ dataDir: dataDir.path });
    sdk = sdkClient(cognito.endpoint);
    ({ userPoolId, clientId } = await seedTenantPool(cognito));
  });

  afterAll(async () => {
    sdk.destroy();
    await cognito.close();
    dataDir.remove();
  });

  /** Creates a tenant admin the way onboarding does, with a temporary password. */
  async function createTenantUser(email: string, tenantId: string, group: string) {
    await cognito.ensureGroup(userPoolId, group);
    await sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        TemporaryPassword: 'Temp-Passw0rd!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tenantId', Value: tenantId },
          { Name: 'custom:userRole', Value: 'TenantAdmin' },
        ],
      }),
    );
    await sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
  }

  /** First login: USER_PASSWORD_AUTH → NEW_PASSWORD_REQUIRED → NEW_PASSWORD; returns the ID token. */
  async function firstLogin(email: string, newPassword: string) {
    const challenge = await sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Temp-Passw0rd!' },
      }),
    );
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const answered = await sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
      }),
    );
    const idToken = answered.AuthenticationResult?.IdToken;
    if (!idToken) throw new Error('no ID token');
    return idToken;
  }

  describe('ensure*', () => {
    it('returns the same pool and client ids when called again', async () => {
      const again = await seedTenantPool(cognito);

      expect(again).toEqual({ userPoolId, clientId });
    });

    it('gives pools real-form ids that aws-jwt-verify accepts', () => {
      expect(userPoolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
      // create() validates the pool id against aws-jwt-verify's (private) USER_POOL_ID_REGEX.
      expect(() => CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId })).not.toThrow();
    });

    it('creates one pool for concurrent calls with the same key', async () => {
      const ids = await Promise.all(
        [1, 2, 3].map(() => cognito.ensureUserPool('Concurrent/UserPool', { poolName: 'c' })),
      );

      expect(new Set(ids).size).toBe(1);
    });

    it('gives different keys different pools', async () => {
      const other = await cognito.ensureUserPool('Other/UserPool', { poolName: 'other' });

      expect(other).not.toBe(userPoolId);
    });

    it('applies the custom attributes and username attributes to the pool', async () => {
      const { UserPool } = await sdk.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));

      const names = UserPool?.SchemaAttributes?.map((a) => a.Name);
      expect(names).toEqual(expect.arrayContaining(['custom:tenantId', 'custom:userRole', 'email']));
      expect(UserPool?.UsernameAttributes).toEqual(['email']);
      expect(UserPool?.Id).toBe(userPoolId);
    });

    it('adds custom attributes that a later call asks for', async () => {
      const id = await cognito.ensureUserPool('Growing/UserPool', { poolName: 'g', customAttributes: ['tenantId'] });

      await cognito.ensureUserPool('Growing/UserPool', { poolName: 'g', customAttributes: ['tenantId', 'tier'] });

      const { UserPool } = await sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }));
      expect(UserPool?.SchemaAttributes?.filter((a) => a.Name?.startsWith('custom:')).map((a) => a.Name)).toEqual([
        'custom:tenantId',
        'custom:tier',
      ]);
    });

    it('keeps group members when a group is ensured again', async () => {
      await createTenantUser('member@example.com', 't-member', 'tenant-t-member');

      await cognito.ensureGroup(userPoolId, 'tenant-t-member');

      const idToken = await firstLogin('member@example.com', 'N3w-Passw0rd!');
      expect(jwtClaims(idToken)['cognito:groups']).toEqual(['tenant-t-member']);
    });

    it('seeds a user with a permanent password who logs in without a challenge, once', async () => {
      const operator = {
        username: 'operator@example.com',
        password: 'Operat0r-Passw0rd!',
        attributes: { email: 'operator@example.com', 'custom:tenantId': 'operators', 'custom:userRole': 'SystemAdmin' },
        groups: ['SystemAdmins'],
      };
      await cognito.ensureUser(userPoolId, operator);
      await cognito.ensureUser(userPoolId, { ...operator, password: 'ignored-for-existing-user' });

      const login = await sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: operator.username, PASSWORD: operator.password },
        }),
      );

      expect(login.ChallengeName).toBeUndefined();
      const claims = jwtClaims(login.AuthenticationResult?.IdToken);
      expect(claims).toMatchObject({ 'custom:userRole': 'SystemAdmin', 'cognito:groups': ['SystemAdmins'] });
      const listed = await sdk.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'email = "operator@example.com"' }),
      );
      expect(listed.Users).toHaveLength(1);
    });
  });

  describe('the real SDK', () => {
    it('creates and reads a group', async () => {
      await sdk.send(
        new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'tenant-t1', Description: 'Tenant t1' }),
      );

      const { Group } = await sdk.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName: 'tenant-t1' }));

      expect(Group).toMatchObject({ GroupName: 'tenant-t1', UserPoolId: userPoolId, Description: 'Tenant t1' });
    });

    it('creates a user with a temporary password and reads it back', async () => {
      await createTenantUser('admin@t2.example', 't2', 'tenant-t2');

      const user = await sdk.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'admin@t2.example' }));

      expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
      expect(user.Enabled).toBe(true);
      expect(attr(user.UserAttributes, 'custom:tenantId')).toBe('t2');
      expect(attr(user.UserAttributes, 'custom:userRole')).toBe('TenantAdmin');
      expect(attr(user.UserAttributes, 'email')).toBe('admin@t2.example');
    });

    it('lists users, filtered by email', async () => {
      await createTenantUser('admin@t3.example', 't3', 'tenant-t3');

      const all = await sdk.send(new ListUsersCommand({ UserPoolId: userPoolId }));
      const one = await sdk.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'email = "admin@t3.example"' }),
      );

      expect(all.Users?.length).toBeGreaterThanOrEqual(1);
      expect(one.Users?.map((u) => attr(u.Attributes, 'custom:tenantId'))).toEqual(['t3']);
    });

    it('disables and enables a user', async () => {
      await createTenantUser('admin@t4.example', 't4', 'tenant-t4');
      const get = () => sdk.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'admin@t4.example' }));

      await sdk.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: 'admin@t4.example' }));
      const disabled = await get();
      await sdk.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: 'admin@t4.example' }));
      const enabled = await get();

      expect(disabled.Enabled).toBe(false);
      expect(enabled.Enabled).toBe(true);
    });

    it('answers NEW_PASSWORD_REQUIRED at first login and then issues an ID token with the tenant claims', async () => {
      await createTenantUser('admin@t5.example', 't5', 'tenant-t5');

      const idToken = await firstLogin('admin@t5.example', 'N3w-Passw0rd!');

      expect(jwtClaims(idToken)).toMatchObject({
        'custom:tenantId': 't5',
        'custom:userRole': 'TenantAdmin',
        'cognito:groups': ['tenant-t5'],
        email: 'admin@t5.example',
        aud: clientId,
        token_use: 'id',
        iss: `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`,
      });
    });

    it('logs in with the new password after the challenge', async () => {
      await createTenantUser('admin@t6.example', 't6', 'tenant-t6');
      await firstLogin('admin@t6.example', 'N3w-Passw0rd!');

      const login = await sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'admin@t6.example', PASSWORD: 'N3w-Passw0rd!' },
        }),
      );

      expect(login.AuthenticationResult?.IdToken).toBeTruthy();
      expect(jwtClaims(login.AuthenticationResult?.AccessToken)).toMatchObject({
        client_id: clientId,
        token_use: 'access',
      });
    });

    it('rejects a wrong password once the password is permanent', async () => {
      await createTenantUser('admin@t7.example', 't7', 'tenant-t7');
      await firstLogin('admin@t7.example', 'N3w-Passw0rd!');

      const login = sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'admin@t7.example', PASSWORD: 'wrong' },
        }),
      );

      await expect(login).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    });

    it('creates a silo pool, client, group and user with real-form ids (as a Step Functions task would)', async () => {
      const { UserPool } = await sdk.send(
        new CreateUserPoolCommand({
          PoolName: 'tenant-silo-1',
          UsernameAttributes: ['email'],
          Schema: [
            { Name: 'tenantId', AttributeDataType: 'String', Mutable: true },
            { Name: 'userRole', AttributeDataType: 'String', Mutable: true },
          ],
        }),
      );
      const siloPoolId = UserPool?.Id ?? '';
      const { UserPoolClient } = await sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: siloPoolId,
          ClientName: 'silo',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
        }),
      );
      const { Group } = await sdk.send(new CreateGroupCommand({ UserPoolId: siloPoolId, GroupName: 'tenant-silo-1' }));
      const { User } = await sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: siloPoolId,
          Username: 'admin@silo.example',
          TemporaryPassword: 'Temp-Passw0rd!',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'custom:tenantId', Value: 'silo-1' }],
        }),
      );

      expect(siloPoolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
      expect(() => CognitoJwtVerifier.create({ userPoolId: siloPoolId, tokenUse: 'id', clientId: null })).not.toThrow();
      expect(UserPool?.Arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${siloPoolId}`);
      expect(UserPoolClient?.ClientId).toMatch(/^[a-z0-9]{20,}$/);
      expect(Group?.GroupName).toBe('tenant-silo-1');
      // Email-as-username pools store the sub as the username, as AWS does.
      expect(User?.Username).toMatch(/^[0-9a-f-]{36}$/);
      expect(attr(User?.Attributes, 'email')).toBe('admin@silo.example');
    });

    it('creates a plain-username pool when UsernameAttributes is not given, as AWS does', async () => {
      const { UserPool } = await sdk.send(new CreateUserPoolCommand({ PoolName: 'plain' }));

      const { User } = await sdk.send(
        new AdminCreateUserCommand({ UserPoolId: UserPool?.Id, Username: 'alice', MessageAction: 'SUPPRESS' }),
      );

      expect(UserPool?.UsernameAttributes ?? []).toEqual([]);
      expect(User?.Username).toBe('alice');
    });
  });

  describe('tokens', () => {
    it('verifies with aws-jwt-verify given the JWKS from jwksUrl (cacheJwks)', async () => {
      await createTenantUser('admin@t8.example', 't8', 'tenant-t8');
      const idToken = await firstLogin('admin@t8.example', 'N3w-Passw0rd!');
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
      verifier.cacheJwks((await (await fetch(cognito.jwksUrl(userPoolId))).json()) as Jwks);

      const payload = await verifier.verify(idToken);

      expect(payload['custom:tenantId']).toBe('t8');
    });

    it('verifies with aws-jwt-verify through an injected fetcher that maps the Cognito JWKS URI to the local endpoint', async () => {
      await createTenantUser('admin@t9.example', 't9', 'tenant-t9');
      const idToken = await firstLogin('admin@t9.example', 'N3w-Passw0rd!');
      const fetched: string[] = [];
      const jwksCache = new SimpleJwksCache({
        fetcher: {
          fetch: async (uri) => {
            fetched.push(uri);
            const local = uri.replace(/^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com/, cognito.endpoint);
            return (await fetch(local)).arrayBuffer();
          },
        },
      });
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId }, { jwksCache });

      const payload = await verifier.verify(idToken);

      expect(payload['custom:tenantId']).toBe('t9');
      expect(fetched).toEqual([`https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}/.well-known/jwks.json`]);
    });

    it('fails verification for another client id', async () => {
      await createTenantUser('admin@t10.example', 't10', 'tenant-t10');
      const idToken = await firstLogin('admin@t10.example', 'N3w-Passw0rd!');
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId: 'someotherclient' });
      verifier.cacheJwks((await (await fetch(cognito.jwksUrl(userPoolId))).json()) as Jwks);

      await expect(verifier.verify(idToken)).rejects.toThrow(/client id/i);
    });

    it('serves an OpenID discovery document with the real issuer and the local JWKS', async () => {
      const res = await fetch(`${cognito.endpoint}/${userPoolId}/.well-known/openid-configuration`);

      expect(await res.json()).toMatchObject({
        issuer: `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`,
        jwks_uri: cognito.jwksUrl(userPoolId),
      });
    });
  });

  describe('CORS', () => {
    it('answers the preflight of a browser app on another 127.0.0.1 port', async () => {
      const res = await fetch(cognito.endpoint, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://127.0.0.1:4000',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers':
            'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request',
        },
      });

      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toContain('x-amz-target');
    });

    it('allows the origin on the InitiateAuth response itself', async () => {
      const res = await fetch(cognito.endpoint, {
        method: 'POST',
        headers: {
          Origin: 'http://127.0.0.1:4000',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        },
        body: JSON.stringify({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'operator@example.com', PASSWORD: 'Operat0r-Passw0rd!' },
        }),
      });

      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.status).toBe(200);
    });
  });
});

describe('local Cognito across a restart', () => {
  const dataDir = tempDataDir();
  afterAll(() => dataDir.remove());

  it('keeps pools, clients, groups, users and passwords', async () => {
    const first = await startCognito({ dataDir: dataDir.path });
    const before = await seedTenantPool(first);
    const sdk1 = sdkClient(first.endpoint);
    await first.ensureGroup(before.userPoolId, 'tenant-r1');
    await sdk1.send(
      new AdminCreateUserCommand({
        UserPoolId: before.userPoolId,
        Username: 'admin@r1.example',
        TemporaryPassword: 'Temp-Passw0rd!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'custom:tenantId', Value: 'r1' }],
      }),
    );
    await sdk1.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: before.userPoolId,
        Username: 'admin@r1.example',
        GroupName: 'tenant-r1',
      }),
    );
    const challenge = await sdk1.send(
      new InitiateAuthCommand({
        ClientId: before.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'admin@r1.example', PASSWORD: 'Temp-Passw0rd!' },
      }),
    );
    await sdk1.send(
      new RespondToAuthChallengeCommand({
        ClientId: before.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'admin@r1.example', NEW_PASSWORD: 'N3w-Passw0rd!' },
      }),
    );
    sdk1.destroy();
    await first.close();

    const second = await startCognito({ dataDir: dataDir.path });
    const sdk2 = sdkClient(second.endpoint);
    try {
      const after = await seedTenantPool(second);
      const login = await sdk2.send(
        new InitiateAuthCommand({
          ClientId: after.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'admin@r1.example', PASSWORD: 'N3w-Passw0rd!' },
        }),
      );

      expect(after).toEqual(before);
      expect(jwtClaims(login.AuthenticationResult?.IdToken)).toMatchObject({
        'custom:tenantId': 'r1',
        'cognito:groups': ['tenant-r1'],
        iss: `https://cognito-idp.us-east-1.amazonaws.com/${before.userPoolId}`,
      });
    } finally {
      sdk2.destroy();
      await second.close();
    }
  });
});
