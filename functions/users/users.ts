/**
 * A tenant admin's management of the tenant's users. Every operation is confined to the
 * caller's tenant: a user of another tenant is "not found", never "forbidden".
 */
import { ConflictError, NotFoundError } from '../../contracts/errors';
import { EMAIL_PATTERN, FieldChecker } from '../shared/validation';

export const TENANT_ROLES = ['TenantAdmin', 'TenantUser'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export interface TenantUser {
  readonly username: string;
  readonly email?: string;
  readonly role?: string;
  readonly enabled: boolean;
  readonly status?: string;
  readonly createdAt?: string;
}

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly role: TenantRole;
}

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

/** Cognito usernames; '@' is not allowed so a username is never mistaken for an email. */
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,62}$/i;

export function parseNewUser(body: Readonly<Record<string, unknown>>): NewUser {
  const check = new FieldChecker(body);
  check.onlyKnown(['username', 'email', 'role']);
  const username = check.string('username', {
    required: true,
    min: 3,
    max: 63,
    pattern: USERNAME_PATTERN,
    patternHint: "must be 3 to 63 characters of letters, digits, '.', '_' and '-'",
  });
  const email = check.string('email', {
    required: true,
    max: 254,
    pattern: EMAIL_PATTERN,
    patternHint: 'must be an email address',
  });
  let role: TenantRole | undefined;
  if (body.role === undefined) check.fail('role', 'is required');
  else if (!(TENANT_ROLES as readonly unknown[]).includes(body.role))
    check.fail('role', `must be one of ${TENANT_ROLES.join(', ')}`);
  else role = body.role as TenantRole;
  check.done();
  return {
    username: (username as string).toLowerCase(),
    email: (email as string).toLowerCase(),
    role: role as TenantRole,
  };
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
