/**
 * The run's local cloud (started by test/integration/global-setup.ts) and the tenants tests
 * onboard on it. The client calls themselves are the shared ones (../client), given `cloud()`.
 */
import { inject } from 'vitest';
import {
  adminSession,
  at,
  type HttpResult,
  http,
  type Registration,
  settledApproving,
  settledRegistration,
  signUp,
  uniqueName,
} from '../client';

export const cloud = () => inject('cloud');

export const controlPlane = (path: string) => at(cloud().controlPlaneApiUrl, path);

/** POST /local/faults: the Task state (or `cloudformation:<stack>`) fails `times` times (-1: until cleared). */
export const injectFault = (step: string, times = -1, error?: string) =>
  http('POST', at(cloud().consoleUrl, '/local/faults'), { body: { step, times, error } });

/** DELETE /local/faults. */
export const clearFaults = () => http('DELETE', at(cloud().consoleUrl, '/local/faults'));

/**
 * Waits until a registration's onboarding has finished (either way), approving it as the seeded
 * operator if its tier waits for approval (tests of the approval itself use `awaitingOrSettled`).
 */
export const settled = (registrationId: string, timeoutMs?: number): Promise<Registration> =>
  settledApproving(cloud(), registrationId, timeoutMs);

/** Waits until a registration waits for approval or has finished; approves nothing. */
export const awaitingOrSettled = (registrationId: string, timeoutMs?: number): Promise<Registration> =>
  settledRegistration(cloud(), registrationId, timeoutMs);

export interface TenantSession {
  readonly registration: Registration;
  readonly tenantName: string;
  readonly tenantId: string;
  readonly apiUrl: string;
  readonly idToken: string;
  /** A call on the tenant's own API with its admin's token. */
  readonly api: (method: string, path: string, body?: unknown) => Promise<HttpResult>;
}

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
  const registration = await signUp(cloud(), tenantName, tier);
  if (registration.status !== 'SUCCEEDED')
    throw new Error(`onboarding of ${tenantName} ${registration.status}: ${JSON.stringify(registration.steps)}`);
  const admin = await adminSession(cloud(), tenantName);
  return sessionOf({
    registration,
    tenantName,
    tenantId: admin.config.tenantId,
    apiUrl: admin.config.apiUrl,
    idToken: admin.idToken,
  });
}
