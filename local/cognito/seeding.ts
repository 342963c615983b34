/**
 * Idempotent creation of pools, app clients, groups and users, as the deployer and the operator
 * seed need it: pools and clients are found again by a stable logical key (persisted in a key
 * map), so templates deployed again after a restart get the same ids.
 */
import type { CognitoService as CognitoLocalService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { CallTarget } from './cognito-local';
import { readJson, writeJsonAtomic } from './json-file-store';

/** Password policy of a pool (stored and reported; cognito-local does not enforce it). */
export interface PasswordPolicy {
  readonly MinimumLength?: number;
  readonly RequireUppercase?: boolean;
  readonly RequireLowercase?: boolean;
  readonly RequireNumbers?: boolean;
  readonly RequireSymbols?: boolean;
  readonly TemporaryPasswordValidityDays?: number;
}

/** Properties of a user pool created by {@link CognitoSeeding.ensureUserPool}. */
export interface UserPoolProps {
  readonly poolName: string;
  /** e.g. `['email']` for email as username. @default [] (a plain username, as in AWS) */
  readonly usernameAttributes?: string[];
  /** Custom string attributes, named without `custom:` (e.g. `tenantId`). */
  readonly customAttributes?: string[];
  /** @default the AWS default policy */
  readonly passwordPolicy?: PasswordPolicy;
}

/** Properties of an app client created by {@link CognitoSeeding.ensureUserPoolClient}. */
export interface UserPoolClientProps {
  readonly clientName: string;
  readonly explicitAuthFlows?: string[];
  readonly readAttributes?: string[];
  readonly writeAttributes?: string[];
}

/** A user seeded by {@link CognitoSeeding.ensureUser}. */
export interface SeedUser {
  readonly username: string;
  /** Set as the permanent password (status CONFIRMED). */
  readonly password: string;
  /** User attributes by full name, e.g. `{ email, 'custom:tenantId': 'ops' }`. */
  readonly attributes: Record<string, string>;
  /** Groups to add the user to; missing groups are created. */
  readonly groups?: string[];
}

/** Idempotent creation of what the templates and the seed declare. */
export interface CognitoSeeding {
  /**
   * Idempotent by `key` (a stable logical name such as 'ControlPlane/OperatorUserPool'): returns the
   * same pool id (`us-east-1_XXXXXXXXX`) on every call and across restarts. On an existing pool it
   * adds custom attributes that are missing (like AWS, attributes are never removed).
   */
  ensureUserPool(key: string, props: UserPoolProps): Promise<string>;
  /** Idempotent by `key`; returns the client id (stable across restarts) and applies `props` to an existing client. */
  ensureUserPoolClient(key: string, userPoolId: string, props: UserPoolClientProps): Promise<string>;
  /** Creates the group if it does not exist (an existing group and its members are left alone). */
  ensureGroup(userPoolId: string, groupName: string): Promise<void>;
  /**
   * Creates the user if missing, with a permanent password and the attributes (an existing user is
   * left unchanged), and adds it to the groups. Used to seed the operator.
   */
  ensureUser(userPoolId: string, user: SeedUser): Promise<void>;
}

/** Logical keys → ids, so that templates deployed again on restart find their pools and clients. */
interface KeyMap {
  userPools: Record<string, string>;
  userPoolClients: Record<string, string>;
}

const customAttribute = (name: string) => ({ Name: name, AttributeDataType: 'String', Mutable: true });

/** Runs async tasks one at a time, in call order, whether earlier ones succeed or fail. */
function serializer() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The ensure* operations over cognito-local; the key map persists in `keyMapFile`. */
export function createCognitoSeeding(deps: {
  readonly cognito: CognitoLocalService;
  readonly ctx: Context;
  readonly call: CallTarget;
  readonly keyMapFile: string;
}): CognitoSeeding {
  const { cognito, ctx, call, keyMapFile } = deps;
  const keys: KeyMap = { userPools: {}, userPoolClients: {}, ...(readJson(keyMapFile) as Partial<KeyMap> | undefined) };
  const remember = (map: Record<string, string>, key: string, id: string) => {
    map[key] = id;
    writeJsonAtomic(keyMapFile, keys);
  };
  // ensure* are read-then-create: two concurrent calls for one key must not create two pools.
  const serial = serializer();
  const poolExists = async (id: string) => (await cognito.listUserPools(ctx)).some((p) => p.Id === id);
  const ensureGroup = async (userPoolId: string, groupName: string) => {
    const pool = await cognito.getUserPool(ctx, userPoolId);
    // cognito-local's CreateGroup overwrites an existing group and drops its members.
    if (await pool.getGroupByGroupName(ctx, groupName)) return;
    await call('CreateGroup', { UserPoolId: userPoolId, GroupName: groupName });
  };

  return {
    ensureUserPool: (key, props) =>
      serial(async () => {
        const known = keys.userPools[key];
        const custom = props.customAttributes ?? [];
        if (known && (await poolExists(known))) {
          const pool = await cognito.getUserPool(ctx, known);
          const have = new Set(pool.options.SchemaAttributes?.map((a) => a.Name));
          const missing = custom.filter((name) => !have.has(`custom:${name}`));
          if (missing.length > 0) {
            await call('AddCustomAttributes', { UserPoolId: known, CustomAttributes: missing.map(customAttribute) });
          }
          return known;
        }
        const { UserPool } = await call<{ UserPool: { Id: string } }>('CreateUserPool', {
          PoolName: props.poolName,
          UsernameAttributes: props.usernameAttributes,
          Schema: custom.map(customAttribute),
          Policies: props.passwordPolicy ? { PasswordPolicy: props.passwordPolicy } : undefined,
        });
        remember(keys.userPools, key, UserPool.Id);
        return UserPool.Id;
      }),

    ensureUserPoolClient: (key, userPoolId, props) =>
      serial(async () => {
        const request = {
          UserPoolId: userPoolId,
          ClientName: props.clientName,
          ExplicitAuthFlows: props.explicitAuthFlows,
          ReadAttributes: props.readAttributes,
          WriteAttributes: props.writeAttributes,
        };
        const known = keys.userPoolClients[key];
        const existing = known ? await cognito.getAppClient(ctx, known) : null;
        if (known && existing?.UserPoolId === userPoolId) {
          await call('UpdateUserPoolClient', { ...request, ClientId: known });
          return known;
        }
        const { UserPoolClient } = await call<{ UserPoolClient: { ClientId: string } }>(
          'CreateUserPoolClient',
          request,
        );
        remember(keys.userPoolClients, key, UserPoolClient.ClientId);
        return UserPoolClient.ClientId;
      }),

    ensureGroup: (userPoolId, groupName) => serial(() => ensureGroup(userPoolId, groupName)),

    ensureUser: (userPoolId, user) =>
      serial(async () => {
        const pool = await cognito.getUserPool(ctx, userPoolId);
        if (!(await pool.getUserByUsername(ctx, user.username))) {
          await call('AdminCreateUser', {
            UserPoolId: userPoolId,
            Username: user.username,
            TemporaryPassword: user.password,
            MessageAction: 'SUPPRESS',
            UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
          });
          await call('AdminSetUserPassword', {
            UserPoolId: userPoolId,
            Username: user.username,
            Password: user.password,
            Permanent: true,
          });
        }
        for (const group of user.groups ?? []) {
          await ensureGroup(userPoolId, group);
          await call('AdminAddUserToGroup', { UserPoolId: userPoolId, Username: user.username, GroupName: group });
        }
      }),
  };
}
