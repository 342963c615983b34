import type { Stack } from 'aws-cdk-lib';
import { AppFunction } from '../../infra/constructs/app-function';
import { grantOnTenantUserPools } from '../../infra/constructs/tenant-user-pool-grants';
import type { FoundationStack } from '../../infra/stacks/foundation-stack';

export interface TenantsFunctionProps {
  readonly foundation: FoundationStack;
  /** The pooled tenant API's URL, which tenant-config gives pool tenants. */
  readonly pooledApiUrl: string;
}

/** The control plane's tenant registry and tenant-config. */
export function tenantsFunction(stack: Stack, props: TenantsFunctionProps): AppFunction {
  const { foundation } = props;
  const fn = new AppFunction(stack, 'TenantsFunction', {
    entry: 'functions/tenants/handler.ts',
    description: 'Control plane: tenant registry and tenant-config',
    environment: {
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      TENANT_NAMES_TABLE: foundation.tenantNames.tableName,
      POOLED_API_URL: props.pooledApiUrl,
    },
  });
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem');
  foundation.tenantNames.grant(fn, 'dynamodb:GetItem');
  grantOnTenantUserPools(
    fn,
    'cognito-idp:ListUsersInGroup',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminEnableUser',
  );
  return fn;
}
