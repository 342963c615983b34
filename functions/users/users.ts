/**
 * A tenant admin's management of the tenant's users. Every operation is confined to the
 * caller's tenant: a user of another tenant is "not found", never "forbidden".
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../../contracts/errors';
import type { TenantRole } from '../../contracts/rules';
import type { NewUser, TenantUser } from '../../contracts/schemas/control-plane';
import type { TenantRecord } from '../../contracts/tenant-record';

export type { NewUser, TenantRole, TenantUser };

/** The caller's tenant as its users need it: the registry row, which names the tenant's pool. */
export type UsersTenant = TenantRecord & { readonly userPoolId: string };

/**
 * The tenant whose users the caller manages: the one the authorizer established. A caller
 * without one (an operator) is refused; a tenant without a pool yet has no users to manage.
 */
export async function callerTenant(
  readTenant: (tenantId: string) => Promise<TenantRecord | undefined>,
  tenantId: string | undefined,
): Promise<UsersTenant> {
  if (!tenantId) throw new ForbiddenError('Only tenant admins manage users');
  const tenant = await readTenant(tenantId);
  if (!tenant?.userPoolId) throw new NotFoundError('Tenant');
  return tenant as UsersTenant;
}

/** The user directory of one tenant (Cognito: the tenant's group in the tenant's pool, pooled or silo). */
export interface UserDirectory {
  /** A page of at most `limit` users (the directory may cap it); without a limit, as many as a page holds. */
  list(tenantId: string, limit?: number, nextToken?: string): Promise<{ items: TenantUser[]; nextToken?: string }>;
  /** Resolves undefined when the user does not exist or belongs to another tenant. */
  get(tenantId: string, username: string): Promise<TenantUser | undefined>;
  /** Resolves false when the username is taken (in this pool, by anyone). */
  create(tenantId: string, user: NewUser, temporaryPassword: string): Promise<boolean>;
  setEnabled(tenantId: string, username: string, enabled: boolean): Promise<void>;
}

/** The mail a new user gets: the only place the temporary password is sent. */
export interface Invitation {
  readonly email: string;
  readonly tenantName: string;
  readonly username: string;
  readonly temporaryPassword: string;
}

export interface UserDeps {
  readonly directory: UserDirectory;
  readonly temporaryPassword: () => string;
  readonly sendInvitation: (invitation: Invitation) => Promise<void>;
  /** Records on the tenant that its admin disabled (or enabled again) the user, for the authorizer. */
  readonly markDisabled: (tenantId: string, username: string, disabled: boolean) => Promise<void>;
}

/** Creates the user in the tenant's group and mails the invitation; a taken username is a 409 on `username`. */
export async function createUser(
  deps: UserDeps,
  tenant: Pick<TenantRecord, 'tenantId' | 'tenantName'>,
  user: NewUser,
): Promise<TenantUser> {
  const { tenantId, tenantName } = tenant;
  const password = deps.temporaryPassword();
  if (!(await deps.directory.create(tenantId, user, password))) {
    throw new ConflictError(`Username '${user.username}' is already taken`, 'username');
  }
  await deps.sendInvitation({ email: user.email, tenantName, username: user.username, temporaryPassword: password });
  return (
    (await deps.directory.get(tenantId, user.username)) ?? {
      username: user.username,
      email: user.email,
      role: user.role,
      enabled: true,
    }
  );
}

/** A user of the tenant; another tenant's user is a 404 like an unknown one. */
export async function getUser(deps: UserDeps, tenantId: string, username: string): Promise<TenantUser> {
  const user = await deps.directory.get(tenantId, username);
  if (!user) throw new NotFoundError('User');
  return user;
}

/**
 * Enables or disables a user of the tenant (`caller`: the caller's username). Disabling oneself
 * is refused: it would lock the caller out.
 */
export async function setUserEnabled(
  deps: UserDeps,
  tenantId: string,
  username: string,
  enabled: boolean,
  caller: string,
): Promise<TenantUser> {
  if (!enabled && username.toLowerCase() === caller.toLowerCase()) {
    throw new ConflictError('You cannot disable your own user');
  }
  await getUser(deps, tenantId, username);
  // Recorded first when disabling: the authorizer refuses the user even if Cognito's call fails after.
  if (!enabled) await deps.markDisabled(tenantId, username.toLowerCase(), true);
  await deps.directory.setEnabled(tenantId, username, enabled);
  if (enabled) await deps.markDisabled(tenantId, username.toLowerCase(), false);
  return getUser(deps, tenantId, username);
}
