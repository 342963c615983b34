/**
 * What a client of tenantflow does, for the benchmarks (the integration tests' client depends on
 * vitest's inject, so the bench has its own): sign up, read the tenant config and the welcome
 * mail, log in (NEW_PASSWORD_REQUIRED), add users to a pooled tenant the way an admin would.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalCloud } from '../../local/cloud';

export interface HttpResult<T = any> {
  readonly status: number;
  readonly body: T;
}

export async function request<T = any>(
  method: string,
  url: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: body as T };
}

export const at = (base: string, path: string) => `${base.replace(/\/$/, '')}${path}`;

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** POST /registrations; returns the registration (= execution) id. */
export async function register(cloud: LocalCloud, tenantName: string, tier: string): Promise<string> {
  const accepted = await request('POST', at(cloud.controlPlaneApiUrl, '/registrations'), {
    body: { tenantName, email: `admin@${tenantName}.example.com`, tier },
  });
  if (accepted.status !== 202)
    throw new Error(`sign-up of ${tenantName}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return String(accepted.body.registrationId);
}

export interface TenantConfig {
  readonly tenantId: string;
  readonly userPoolId: string;
  readonly appClientId: string;
  readonly apiUrl: string;
}

export async function tenantConfig(cloud: LocalCloud, tenantName: string): Promise<HttpResult<TenantConfig>> {
  return request<TenantConfig>('GET', at(cloud.controlPlaneApiUrl, `/tenant-config/${tenantName}`));
}

export interface OutboxMessage {
  readonly template?: string;
  readonly variables: Record<string, string>;
}

export async function outbox(cloud: LocalCloud): Promise<OutboxMessage[]> {
  return (await request<OutboxMessage[]>('GET', at(cloud.consoleUrl, '/local/outbox'))).body;
}

function cognito(cloud: LocalCloud): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: cloud.cognitoEndpoint,
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
  });
}

export const NEW_PASSWORD = 'Chosen-Passw0rd!x';

/** USER_PASSWORD_AUTH, answering NEW_PASSWORD_REQUIRED; returns the ID token. */
export async function logIn(cloud: LocalCloud, clientId: string, username: string, password: string): Promise<string> {
  const client = cognito(cloud);
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (auth.AuthenticationResult?.IdToken) return auth.AuthenticationResult.IdToken;
  const answered = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: auth.Session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: NEW_PASSWORD },
    }),
  );
  const token = answered.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`no ID token for ${username}`);
  return token;
}

export interface TenantSession {
  readonly tenantName: string;
  readonly config: TenantConfig;
  readonly idToken: string;
}

/** Logs the tenant's admin in from the welcome mail (the onboarding must have succeeded). */
export async function adminSession(cloud: LocalCloud, tenantName: string): Promise<TenantSession> {
  const config = (await tenantConfig(cloud, tenantName)).body;
  const mail = await waitFor(
    async () => (await outbox(cloud)).find((m) => m.template === 'welcome' && m.variables.tenantName === tenantName),
    `welcome mail of ${tenantName}`,
  );
  const idToken = await logIn(
    cloud,
    config.appClientId,
    String(mail.variables.username),
    String(mail.variables.temporaryPassword),
  );
  return { tenantName, config, idToken };
}

const USER_PASSWORD = 'Us3r-Passw0rd!x';

/** Adds a confirmed TenantUser to a pooled tenant as its admin would (admin API, tenant group) and logs it in. */
export async function addTenantUser(cloud: LocalCloud, config: TenantConfig, email: string): Promise<string> {
  const client = cognito(cloud);
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: config.userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: USER_PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenantId', Value: config.tenantId },
        { Name: 'custom:userRole', Value: 'TenantUser' },
      ],
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: config.userPoolId,
      Username: email,
      Password: USER_PASSWORD,
      Permanent: true,
    }),
  );
  await client.send(
    new AdminAddUserToGroupCommand({ UserPoolId: config.userPoolId, Username: email, GroupName: config.tenantId }),
  );
  return logIn(cloud, config.appClientId, email, USER_PASSWORD);
}
