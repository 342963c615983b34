/**
 * What the local IAM knows: the roles and policies of the deployed templates (recorded by the
 * deployer, Refs resolved), the access key of each execution role, and the STS sessions the
 * local STS issued. Resolves an access key to the identity whose policies a request is checked
 * against.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT } from '../deployer/constants';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from './access-keys';
import type { PolicyDocument } from './policy-simulator';

export interface RoleRecord {
  readonly roleName: string;
  readonly arn: string;
  readonly trustPolicy?: PolicyDocument;
  readonly inlinePolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  /** Managed policy ARNs (AWS managed ones are not modelled locally and grant nothing here). */
  readonly managedPolicyArns: readonly string[];
  /** Seconds. @default 3600 */
  readonly maxSessionDuration: number;
}

export interface SessionRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly roleName: string;
  readonly sessionName: string;
  readonly sessionPolicy?: PolicyDocument;
  readonly expiration: Date;
}

/** Who signed a request, and the policies it is evaluated against. */
export interface Identity {
  readonly kind: 'role' | 'session';
  readonly principalArn: string;
  readonly role: RoleRecord;
  readonly secretAccessKey: string;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  readonly sessionPolicy?: PolicyDocument;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type IdentityLookup =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      readonly code: 'UnrecognizedClientException' | 'ExpiredTokenException';
      readonly message: string;
    };

/** Bound on live sessions (expired ones are pruned first). */
const MAX_SESSIONS = 10_000;

export class IamRegistry {
  private readonly roles = new Map<string, RoleRecord>();
  private readonly roleByKey = new Map<string, string>();
  /** Standalone policies (AWS::IAM::Policy, customer managed) by id → document and role names. */
  private readonly policies = new Map<
    string,
    { name: string; policy: PolicyDocument; roles: readonly string[]; arn?: string }
  >();
  private readonly sessions = new Map<string, SessionRecord>();
  /** Bumped on every change of roles or policies: decisions cached under an older version are stale. */
  version = 0;

  constructor(private readonly now: () => number = Date.now) {}

  putRole(role: RoleRecord): void {
    this.roles.set(role.roleName, role);
    this.roleByKey.set(localAccessKeyOf(role.arn), role.roleName);
    this.version += 1;
  }

  /** An AWS::IAM::Policy (or customer managed policy) attached to roles by name. */
  putPolicy(
    id: string,
    policy: { name: string; policy: PolicyDocument; roles: readonly string[]; arn?: string },
  ): void {
    this.policies.set(id, policy);
    this.version += 1;
  }

  role(roleNameOrArn: string): RoleRecord | undefined {
    return this.roles.get(roleNameOrArn.replace(/^arn:aws:iam::\d+:role\/(?:.*\/)?/, ''));
  }

  /** Every identity policy of a role: inline, attached AWS::IAM::Policy, customer managed. */
  identityPoliciesOf(role: RoleRecord): { name: string; policy: PolicyDocument }[] {
    const attached = [...this.policies.values()].filter(
      (p) => p.roles.includes(role.roleName) || (p.arn !== undefined && role.managedPolicyArns.includes(p.arn)),
    );
    return [...role.inlinePolicies, ...attached.map((p) => ({ name: p.name, policy: p.policy }))];
  }

  createSession(input: {
    role: RoleRecord;
    sessionName: string;
    sessionPolicy?: PolicyDocument;
    durationSeconds: number;
  }): SessionRecord {
    if (this.sessions.size >= MAX_SESSIONS) this.pruneSessions();
    const session: SessionRecord = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `LOCALSESSION${randomBytes(48).toString('base64url')}`,
      roleName: input.role.roleName,
      sessionName: input.sessionName,
      sessionPolicy: input.sessionPolicy,
      expiration: new Date(this.now() + input.durationSeconds * 1000),
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  private pruneSessions(): void {
    for (const [key, session] of this.sessions)
      if (session.expiration.getTime() <= this.now()) this.sessions.delete(key);
    // Still full: drop the oldest (Map order is creation order).
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
  }

  /** The identity behind an access key (and, for STS sessions, its session token). */
  identityOf(accessKeyId: string, sessionToken: string | undefined): IdentityLookup {
    const unrecognized = {
      ok: false,
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    } as const;
    const roleName = this.roleByKey.get(accessKeyId);
    if (roleName) {
      const role = this.roles.get(roleName) as RoleRecord;
      return {
        ok: true,
        identity: {
          kind: 'role',
          principalArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.roleName}/local-function`,
          role,
          secretAccessKey: LOCAL_ROLE_SECRET,
          identityPolicies: this.identityPoliciesOf(role),
        },
      };
    }
    const session = this.sessions.get(accessKeyId);
    if (!session || session.sessionToken !== sessionToken) return unrecognized;
    if (session.expiration.getTime() <= this.now()) {
      return {
        ok: false,
        code: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
      };
    }
    const role = this.roles.get(session.roleName);
    if (!role) return unrecognized;
    return {
      ok: true,
      identity: {
        kind: 'session',
        principalArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.roleName}/${session.sessionName}`,
        role,
        secretAccessKey: session.secretAccessKey,
        identityPolicies: this.identityPoliciesOf(role),
        sessionPolicy: session.sessionPolicy,
        sessionToken: session.sessionToken,
        expiration: session.expiration,
      },
    };
  }
}
