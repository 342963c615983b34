/**
 * The session policy the authorizer passes to STS AssumeRole for a pool tenant: the tenant data
 * role's permissions, narrowed to items whose partition key (`dynamodb:LeadingKeys`) is the
 * caller's tenant. Pure, so it is unit-tested and evaluated locally by the same rules as on AWS.
 *
 * Two conditions, both needed:
 * - `ForAllValues:StringEquals` — every leading key of the request is the tenant's id;
 * - `Null: false` — the request has leading keys at all. `ForAllValues` over an *empty* set is
 *   true, so without this guard a request that carries no partition key (a Scan, if the role
 *   ever allowed one) would pass the first condition for every tenant.
 */

/** Item-level DynamoDB actions a tenant's requests may use; never table management or Scan. */
export const TENANT_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** STS limits a plain-text session policy to 2,048 characters. */
export const MAX_SESSION_POLICY_LENGTH = 2048;

export interface SessionPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

export class InvalidTenantIdError extends Error {
  constructor(tenantId: string) {
    super(`Tenant id ${JSON.stringify(tenantId)} cannot be used in a session policy`);
    this.name = 'InvalidTenantIdError';
  }
}

/** Tenant ids are opaque, but never wildcards or policy variables (they would widen the grant). */
const SAFE_TENANT_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

/** The session policy for `tenantId` over the given table ARNs (each table's indexes included). */
export function tenantSessionPolicy(tenantId: string, tableArns: readonly string[]): SessionPolicy {
  if (!SAFE_TENANT_ID.test(tenantId)) throw new InvalidTenantIdError(tenantId);
  if (tableArns.length === 0) throw new Error('A tenant session policy needs at least one table');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantItemsOnly',
        Effect: 'Allow',
        Action: [...TENANT_ITEM_ACTIONS],
        Resource: tableArns.flatMap((arn) => [arn, `${arn}/index/*`]),
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [tenantId] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      },
    ],
  };
}

/** The policy as STS receives it: compact JSON, checked against STS's size limit. */
export function serializeSessionPolicy(policy: SessionPolicy): string {
  const text = JSON.stringify(policy);
  if (text.length > MAX_SESSION_POLICY_LENGTH) {
    throw new Error(`Session policy is ${text.length} characters; STS accepts at most ${MAX_SESSION_POLICY_LENGTH}`);
  }
  return text;
}

/** A RoleSessionName naming the tenant (2-64 of `[\w+=,.@-]`), so CloudTrail shows whose session it is. */
export function tenantSessionName(tenantId: string): string {
  return `tenant-${tenantId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
