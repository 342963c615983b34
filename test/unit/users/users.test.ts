import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../contracts/errors';
import { parseNewUser } from '../../../contracts/requests';
import { temporaryPassword } from '../../../functions/shared/passwords';
import {
  createUser,
  getUser,
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
): UserDeps & { invitations: string[]; directory: ReturnType<typeof fakeDirectory> } {
  const invitations: string[] = [];
  return {
    directory,
    invitations,
    temporaryPassword: () => 'Temp-Passw0rd!x',
    sendInvitation: async (user) => void invitations.push(user.username),
  };
}

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

describe('users of a tenant', () => {
  it('creates a user and sends one invitation', async () => {
    const d = deps();

    const user = await createUser(d, 't1', { username: 'bob', email: 'b@x.io', role: 'TenantUser' });

    expect(user).toMatchObject({ username: 'bob', enabled: true });
    expect(d.invitations).toEqual(['bob']);
  });

  it('reports a taken username as a conflict on username, without an invitation', async () => {
    const d = deps();
    await createUser(d, 't2', { username: 'bob', email: 'b@x.io', role: 'TenantUser' });

    await expect(createUser(d, 't1', { username: 'bob', email: 'c@x.io', role: 'TenantUser' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(d.invitations).toEqual(['bob']);
  });

  it('treats another tenant’s user as not found, for reads and changes', async () => {
    const d = deps();
    await createUser(d, 't2', { username: 'eve', email: 'e@x.io', role: 'TenantAdmin' });

    await expect(getUser(d, 't1', 'eve')).rejects.toBeInstanceOf(NotFoundError);
    await expect(setUserEnabled(d, 't1', 'eve', false)).rejects.toBeInstanceOf(NotFoundError);
    expect(d.directory.users.get('eve')?.enabled).toBe(true);
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
