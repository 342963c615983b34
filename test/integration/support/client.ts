/** What a client of tenantflow does, over HTTP and the real Cognito SDK — shared by the integration tests. */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { inject } from 'vitest';
import { checkResponse } from '../../support/contract-check';

export const cloud = () => inject('cloud');

export interface HttpResult<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export async function http<T = any>(
  method: string,
  url: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  // Every answer of the APIs is held to the contract's response schema (test/support/contract-check.ts).
  checkResponse(method, url, response.status, parsed, cloud().controlPlaneApiUrl);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Joins a base URL ending in '/' and a path starting with '/'. */
export const at = (base: string, path: string) => `${base.replace(/\/$/, '')}${path}`;

export const controlPlane = (path: string) => at(cloud().controlPlaneApiUrl, path);

let counter = 0;
/** A tenant name unique to this run. */
export function uniqueName(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Registration {
  registrationId: string;
  tenantId: string;
  tenantName: string;
  tier: string;
  status: string;
  steps: Array<{ name: string; status: string; startedAt: string; endedAt?: string; error?: string }>;
}

/** Signs a tenant up and waits until its onboarding has finished (either way). */
export async function signUp(
  tenantName: string,
  tier = 'BASIC',
  email = `admin@${tenantName}.example.com`,
): Promise<Registration> {
  const accepted = await http('POST', controlPlane('/registrations'), { body: { tenantName, email, tier } });
  if (accepted.status !== 202)
    throw new Error(`sign-up of ${tenantName}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return waitFor(async () => {
    const current = await http<Registration>('GET', controlPlane(`/registrations/${accepted.body.registrationId}`));
    return current.body.status === 'IN_PROGRESS' ? undefined : current.body;
  }, `onboarding of ${tenantName}`);
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  template?: string;
  variables: Record<string, string>;
}

export async function outbox(): Promise<OutboxMessage[]> {
  return (await http<OutboxMessage[]>('GET', at(cloud().consoleUrl, '/local/outbox'))).body;
}

export async function welcomeMailOf(tenantName: string): Promise<OutboxMessage> {
  return waitFor(
    async () => (await outbox()).find((m) => m.template === 'welcome' && m.variables.tenantName === tenantName),
    `welcome mail of ${tenantName}`,
  );
}

export function cognitoClient(endpoint = cloud().cognitoEndpoint): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
  });
}

/** USER_PASSWORD_AUTH; answers NEW_PASSWORD_REQUIRED with `newPassword` when asked. Returns the ID token. */
export async function logIn(
  clientId: string,
  username: string,
  password: string,
  newPassword?: string,
  cognitoEndpoint = cloud().cognitoEndpoint,
): Promise<string> {
  const cognito = cognitoClient(cognitoEndpoint);
  const auth = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (auth.AuthenticationResult?.IdToken) return auth.AuthenticationResult.IdToken;
  if (auth.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || !newPassword)
    throw new Error(`Unexpected challenge ${auth.ChallengeName}`);
  const answered = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: auth.Session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    }),
  );
  const token = answered.AuthenticationResult?.IdToken;
  if (!token) throw new Error('No ID token after NEW_PASSWORD_REQUIRED');
  return token;
}

export interface TenantSession {
  readonly registration: Registration;
  readonly tenantName: string;
  readonly tenantId: string;
  readonly apiUrl: string;
  readonly idToken: string;
  readonly api: (method: string, path: string, body?: unknown) => Promise<HttpResult>;
}

export const NEW_PASSWORD = 'Chosen-Passw0rd!x';

/** A session from its data (e.g. one shared across test files as JSON). */
export function sessionOf(data: Omit<TenantSession, 'api'>): TenantSession {
  return {
    ...data,
    api: (method, path, body) => http(method, at(data.apiUrl, path), { body, token: data.idToken }),
  };
}

/** Signs a tenant up, logs its admin in from the welcome mail, and returns a session on its API. */
export async function onboardedTenant(prefix: string, tier = 'BASIC'): Promise<TenantSession> {
  const tenantName = uniqueName(prefix);
  const registration = await signUp(tenantName, tier);
  if (registration.status !== 'SUCCEEDED')
    throw new Error(`onboarding of ${tenantName} ${registration.status}: ${JSON.stringify(registration.steps)}`);
  const config = (await http('GET', controlPlane(`/tenant-config/${tenantName}`))).body;
  const mail = await welcomeMailOf(tenantName);
  const idToken = await logIn(
    config.appClientId,
    mail.variables.username as string,
    mail.variables.temporaryPassword as string,
    NEW_PASSWORD,
  );
  return sessionOf({ registration, tenantName, tenantId: config.tenantId, apiUrl: config.apiUrl, idToken });
}

export async function operatorToken(): Promise<string> {
  const config = (await http('GET', at(cloud().consoleUrl, '/config.json'))).body;
  return logIn(config.operatorClientId, cloud().operatorEmail, cloud().operatorPassword);
}
