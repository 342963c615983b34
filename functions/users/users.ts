/**
 * A tenant admin's management of the tenant's users. Every operation is confined to the
 * caller's tenant: a user of another tenant is "not found", never "forbidden".
 */
import { ConflictError, NotFoundError } from '../../contracts/errors';
import type { TenantRole } from '../../contracts/rules';
import type { NewUser, TenantUser } from '../../contracts/schemas/control-plane';

export type { NewUser, TenantRole, TenantUser };

/** The user directory of one tenant (Cognito: the tenant's group in the tenant's pool, pooled or silo). */
export interface UserDirectory {
  list(tenantId: string, limit: number, nextToken?: string): Promise<{ items: TenantUser[]; nextToken?: string }>;
  /** Resolves undefined when the user does not exist or belongs to another tenant. */
  get(tenantId: string, username: string): Promise<TenantUser | undefined>;
  /** Resolves false when the username is taken (in this pool, by anyone). */
  create(tenantId: string, user: NewUser, temporaryPassword: string): Promise<boolean>;
  setEnabled(tenantId: string, username: string, enabled: boolean): Promise<void>;
}

export interface UserDeps {
  readonly directory: UserDirectory;
  readonly temporaryPassword: () => string;
  readonly sendInvitation: (user: NewUser, temporaryPassword: string) => Promise<void>;
}

export async function createUser(deps: UserDeps, tenantId: string, user: NewUser): Promise<TenantUser> {
  const password = deps.temporaryPassword();
  if (!(await deps.directory.create(tenantId, user, password))) {
    throw new ConflictError(`Username '${user.username}' is already taken`, 'username');
  }
  await deps.sendInvitation(user, password);
  return (
    (await deps.directory.get(tenantId, user.username)) ?? {
      username: user.username,
      email: user.email,
      role: user.role,
      enabled: true,
    }
  );
}

export async function getUser(deps: UserDeps, tenantId: string, username: string): Promise<TenantUser> {
  const user = await deps.directory.get(tenantId, username);
  if (!user) throw new NotFoundError('User');
  return user;
}

export async function setUserEnabled(
  deps: UserDeps,
  tenantId: string,
  username: string,
  enabled: boolean,
): Promise<TenantUser> {
  await getUser(deps, tenantId, username);
  await deps.directory.setEnabled(tenantId, username, enabled);
  return getUser(deps, tenantId, username);
}
