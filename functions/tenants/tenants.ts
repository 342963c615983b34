/**
 * The tenant registry as the API shows it: the public tenant config a sign-in page starts from,
 * and the operators' list, detail, deactivation and activation. Independent of DynamoDB, Cognito
 * and HTTP: tenant-store.ts and users/user-directory.ts are the I/O.
 */
import { ConflictError, NotFoundError } from '../../contracts/errors';
import { lifecycleEventBasics } from '../../contracts/lifecycle-events';
import { tenantNameKey } from '../../contracts/rules';
import type { Tenant, TenantConfig } from '../../contracts/schemas/control-plane';
import { type TenantRecord, type TenantStatus, tenantView } from '../../contracts/tenant-record';
import type { LifecycleEventPublisher } from '../shared/lifecycle-events';
import type { UserDirectory } from '../users/users';

export type { Tenant, TenantConfig, TenantRecord };

/** TenantDetails and TenantNames. */
export interface TenantRegistry {
  get(tenantId: string): Promise<TenantRecord | undefined>;
  /** The tenant a name is reserved for, by its case-insensitive key; undefined when it is free. */
  tenantIdOfName(nameKey: string): Promise<string | undefined>;
  list(limit: number, nextToken?: string): Promise<{ items: TenantRecord[]; nextToken?: string }>;
  /**
   * Sets the status to `to` if it is `from` or `to` already, resolving to the status it had
   * (`from`: it changed, `to`: it was already); undefined when it was neither (nothing written).
   */
  setStatus(tenantId: string, from: TenantStatus, to: TenantStatus, at: string): Promise<TenantStatus | undefined>;
}

export interface TenantDeps {
  readonly registry: TenantRegistry;
  /** The members of the tenant's group in the pool `userPoolId`. */
  readonly usersOf: (userPoolId: string) => Pick<UserDirectory, 'list' | 'setEnabled'>;
  readonly now: () => Date;
  /** Puts the lifecycle events of a status change. */
  readonly publish: LifecycleEventPublisher;
}

/** Where the tenant config sends a client: facts of the deployment, not of the tenant row. */
export interface ConfigSettings {
  /** The pooled stack's API, read from the deployment so it stays right when its URL changes. */
  readonly pooledApiUrl: string;
  readonly region: string;
  /** Set only on the local cloud, where Cognito is not the AWS one. */
  readonly cognitoEndpoint?: string;
}

/** The tenant config, whose pool and API are still missing while the tenant is onboarding. */
export type TenantConfigView = Omit<TenantConfig, 'userPoolId' | 'appClientId' | 'apiUrl'> &
  Partial<Pick<TenantConfig, 'userPoolId' | 'appClientId' | 'apiUrl'>>;

/** `GET /tenant-config/{tenantName}`: what a client needs to sign a tenant's users in (name in any case). */
export async function tenantConfig(
  registry: Pick<TenantRegistry, 'get' | 'tenantIdOfName'>,
  tenantName: string,
  settings: ConfigSettings,
): Promise<TenantConfigView> {
  const tenantId = await registry.tenantIdOfName(tenantNameKey(tenantName));
  const tenant = tenantId ? await registry.get(tenantId) : undefined;
  if (!tenant) throw new NotFoundError('Tenant');
  return {
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    tier: tenant.tier,
    deploymentModel: tenant.deploymentModel,
    status: tenant.status,
    userPoolId: tenant.userPoolId,
    appClientId: tenant.appClientId,
    apiUrl: tenant.deploymentModel === 'pool' ? settings.pooledApiUrl : tenant.apiUrl,
    region: settings.region,
    ...(settings.cognitoEndpoint ? { cognitoEndpoint: settings.cognitoEndpoint } : {}),
  };
}

/** One page of tenants as operators see them. */
export async function listTenants(
  registry: Pick<TenantRegistry, 'list'>,
  limit: number,
  nextToken?: string,
): Promise<{ items: Tenant[]; nextToken?: string }> {
  const page = await registry.list(limit, nextToken);
  return { items: page.items.map(tenantView), nextToken: page.nextToken };
}

/** One tenant as operators see it (never its API key value). */
export async function getTenant(registry: Pick<TenantRegistry, 'get'>, tenantId: string): Promise<Tenant> {
  return tenantView(await existingTenant(registry, tenantId));
}

/**
 * Deactivates an ACTIVE tenant, disables its users and puts deactivateSuccess; an INACTIVE one is
 * deactivated again (its users too), without an event. `requestId` (the API request's) keys the event.
 */
export function deactivateTenant(deps: TenantDeps, tenantId: string, requestId: string): Promise<Tenant> {
  return changeStatus(deps, tenantId, 'ACTIVE', 'INACTIVE', requestId);
}

/** Activates an INACTIVE tenant, enables its users and puts activateSuccess; an ACTIVE one is activated again, without an event. */
export function activateTenant(deps: TenantDeps, tenantId: string, requestId: string): Promise<Tenant> {
  return changeStatus(deps, tenantId, 'INACTIVE', 'ACTIVE', requestId);
}

async function existingTenant(registry: Pick<TenantRegistry, 'get'>, tenantId: string): Promise<TenantRecord> {
  const tenant = await registry.get(tenantId);
  if (!tenant) throw new NotFoundError('Tenant');
  return tenant;
}

async function changeStatus(
  deps: TenantDeps,
  tenantId: string,
  from: TenantStatus,
  to: TenantStatus,
  requestId: string,
) {
  const tenant = await existingTenant(deps.registry, tenantId);
  const now = deps.now();
  const previous = await deps.registry.setStatus(tenantId, from, to, now.toISOString());
  if (!previous) throw new ConflictError(`Tenant is not ${from === 'ACTIVE' ? 'active' : 'inactive'}`);
  // After the status: the authorizer refuses an INACTIVE tenant even while users are being disabled.
  await setUsersEnabled(deps, tenant, to === 'ACTIVE');
  if (previous === from) {
    const detailType = to === 'ACTIVE' ? 'activateSuccess' : 'deactivateSuccess';
    await deps.publish({
      detailType,
      detail: { ...lifecycleEventBasics(detailType, requestId, tenant, now), requestId, status: to },
    });
  }
  return getTenant(deps.registry, tenantId);
}

/**
 * Enables or disables every member of the tenant's group (a tenant without a pool has none); a
 * reactivation leaves the users its admin had disabled disabled.
 */
async function setUsersEnabled(deps: TenantDeps, tenant: TenantRecord, enabled: boolean): Promise<void> {
  if (!tenant.userPoolId) return;
  const users = deps.usersOf(tenant.userPoolId);
  let nextToken: string | undefined;
  do {
    const page = await users.list(tenant.tenantId, undefined, nextToken);
    for (const user of page.items) {
      if (enabled && tenant.disabledUsers?.has(user.username.toLowerCase())) continue;
      await users.setEnabled(tenant.tenantId, user.username, enabled);
    }
    nextToken = page.nextToken;
  } while (nextToken);
}
