/**
 * What a client of tenantflow does against a local cloud, given its endpoints: HTTP calls, sign-up
 * and login (the real Cognito SDK), tenant users added the way an admin adds them, JWT payloads,
 * starting a release. Shared by the integration tests, the browser tests and the benchmarks, so
 * nothing here depends on vitest: the bench runs it outside the test runner. Every function that
 * talks to the cloud takes it as its first argument (the integration tests pass `cloud()`, the
 * bench its `LocalCloud`).
 */
import * as path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { TenantConfig } from '../../console/src/commerce/types';
import { FANOUT_STATE_MACHINE_NAME } from '../../functions/pipeline/fanout';
import { STACK_NAMES } from '../../infra/app';
import { templateUrlOf } from '../../local/cloudformation/template-source';

/** The endpoints of a local cloud a client needs (both `LocalCloud` and the tests' injected info have them). */
export interface CloudEndpoints {
  readonly controlPlaneApiUrl: string;
  readonly consoleUrl: string;
  readonly cognitoEndpoint: string;
}

// ---- HTTP ----

// biome-ignore lint/suspicious/noExplicitAny: callers read answers of many shapes; `any` unless they name one
export interface HttpResult<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

type ResponseCheck = (method: string, url: string, status: number, body: unknown) => void;
let responseCheck: ResponseCheck | undefined;

/**
 * Holds every answer {@link http} receives to a check: the integration and browser runs hold them
 * to the contract's response schemas (test/support/integration/contract-setup.ts).
 */
export function checkEveryResponse(check: ResponseCheck | undefined): void {
  responseCheck = check;
}

/** One HTTP call; a JSON answer is parsed, any other answer is kept as text. */
// biome-ignore lint/suspicious/noExplicitAny: as HttpResult
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
  responseCheck?.(method, url, response.status, parsed);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Joins a base URL ending in '/' and a path starting with '/'. */
export const at = (base: string, path: string) => `${base.replace(/\/$/, '')}${path}`;

