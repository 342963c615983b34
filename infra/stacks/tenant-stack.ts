import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TIERS, type DeploymentModel } from '../../functions/shared/tiers';
import { AppFunction } from '../constructs/app-function';
import { registryTable } from '../constructs/registry-table';
import { RoutedRestApi } from '../constructs/routed-rest-api';
import { TenantDataAccessRole } from '../constructs/tenant-data-access-role';
import type { FoundationStack } from './foundation-stack';

export interface TenantStackProps extends StackProps {
  readonly foundation: FoundationStack;
  /** pool: the pooled stack shared by pool tenants; silo: one tenant's own stack. */
  readonly deploymentModel: DeploymentModel;
  /**
   * Authorizer result cache TTL (API Gateway reuses a token's policy and context, tenant
   * credentials included, for this long). 0 disables the cache. At most 30 minutes, so that
   * one-hour STS sessions always outlive a cached result. @default 60 seconds
   */
  readonly authorizerCacheTtl?: Duration;
}

/** Longest authorizer result TTL a pooled stack accepts (see `authorizerCacheTtl`). */
export const MAX_AUTHORIZER_CACHE_TTL = Duration.minutes(30);

/**
 * The tenant application stack: REST API with the Lambda authorizer (API keys from the
 * authorizer), one usage plan per tier deployed this way, product and order functions, and
 * their tables keyed by tenant.
 */
export class TenantStack extends Stack {
  readonly api: apigateway.RestApi;
  /** Usage plan id per tier served by this stack. */
  readonly usagePlanIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id, props);
    const { foundation } = props;
    const layers = [foundation.tenantContextLayer.layer];
    const products = registryTable(this, 'Products', { partitionKey: 'tenantId', sortKey: 'productId' });
    const orders = registryTable(this, 'Orders', { partitionKey: 'tenantId', sortKey: 'orderId' });

    const productsFn = new AppFunction(this, 'ProductsFunction', {
      entry: 'functions/products/handler.ts',
      description: 'Tenant API: products',
      layers,
      environment: { PRODUCTS_TABLE: products.tableName },
    });
    const ordersFn = new AppFunction(this, 'OrdersFunction', {
      entry: 'functions/orders/handler.ts',
      description: 'Tenant API: orders',
      layers,
      environment: { PRODUCTS_TABLE: products.tableName, ORDERS_TABLE: orders.tableName },
    });
    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(60);
    if (cacheTtl.toSeconds() > MAX_AUTHORIZER_CACHE_TTL.toSeconds()) {
      throw new Error(`authorizerCacheTtl must be at most ${MAX_AUTHORIZER_CACHE_TTL.toMinutes()} minutes, got ${cacheTtl.toSeconds()} s`);
    }

    const pooled = foundation.pooledIdentity;
    const authorizerFn = new AppFunction(this, 'AuthorizerFunction', {
      entry: 'authorizer/handler.ts',
      description: 'Tenant API authorizer: verifies ID tokens, applies route rules, returns the tenant API key',
      environment: {
        API_NAME: 'tenant',
        TENANT_DETAILS_TABLE: foundation.tenantDetails.tableName,
        TRUSTED_USER_POOLS: Stack.of(this).toJsonString([
          { userPoolId: pooled.userPool.userPoolId, clientId: pooled.appClient.userPoolClientId },
        ]),
      },
    });
    foundation.tenantDetails.grant(authorizerFn, 'dynamodb:GetItem');
    authorizerFn.addEnvironment('AUTHORIZER_RESULT_TTL_SECONDS', String(cacheTtl.toSeconds()));

    if (props.deploymentModel === 'pool') {
      // Pooled functions reach the tables only through the tenant credentials the authorizer
      // obtains; their own roles have no table access at all.
      const dataAccess = new TenantDataAccessRole(this, 'TenantDataAccess', {
        assumedBy: authorizerFn.executionRole,
        tables: [products, orders],
      });
      authorizerFn.addEnvironment('TENANT_DATA_ROLE_ARN', dataAccess.role.roleArn);
      authorizerFn.addEnvironment('TENANT_TABLE_ARNS', Stack.of(this).toJsonString([products.tableArn, orders.tableArn]));
    } else {
      // A silo stack serves one tenant: its functions use their own roles, limited to its tables.
      grantItemAccess(products, productsFn);
      grantItemAccess(orders, ordersFn);
      products.grantReadData(ordersFn);
    }

    this.api = new RoutedRestApi(this, 'TenantApi', {
      api: 'tenant',
      restApiName: `${this.stackName}-api`,
      services: { products: productsFn, orders: ordersFn },
      authorizerFunction: authorizerFn,
      authorizerCacheTtl: cacheTtl,
      requireApiKey: true,
      // The first stack deployed sets the account-wide API Gateway logging role.
      manageAccountLogRole: props.deploymentModel === 'pool',
    }).api;

    const usagePlanIds: Record<string, string> = {};
    for (const tier of Object.values(TIERS).filter((t) => t.deploymentModel === props.deploymentModel)) {
      const plan = this.api.addUsagePlan(`${tier.name}UsagePlan`, {
        name: `${this.stackName}-${tier.name}`,
        description: `${tier.name} tier: ${tier.usagePlan.rateLimit} req/s, burst ${tier.usagePlan.burstLimit}, ${tier.usagePlan.quotaPerDay}/day per tenant`,
        throttle: { rateLimit: tier.usagePlan.rateLimit, burstLimit: tier.usagePlan.burstLimit },
        quota: { limit: tier.usagePlan.quotaPerDay, period: apigateway.Period.DAY },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      usagePlanIds[tier.name] = plan.usagePlanId;
    }
    this.usagePlanIds = usagePlanIds;
    new CfnOutput(this, 'TenantApiUrl', { value: this.api.url });
  }
}

/** Item-level read/write on a table — no table management, no scans of other tables. */
function grantItemAccess(table: dynamodb.Table, fn: AppFunction): void {
  table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem');
}
