import { describe, expect, it, vi } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../contracts/errors';
import { parseNewUser } from '../../../contracts/requests';
import type { TenantRecord } from '../../../contracts/tenant-record';
import { temporaryPassword } from '../../../functions/shared/passwords';
import {
  callerTenant,
  createUser,
  getUser,
  type Invitation,
  setUserEnabled,
  type TenantUser,
  type UserDeps,
  type UserDirectory,
} from '../../../functions/users/users';

/** The fields a ValidationError names (sorted), or [] when the input is accepted; any other error is thrown on. */
function fieldsRejected(body: Record<string, unknown>): string[] {
  try {
    parseNewUser(body);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((problem) => problem.field).sort();
    throw error;
  }
  return [];
}

function fakeDirectory(): UserDirectory & { users: Map<string, TenantUser & { tenantId: string }> } {
  const users = new Map<string, TenantUser & { tenantId: string }>();
  return {
    users,
    async list(tenantId) {
      return { items: [...users.values()].filter((u) => u.tenantId === tenantId) };
    },
    async get(tenantId, username) {
      const user = users.get(username);
      return user && user.tenantId === tenantId ? user : undefined;
    },
    async create(tenantId, user) {
      if (users.has(user.username)) return false;
      users.set(user.username, { ...user, tenantId, enabled: true });
      return true;
    },
    async setEnabled(_tenantId, username, enabled) {
      const user = users.get(username);
      if (user) users.set(username, { ...user, enabled });
    },
  };
}

function deps(
  directory = fakeDirectory(),
): UserDeps & { invitations: Invitation[]; disabled: Set<string>; directory: ReturnType<typeof fakeDirectory> } {
  const invitations: Invitation[] = [];
  const disabled = new Set<string>();
  return {
    directory,
    invitations,
    disabled,
    temporaryPassword: () => 'Temp-Passw0rd!x',
    sendInvitation: async (invitation) => void invitations.push(invitation),
    markDisabled: async (tenantId, username, isDisabled) =>
      void (isDisabled ? disabled.add(`${tenantId} ${username}`) : disabled.delete(`${tenantId} ${username}`)),
  };
}

const T1 = { tenantId: 't1', tenantName: 'Acme' };
const T2 = { tenantId: 't2', tenantName: 'Globex' };
const ROW: TenantRecord = {
  tenantId: 't1',
  tenantName: 'Acme',
  tenantNameKey: 'acme',
  tier: 'BASIC',
  deploymentModel: 'pool',
  status: 'ACTIVE',
  email: 'admin@acme.example',
  registrationId: 'r-1',
  userPoolId: 'pool-1',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('parseNewUser', () => {
  it('accepts a valid user and lower-cases username and email', () => {
    expect(parseNewUser({ username: 'Bob.Smith', email: 'Bob@Example.com', role: 'TenantUser' })).toEqual({
      username: 'bob.smith',
      email: 'bob@example.com',
      role: 'TenantUser',
    });
  });

  it('names every invalid field, and refuses SystemAdmin as a tenant role', () => {
    const fields = fieldsRejected({ username: 'a@b', email: 'x', role: 'SystemAdmin', extra: 1 });

    expect(fields).toEqual(['email', 'extra', 'role', 'username']);
  });
});

describe('callerTenant', () => {
  it("finds the caller's tenant with its user pool", async () => {
    await expect(callerTenant(async () => ROW, 't1')).resolves.toEqual(ROW);
  });

  it('refuses a caller without a tenant (an operator) with 403', async () => {
    const read = vi.fn(async () => ROW);

    await expect(callerTenant(read, undefined)).rejects.toStrictEqual(
      new ForbiddenError('Only tenant admins manage users'),
    );
    expect(read).not.toHaveBeenCalled();
  });

  it('answers 404 for a tenant without a row, or without a user pool yet', async () => {
    const { userPoolId: _none, ...withoutPool } = ROW;

    await expect(callerTenant(async () => undefined, 't1')).rejects.toStrictEqual(new NotFoundError('Tenant'));
    await expect(callerTenant(async () => withoutPool, 't1')).rejects.toStrictEqual(new NotFoundError('Tenant'));
  });
});

describe('users of a tenant', () => {
  it('creates a user and sends one invitation with the tenant name and the temporary password', async () => {
    const d = deps();

    const user = await createUser(d, T1, { username: 'bob', email: 'b@x.io', role: 'TenantUser' });

    expect(user).toMatchObject({ username: 'bob', enabled: true });
    expect(d.directory.users.get('bob')).toMatchObject({ tenantId: 't1', role: 'TenantUser' });
    expect(d.invitations).toEqual([
      { email: 'b@x.io', tenantName: 'Acme', username: 'bob', temporaryPassword: 'Temp-Passw0rd!x' },
    ]);
  });

  it('reports a taken username as a conflict on username, without an invitation', async () => {
    const d = deps();
    await createUser(d, T2, { username: 'bob', email: 'b@x.io', role: 'TenantUser' });

    await expect(createUser(d, T1, { username: 'bob', email: 'c@x.io', role: 'TenantUser' })).rejects.toStrictEqual(
      new ConflictError("Username 'bob' is already taken", 'username'),
    );
    expect(d.invitations.map((invitation) => invitation.tenantName)).toEqual(['Globex']);
  });

  it('treats another tenant’s user as not found, for reads and changes', async () => {
    const d = deps();
    await createUser(d, T2, { username: 'eve', email: 'e@x.io', role: 'TenantAdmin' });

    await expect(getUser(d, 't1', 'eve')).rejects.toStrictEqual(new NotFoundError('User'));
    await expect(setUserEnabled(d, 't1', 'eve', false, 'admin')).rejects.toStrictEqual(new NotFoundError('User'));
    expect(d.directory.users.get('eve')?.enabled).toBe(true);
  });

  it('disables and enables a user of the tenant', async () => {
    const d = deps();
    await createUser(d, T1, { username: 'bob', email: 'b@x.io', role: 'TenantUser' });

    await expect(setUserEnabled(d, 't1', 'bob', false, 'admin')).resolves.toMatchObject({ enabled: false });
    // The tenant remembers it for the authorizer (a disabled user's ID token is still valid).
    expect([...d.disabled]).toEqual(['t1 bob']);
    await expect(setUserEnabled(d, 't1', 'bob', true, 'admin')).resolves.toMatchObject({ enabled: true });
    expect([...d.disabled]).toEqual([]);
  });

  it('refuses to let the caller disable their own user, whatever the case, with 409', async () => {
    const d = deps();
    await createUser(d, T1, { username: 'admin', email: 'a@x.io', role: 'TenantAdmin' });

    await expect(setUserEnabled(d, 't1', 'ADMIN', false, 'admin')).rejects.toStrictEqual(
      new ConflictError('You cannot disable your own user'),
    );
    expect(d.directory.users.get('admin')?.enabled).toBe(true);
    await expect(setUserEnabled(d, 't1', 'admin', true, 'admin')).resolves.toMatchObject({ enabled: true });
  });
});

describe('temporaryPassword', () => {
  it('meets the pool policy every time', () => {
    for (let i = 0; i < 200; i++) {
      const password = temporaryPassword();
      expect(password).toHaveLength(16);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
    }
  });
});
