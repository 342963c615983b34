/** What an attacker (and the attack tests) can do: forge tokens, add users to a pooled tenant, log in. */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AuthenticationResultType,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient, controlPlane, http, type TenantSession } from '../support/client';
import { decodeJwt } from '../support/jwt';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * cognito-local signs every pool's tokens with one RSA key that ships in its npm package. An
 * attacker who has the package can sign anything with it; the tests use it to build tokens that
 * pass the signature check and fail on another rule (expiry, audience, token use, tenant).
 */
export const cognitoLocalKey: KeyObject = createPrivateKey({
  key: (require('cognito-local/lib/keys/cognitoLocal.private.json') as { jwk: Record<string, unknown> }).jwk as never,
  format: 'jwk',
});

/** A key nobody trusts. */
export const strangerKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export function signJwt(
  payload: Record<string, unknown>,
  key: KeyObject = cognitoLocalKey,
  header: Record<string, unknown> = { alg: 'RS256', kid: 'CognitoLocal' },
): string {
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

/** A genuine token with its payload replaced and the original signature kept. */
export function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode({ ...decodeJwt(token), ...changes })}.${signature}`;
}

export interface TenantConfig {
  tenantId: string;
  userPoolId: string;
  appClientId: string;
  apiUrl: string;
}

export async function tenantConfigOf(session: TenantSession): Promise<TenantConfig> {
  return (await http('GET', controlPlane(`/tenant-config/${session.tenantName}`))).body as TenantConfig;
}

export async function passwordLogin(
  clientId: string,
  username: string,
  password: string,
): Promise<AuthenticationResultType> {
  const auth = await cognitoClient().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!auth.AuthenticationResult) throw new Error(`login of ${username}: challenge ${auth.ChallengeName}`);
  return auth.AuthenticationResult;
}

export const USER_PASSWORD = 'Us3r-Passw0rd!x';

/**
 * Adds a confirmed user to a pooled tenant the way an admin would (tenant attributes set by the
 * admin API, membership of the tenant's group) and logs it in.
 */
export async function addTenantUser(
  config: TenantConfig,
  email: string,
  role: 'TenantAdmin' | 'TenantUser',
): Promise<AuthenticationResultType> {
  const cognito = cognitoClient();
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: config.userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: USER_PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenantId', Value: config.tenantId },
        { Name: 'custom:userRole', Value: role },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: config.userPoolId,
      Username: email,
      Password: USER_PASSWORD,
      Permanent: true,
    }),
  );
  await cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: config.userPoolId, Username: email, GroupName: config.tenantId }),
  );
  return passwordLogin(config.appClientId, email, USER_PASSWORD);
}