let counter = 0;
/** A tenant (or user) name unique to this process. */
export function uniqueName(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Reads a JWT's payload without verifying it (clients only inspect tokens they were just given). */
export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

// ---- sign-up ----

export interface Registration {
  registrationId: string;
  /** The onboarding execution (docs/api.md). */
  executionId: string;
  tenantId: string;
  tenantName: string;
  tier: string;
  status: string;
  steps: Array<{ name: string; status: string; startedAt: string; endedAt?: string; error?: string }>;
}

/** POST /registrations; returns the ids of the accepted (202) registration, throws on any other answer. */
export async function register(
  cloud: CloudEndpoints,
  tenantName: string,
  tier = 'BASIC',
  email = `admin@${tenantName}.example.com`,
): Promise<{ registrationId: string; tenantId: string }> {
  const accepted = await http('POST', at(cloud.controlPlaneApiUrl, '/registrations'), {
    body: { tenantName, email, tier },
  });
  if (accepted.status !== 202)
    throw new Error(`sign-up of ${tenantName}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return accepted.body;
}

/**
 * Waits until a registration's onboarding has finished (either way) or waits for an operator
 * (AWAITING_APPROVAL: a paid tier's sign-up, see {@link signUp}).
 */
export async function settledRegistration(
  cloud: CloudEndpoints,
  registrationId: string,
  timeoutMs?: number,
): Promise<Registration> {
  return waitFor(
    async () => {
      const current = await http<Registration>('GET', at(cloud.controlPlaneApiUrl, `/registrations/${registrationId}`));
      return current.body.status === 'IN_PROGRESS' ? undefined : current.body;
    },
    `onboarding of registration ${registrationId}`,
    timeoutMs,
  );
}

/** The seeded operator's login, which approving a waiting registration takes. */
export interface OperatorLogin {
  readonly operatorEmail: string;
  readonly operatorPassword: string;
}

/** `POST /registrations/{registrationId}/approve` (or `/reject` with a reason) as the seeded operator. */
export async function answerRegistration(
  cloud: CloudEndpoints & OperatorLogin,
  registrationId: string,
  answer: { approve: true } | { reason: string },
): Promise<HttpResult> {
  const token = await operatorToken(cloud);
  return 'approve' in answer
    ? http('POST', at(cloud.controlPlaneApiUrl, `/registrations/${registrationId}/approve`), { token })
    : http('POST', at(cloud.controlPlaneApiUrl, `/registrations/${registrationId}/reject`), {
        token,
        body: { reason: answer.reason },
      });
}

/**
 * Signs a tenant up and waits until its onboarding has finished (either way). A sign-up whose
 * tier needs approval (PLATINUM by default) is approved by the seeded operator, as one would in
 * the console, so callers given the operator's login see the whole onboarding.
 */
export async function signUp(
  cloud: CloudEndpoints & Partial<OperatorLogin>,
  tenantName: string,
  tier = 'BASIC',
  email = `admin@${tenantName}.example.com`,
): Promise<Registration> {
  const { registrationId } = await register(cloud, tenantName, tier, email);
  return settledApproving(cloud, registrationId);
}

/** {@link settledRegistration}, approving the registration as the seeded operator if it waits for that. */
export async function settledApproving(
  cloud: CloudEndpoints & Partial<OperatorLogin>,
  registrationId: string,
  timeoutMs?: number,
): Promise<Registration> {
  const settled = await settledRegistration(cloud, registrationId, timeoutMs);
  if (settled.status !== 'AWAITING_APPROVAL') return settled;
  const { operatorEmail, operatorPassword } = cloud;
  if (!operatorEmail || !operatorPassword)
    throw new Error(`${settled.tenantName} (${settled.tier}) awaits approval and no operator login was given`);
  const approved = await answerRegistration({ ...cloud, operatorEmail, operatorPassword }, registrationId, {
    approve: true,
  });
  if (approved.status !== 200)
    throw new Error(`approval of ${settled.tenantName}: ${approved.status} ${JSON.stringify(approved.body)}`);
  return settledRegistration(cloud, registrationId, timeoutMs);
}

/** What GET /tenant-config/{tenantName} answers (the commerce app reads the same). */
export type { TenantConfig };

export async function tenantConfig(cloud: CloudEndpoints, tenantName: string): Promise<HttpResult<TenantConfig>> {
  return http<TenantConfig>('GET', at(cloud.controlPlaneApiUrl, `/tenant-config/${tenantName}`));
}

// ---- mail ----

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  template?: string;
  variables: Record<string, string>;
}

/** Every mail the local cloud has sent (its local-only outbox). */
export async function outbox(cloud: CloudEndpoints): Promise<OutboxMessage[]> {
  return (await http<OutboxMessage[]>('GET', at(cloud.consoleUrl, '/local/outbox'))).body;
}

/** Waits for the first mail of a template that matches. */
export async function mailOf(
  cloud: CloudEndpoints,
  template: string,
  matches: (variables: Record<string, string>) => boolean,
  what: string,
): Promise<OutboxMessage> {
  return waitFor(async () => (await outbox(cloud)).find((m) => m.template === template && matches(m.variables)), what);
}

export const welcomeMailOf = (cloud: CloudEndpoints, tenantName: string) =>
  mailOf(cloud, 'welcome', (v) => v.tenantName === tenantName, `welcome mail of ${tenantName}`);

export const invitationOf = (cloud: CloudEndpoints, username: string) =>
  mailOf(cloud, 'invite', (v) => v.username === username, `invitation of ${username}`);

// ---- Cognito ----

export function cognitoClient(cloud: Pick<CloudEndpoints, 'cognitoEndpoint'>): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: cloud.cognitoEndpoint,
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
  });
}

/** The password tests and benchmarks choose when a first login asks for a new one. */
export const NEW_PASSWORD = 'Chosen-Passw0rd!x';
/** The permanent password of users added with `addTenantUser`. */
export const USER_PASSWORD = 'Us3r-Passw0rd!x';

/** USER_PASSWORD_AUTH with no challenge expected; returns the whole result (ID and access tokens). */
export async function passwordLogin(
  cloud: Pick<CloudEndpoints, 'cognitoEndpoint'>,
  clientId: string,
  username: string,
  password: string,
): Promise<AuthenticationResultType> {
  const auth = await cognitoClient(cloud).send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!auth.AuthenticationResult) throw new Error(`login of ${username}: challenge ${auth.ChallengeName}`);
  return auth.AuthenticationResult;
}

/** USER_PASSWORD_AUTH; answers NEW_PASSWORD_REQUIRED with `newPassword` when asked. Returns the ID token. */
export async function logIn(
  cloud: Pick<CloudEndpoints, 'cognitoEndpoint'>,
  clientId: string,
  username: string,
  password: string,
  newPassword?: string,
): Promise<string> {
  const cognito = cognitoClient(cloud);
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
  if (!token) throw new Error(`No ID token for ${username} after NEW_PASSWORD_REQUIRED`);
  return token;
}

/** A tenant's admin, logged in from the welcome mail (its temporary password replaced by NEW_PASSWORD). */
export interface AdminSession {
  readonly tenantName: string;
  readonly config: TenantConfig;
  readonly idToken: string;
}

/** Logs the tenant's admin in from the welcome mail (the onboarding must have succeeded). */
export async function adminSession(cloud: CloudEndpoints, tenantName: string): Promise<AdminSession> {
  const config = await tenantConfig(cloud, tenantName);
  if (config.status !== 200) throw new Error(`tenant config of ${tenantName}: ${config.status}`);
  const mail = await welcomeMailOf(cloud, tenantName);
  const idToken = await logIn(
    cloud,
    config.body.appClientId,
    String(mail.variables.username),
    String(mail.variables.temporaryPassword),
    NEW_PASSWORD,
  );
  return { tenantName, config: config.body, idToken };
}

/** The seeded operator's ID token (the operator pool's client is in the console's /config.json). */
export async function operatorToken(
  cloud: CloudEndpoints & { readonly operatorEmail: string; readonly operatorPassword: string },
): Promise<string> {
  const config = (await http('GET', at(cloud.consoleUrl, '/config.json'))).body;
  return logIn(cloud, config.operatorClientId, cloud.operatorEmail, cloud.operatorPassword);
}

/**
 * Adds a confirmed user to a tenant (in its pool: the pooled one, or a silo tenant's own) the way
 * an admin would (tenant attributes set by the admin API, membership of the tenant's group) and
 * logs it in with USER_PASSWORD.
 */
export async function addTenantUser(
  cloud: Pick<CloudEndpoints, 'cognitoEndpoint'>,
  config: Pick<TenantConfig, 'tenantId' | 'userPoolId' | 'appClientId'>,
  email: string,
  role: 'TenantAdmin' | 'TenantUser',
): Promise<AuthenticationResultType> {
  const cognito = cognitoClient(cloud);
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
  return passwordLogin(cloud, config.appClientId, email, USER_PASSWORD);
}

// ---- the emulators behind the cloud ----

/** The one table whose name contains `fragment` (CDK adds a suffix to every table name). */
export async function tableNamed(dynamo: DynamoDBClient, fragment: string): Promise<string> {
  const tables = (await dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
  const table = tables.find((name) => name.includes(fragment));
  if (!table) throw new Error(`No table like ${fragment} among ${tables.join(', ')}`);
  return table;
}

export interface ReleaseOptions {
  /** The execution name (the release id). @default release-<version>-<time> */
  readonly name?: string;
  /** One tenant, or "" for every silo tenant. @default "" */
  readonly tenantId?: string;
  /** @default 10 */
  readonly waveSize?: number;
  /** Seconds between two stack status polls. @default 0, so tests run fast */
  readonly pollSeconds?: number;
}

export type ReleaseStarter = (
  version: string,
  options?: ReleaseOptions,
) => Promise<{ readonly releaseId: string; readonly executionArn: string }>;

/**
 * Finds the release fan-out state machine and this checkout's silo template once, and returns
 * a function that starts a release (an execution of the fan-out), as the local pipeline does.
 */
export async function releaseStarter(sfn: SFNClient): Promise<ReleaseStarter> {
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  const stateMachineArn = machines.find((machine) => machine.name === FANOUT_STATE_MACHINE_NAME)?.stateMachineArn;
  if (!stateMachineArn) throw new Error(`${FANOUT_STATE_MACHINE_NAME} is not deployed`);
  const templateUrl = templateUrlOf(path.resolve(__dirname, '../../cdk.out'), STACK_NAMES.siloTemplate);
  if (!templateUrl) throw new Error(`No synthesized ${STACK_NAMES.siloTemplate} template in cdk.out`);
  return async (version, options = {}) => {
    const releaseId = options.name ?? `release-${version}-${Date.now().toString(36)}`;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: releaseId,
        input: JSON.stringify({
          tenantId: options.tenantId ?? '',
          version,
          templateUrl,
          waveSize: options.waveSize ?? 10,
          pollSeconds: options.pollSeconds ?? 0,
        }),
      }),
    );
    return { releaseId, executionArn: executionArn as string };
  };
}
