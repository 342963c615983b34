/**
 * The Lambda REQUEST authorizers of the two APIs (one handler, configured per API), created in
 * their stack's own scope so their logical ids are the stack's.
 */
import type { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AppFunction } from '../infra/constructs/app-function';
import { TenantDataAccessRole } from '../infra/constructs/tenant-data-access-role';
import type { TenantUserPool } from '../infra/constructs/tenant-user-pool';
import type { FoundationStack } from '../infra/stacks/foundation-stack';

export interface ControlPlaneAuthorizerFunctionProps {
  readonly foundation: FoundationStack;
  /** The operators' user pool (SystemAdmin), trusted next to the pooled pool. */
  readonly operators: TenantUserPool;
}

/** The control-plane API's authorizer: operators and tenant admins of the pooled and silo pools. */
export function controlPlaneAuthorizerFunction(stack: Stack, props: ControlPlaneAuthorizerFunctionProps): AppFunction {
  const { foundation, operators } = props;
  const pooled = foundation.pooledIdentity;
  const fn = new AppFunction(stack, 'AuthorizerFunction', {
    entry: 'authorizer/handler.ts',
    description: 'Control-plane authorizer: operators (SystemAdmin) and tenant admins (pooled and silo pools)',
    environment: {
      API_NAME: 'control-plane',
      TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
      OPERATOR_USER_POOL_ID: operators.userPool.userPoolId,
      TRUSTED_USER_POOLS: stack.toJsonString([
        { userPoolId: operators.userPool.userPoolId, clientId: operators.appClient.userPoolClientId },
        { userPoolId: pooled.userPool.userPoolId, clientId: pooled.appClient.userPoolClientId },
      ]),
      // Silo tenants' pools are created at onboarding: trusted from their TenantDetails row
      // (pool and app client), which the GetItem below already reads. No further permission.
      TRUST_SILO_USER_POOLS: 'true',
    },
  });
  foundation.tenantDetails.grant(fn, 'dynamodb:GetItem');
  return fn;
}

export interface TenantAuthorizerFunctionProps {
  readonly tenantDetails: dynamodb.ITable;
  /** The user pool (and app client) whose ID tokens the tenant API accepts. */
  readonly trustedPool: { readonly userPoolId: string; readonly clientId: string };
  /** A silo stack's one tenant. @default none (a pooled stack serves every pool tenant) */
  readonly siloTenantId?: string;
  /** How long API Gateway caches the authorizer's result (the authorizer caps its credentials by it). */
  readonly cacheTtl: Duration;
  /**
   * A pooled stack's tables keyed by tenant: the authorizer hands out credentials scoped to the
   * caller's tenant on them. @default none (a silo stack's functions use their own roles)
   */
  readonly pooledTables?: readonly dynamodb.ITable[];
}

/** The tenant API's authorizer: verifies ID tokens, applies route rules, returns the tenant API key. */
export function tenantAuthorizerFunction(stack: Stack, props: TenantAuthorizerFunctionProps): AppFunction {
  const fn = new AppFunction(stack, 'AuthorizerFunction', {
    entry: 'authorizer/handler.ts',
    description: 'Tenant API authorizer: verifies ID tokens, applies route rules, returns the tenant API key',
    environment: {
      API_NAME: 'tenant',
      TENANT_DETAILS_TABLE: props.tenantDetails.tableName,
      TRUSTED_USER_POOLS: stack.toJsonString([props.trustedPool]),
      ...(props.siloTenantId ? { SILO_TENANT_ID: props.siloTenantId } : {}),
      AUTHORIZER_RESULT_TTL_SECONDS: String(props.cacheTtl.toSeconds()),
    },
  });
  props.tenantDetails.grant(fn, 'dynamodb:GetItem');
  if (props.pooledTables) {
    // Pooled functions reach the tables only through the tenant credentials the authorizer
    // obtains; their own roles have no table access at all.
    const dataAccess = new TenantDataAccessRole(stack, 'TenantDataAccess', {
      assumedBy: fn.executionRole,
      tables: props.pooledTables,
    });
    fn.addEnvironment('TENANT_DATA_ROLE_ARN', dataAccess.role.roleArn);
    fn.addEnvironment('TENANT_TABLE_ARNS', stack.toJsonString(props.pooledTables.map((table) => table.tableArn)));
  }
  return fn;
}
