import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TENANT_ITEM_ACTIONS } from '../../authorizer/isolation-policy';

export interface TenantDataAccessRoleProps {
  /** The only principal that may assume the role: the pooled API's authorizer. */
  readonly assumedBy: iam.IRole;
  /** The pooled tables keyed by tenant (and nothing else). */
  readonly tables: readonly dynamodb.ITable[];
  /** @default 1 hour */
  readonly maxSessionDuration?: Duration;
}

/**
 * The role behind tenant-scoped credentials on a pooled stack. By itself it reaches every
 * tenant's items of the pooled tables; the authorizer never uses it bare: it assumes it with a
 * session policy that limits `dynamodb:LeadingKeys` to the caller's tenant
 * (`authorizer/isolation-policy.ts`), and the effective permissions are the intersection.
 * The functions behind the API have no table access of their own.
 */
export class TenantDataAccessRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantDataAccessRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ArnPrincipal(props.assumedBy.roleArn),
      description:
        'Tenant data access on the pooled tables; assumed by the authorizer with a per-tenant session policy',
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    for (const table of props.tables) table.grant(this.role, ...TENANT_ITEM_ACTIONS);
    props.assumedBy.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [this.role.roleArn] }),
    );
  }
}
