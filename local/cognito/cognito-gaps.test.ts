/**
 * Where cognito-local is laxer than Cognito. Each `GAP:` test pins today's behaviour as evidence;
 * the issue that closes a gap flips its test to expect what AWS does (`CLOSED:`, see
 * gap-guards.ts).
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtClaims, sdkClient, seedTenantPool, startCognito, tempDataDir } from '../../test/support/local/cognito';
import type { CognitoService } from './index';

describe('cognito-local gaps (known, and the ones closed in front of it)', () => {
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

  const newUser = (email: string, extra: { Name: string; Value: string }[] = []) =>
    sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        TemporaryPassword: 'Temp-Passw0rd!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'custom:tenantId', Value: 'tenant-a' },
          { Name: 'custom:userRole', Value: 'TenantUser' },
          ...extra,
        ],
      }),
    );

  const passwordAuth = (username: string, password: string, client = clientId) =>
    sdk.send(
      new InitiateAuthCommand({
        ClientId: client,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );

  /** Answers NEW_PASSWORD_REQUIRED, with the Session of a first login with the temporary password unless given one. */
  const setNewPassword = async (username: string, newPassword: string, session?: string) =>
    sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session ?? (await passwordAuth(username, 'Temp-Passw0rd!')).Session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
      }),
    );

  /** A confirmed user with tokens. */
  async function loggedIn(email: string) {
    await newUser(email);
    await setNewPassword(email, 'N3w-Passw0rd!');
    const login = await passwordAuth(email, 'N3w-Passw0rd!');
    return login.AuthenticationResult ?? {};
  }

  it('CLOSED: a wrong temporary password is refused at first login (NotAuthorizedException)', async () => {
    await newUser('gap-temp@example.com');

    const challenge = passwordAuth('gap-temp@example.com', 'not-the-temporary-password');

    await expect(challenge).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect((await passwordAuth('gap-temp@example.com', 'Temp-Passw0rd!')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('CLOSED: NEW_PASSWORD_REQUIRED needs the Session of that challenge; a forged one is refused', async () => {
    await newUser('gap-session@example.com');

    const answered = setNewPassword('gap-session@example.com', 'Att4cker-Passw0rd!', 'forged');

    await expect(answered).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const user = await sdk.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'gap-session@example.com' }),
    );
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('CLOSED: a challenge Session is single use and bound to its user', async () => {
    await newUser('gap-session-a@example.com');
    await newUser('gap-session-b@example.com');
    const { Session } = await passwordAuth('gap-session-a@example.com', 'Temp-Passw0rd!');

    await expect(setNewPassword('gap-session-b@example.com', 'Att4cker-Passw0rd!', Session)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    const { Session: fresh } = await passwordAuth('gap-session-a@example.com', 'Temp-Passw0rd!');
    expect(
      (await setNewPassword('gap-session-a@example.com', 'N3w-Passw0rd!', fresh)).AuthenticationResult?.IdToken,
    ).toBeTruthy();
    await expect(setNewPassword('gap-session-a@example.com', 'Other-Passw0rd!', fresh)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('CLOSED: a disabled user cannot log in (NotAuthorizedException), and can again once enabled', async () => {
    await loggedIn('gap-disabled@example.com');
    await sdk.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: 'gap-disabled@example.com' }));

    const login = passwordAuth('gap-disabled@example.com', 'N3w-Passw0rd!');

    await expect(login).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    await sdk.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: 'gap-disabled@example.com' }));
    expect(
      (await passwordAuth('gap-disabled@example.com', 'N3w-Passw0rd!')).AuthenticationResult?.IdToken,
    ).toBeTruthy();
  });

  it("CLOSED: a user cannot rewrite custom:tenantId or custom:userRole (the app client's WriteAttributes exclude them)", async () => {
    const tokens = await loggedIn('gap-write@example.com');

    for (const Name of ['custom:tenantId', 'custom:userRole']) {
      const update = sdk.send(
        new UpdateUserAttributesCommand({
          AccessToken: tokens.AccessToken,
          UserAttributes: [{ Name, Value: 'tenant-b' }],
        }),
      );
      await expect(update).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    }

    const again = await passwordAuth('gap-write@example.com', 'N3w-Passw0rd!');
    expect(jwtClaims(again.AuthenticationResult?.IdToken)['custom:tenantId']).toBe('tenant-a');
    expect(jwtClaims(again.AuthenticationResult?.IdToken)['custom:userRole']).toBe('TenantUser');
  });

  it('CLOSED: a user may still update the attributes its app client can write', async () => {
    const tokens = await loggedIn('gap-write-ok@example.com');

    await sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken: tokens.AccessToken,
        UserAttributes: [{ Name: 'email', Value: 'gap-write-ok2@example.com' }],
      }),
    );

    // Email is the username here: the user is found by its new address.
    const user = await sdk.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'gap-write-ok2@example.com' }),
    );
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('gap-write-ok2@example.com');
  });

  it('CLOSED: access tokens are verified: an unsigned token is refused and changes nothing', async () => {
    const victim = jwtClaims((await loggedIn('gap-forged@example.com')).IdToken);
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = `${encode({ alg: 'none' })}.${encode({ client_id: clientId, sub: victim.sub, token_use: 'access', exp: 9999999999 })}.`;

    const update = sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken: forged,
        UserAttributes: [{ Name: 'email', Value: 'attacker@example.com' }],
      }),
    );

    await expect(update).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const user = await sdk.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'gap-forged@example.com' }),
    );
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('gap-forged@example.com');
  });

  it("GAP: the app client's ExplicitAuthFlows are not enforced", async () => {
    await loggedIn('gap-flows@example.com');
    const srpOnly = await cognito.ensureUserPoolClient('Gaps/SrpOnlyClient', userPoolId, {
      clientName: 'srp-only',
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
    });

    const login = await passwordAuth('gap-flows@example.com', 'N3w-Passw0rd!', srpOnly);

    expect(login.AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("GAP: the app client's ReadAttributes do not filter the ID token", async () => {
    await loggedIn('gap-read@example.com');
    const emailOnly = await cognito.ensureUserPoolClient('Gaps/EmailOnlyClient', userPoolId, {
      clientName: 'email-only',
      readAttributes: ['email'],
    });

    const login = await passwordAuth('gap-read@example.com', 'N3w-Passw0rd!', emailOnly);

    expect(jwtClaims(login.AuthenticationResult?.IdToken)['custom:tenantId']).toBe('tenant-a');
  });

  it('GAP: USER_SRP_AUTH is not supported', async () => {
    const srp = sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: 'x@example.com', SRP_A: 'ab' },
      }),
    );

    await expect(srp).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  it('GAP: the password policy is not enforced', async () => {
    await newUser('gap-policy@example.com');

    const answered = await setNewPassword('gap-policy@example.com', 'x');

    expect(answered.AuthenticationResult?.IdToken).toBeTruthy();
  });

  it('GAP: email_verified "false" becomes true in the ID token', async () => {
    await newUser('gap-verified@example.com', [{ Name: 'email_verified', Value: 'false' }]);

    const answered = await setNewPassword('gap-verified@example.com', 'N3w-Passw0rd!');

    expect(jwtClaims(answered.AuthenticationResult?.IdToken).email_verified).toBe(true);
  });

  it('GAP: CreateGroup on an existing group succeeds and drops its members', async () => {
    await cognito.ensureUser(userPoolId, {
      username: 'gap-group@example.com',
      password: 'P4ssw0rd!',
      attributes: { email: 'gap-group@example.com' },
      groups: ['gap-group'],
    });

    await sdk.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'gap-group' }));

    await sdk.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName: 'gap-group' }));
    const login = await passwordAuth('gap-group@example.com', 'P4ssw0rd!');
    expect(jwtClaims(login.AuthenticationResult?.IdToken)['cognito:groups']).toBeUndefined();
  });

  it('GAP: attributes outside the schema are accepted by AdminCreateUser', async () => {
    const created = await newUser('gap-schema@example.com', [{ Name: 'custom:notInSchema', Value: 'x' }]);

    expect(created.User?.Attributes?.some((a) => a.Name === 'custom:notInSchema')).toBe(true);
  });

  it('GAP: ListUsers ignores Limit', async () => {
    await newUser('gap-limit-1@example.com');
    await newUser('gap-limit-2@example.com');

    const page = await sdk.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 1 }));

    expect(page.Users?.length).toBeGreaterThan(1);
    expect(page.PaginationToken).toBeUndefined();
  });

  it('CLOSED: every pool has its own signing key; unknown pools get no JWKS', async () => {
    const other = await cognito.ensureUserPool('Gaps/OtherPool', { poolName: 'other' });
    const jwks = (id: string) => fetch(cognito.jwksUrl(id));

    const [mine, theirs, missing] = await Promise.all([jwks(userPoolId), jwks(other), jwks('us-east-1_doesNotExist')]);

    const kidOf = async (response: Response) => ((await response.json()) as { keys: { kid: string }[] }).keys[0]?.kid;
    const [myKid, theirKid] = await Promise.all([kidOf(mine), kidOf(theirs)]);
    expect(myKid).toEqual(expect.any(String));
    expect(theirKid).not.toBe(myKid);
    expect(missing.status).toBe(404);
  });

  it("CLOSED: tokens are signed by their pool's own key, which verifies them, not by the published one", async () => {
    const tokens = await loggedIn('gap-keys@example.com');
    const { keys } = (await (await fetch(cognito.jwksUrl(userPoolId))).json()) as { keys: Record<string, unknown>[] };
    const poolKey = createPublicKey({ key: keys[0] as never, format: 'jwk' });
    const publishedKey = createPublicKey({
      key: (require('cognito-local/lib/keys/cognitoLocal.public.json') as { jwk: Record<string, unknown> })
        .jwk as never,
      format: 'jwk',
    });
    const signedBy = (token: string | undefined, key: KeyObject) => {
      const [header, payload, signature] = (token ?? '').split('.') as [string, string, string];
      return verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
    };

    for (const token of [tokens.IdToken, tokens.AccessToken]) {
      expect(signedBy(token, poolKey)).toBe(true);
      expect(signedBy(token, publishedKey)).toBe(false);
    }
  });

  it('CLOSED: an access token signed with the published cognito-local key is refused and changes nothing', async () => {
    const victim = jwtClaims((await loggedIn('gap-published@example.com')).AccessToken);
    const privateKey = createPrivateKey({
      key: (require('cognito-local/lib/keys/cognitoLocal.private.json') as { jwk: Record<string, unknown> })
        .jwk as never,
      format: 'jwk',
    });
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', kid: 'CognitoLocal' })}.${encode(victim)}`;
    const minted = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;

    const update = sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken: minted,
        UserAttributes: [{ Name: 'email', Value: 'x@example.com' }],
      }),
    );

    await expect(update).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});
