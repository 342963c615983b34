import { Aws, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type DeploymentModel, TIERS } from '../../contracts/tiers';
import { AppFunction } from '../constructs/app-function';
import { registryTable } from '../constructs/registry-table';
import { RoutedRestApi } from '../constructs/routed-rest-api';
import { TenantDataAccessRole } from '../constructs/tenant-data-access-role';
import { FOUNDATION_EXPORTS, type FoundationStack } from './foundation-stack';

export interface TenantStackProps extends StackProps {
  /**
   * The foundation stack, for the pooled stack (same app stage). A silo template has none: it
   * imports the foundation's exports by name, since it is deployed once per tenant.
   */
  readonly foundation?: FoundationStack;
  /** pool: the pooled stack shared by pool tenants; silo: the template of one tenant's own stack. */
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

/** Parameters of the silo template, set per tenant by the release fan-out. */
export const SILO_PARAMETERS = ['TenantId', 'UserPoolId', 'AppClientId', 'ReleaseVersion'] as const;

/**
 * The tenant application stack, one construct for both models: REST API with the Lambda
 * authorizer (API keys from the authorizer), the usage plan of each tier deployed this way,
 * product and order functions, and their tables keyed by tenant.
 * - pool: serves every pool tenant; the pooled user pool; functions reach the tables only with
 *   the tenant credentials the authorizer obtains.
 * - silo: a template with parameters TenantId, UserPoolId, AppClientId, deployed once per
 *   PLATINUM tenant; its authorizer accepts only that tenant's pool, and its functions' own
 *   roles reach only its own tables. Releasing the app changes this one template.
 */
export class TenantStack extends Stack {
  readonly api: apigateway.RestApi;
  /** Usage plan id per tier served by this stack. */
  readonly usagePlanIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id, props);
    const silo = props.deploymentModel === 'silo';
    const registry = silo ? importedRegistry(this) : pooledRegistry(props.foundation);
    const layers = [registry.layer];
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
    if (registry.releaseVersion) {
      for (const fn of [productsFn, ordersFn]) fn.addEnvironment('RELEASE_VERSION', registry.releaseVersion);
    }
    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(60);
    if (cacheTtl.toSeconds() > MAX_AUTHORIZER_CACHE_TTL.toSeconds()) {
      throw new Error(
        `authorizerCacheTtl must be at most ${MAX_AUTHORIZER_CACHE_TTL.toMinutes()} minutes, got ${cacheTtl.toSeconds()} s`,
      );
    }

    const authorizerFn = new AppFunction(this, 'AuthorizerFunction', {
      entry: 'authorizer/handler.ts',
      description: 'Tenant API authorizer: verifies ID tokens, applies route rules, returns the tenant API key',
      environment: {
        API_NAME: 'tenant',
        TENANT_DETAILS_TABLE: registry.tenantDetails.tableName,
        TRUSTED_USER_POOLS: Stack.of(this).toJsonString([registry.trustedPool]),
        ...(registry.siloTenantId ? { SILO_TENANT_ID: registry.siloTenantId } : {}),
      },
    });
    registry.tenantDetails.grant(authorizerFn, 'dynamodb:GetItem');
    authorizerFn.addEnvironment('AUTHORIZER_RESULT_TTL_SECONDS', String(cacheTtl.toSeconds()));

    if (!silo) {
      // Pooled functions reach the tables only through the tenant credentials the authorizer
      // obtains; their own roles have no table access at all.
      const dataAccess = new TenantDataAccessRole(this, 'TenantDataAccess', {
        assumedBy: authorizerFn.executionRole,
        tables: [products, orders],
      });
      authorizerFn.addEnvironment('TENANT_DATA_ROLE_ARN', dataAccess.role.roleArn);
      authorizerFn.addEnvironment(
        'TENANT_TABLE_ARNS',
        Stack.of(this).toJsonString([products.tableArn, orders.tableArn]),
      );
    } else {
      // A silo stack serves one tenant: its functions use their own roles, limited to its tables.
      grantItemAccess(products, productsFn);
      grantItemAccess(orders, ordersFn);
      products.grantReadData(ordersFn);
    }

    this.api = new RoutedRestApi(this, 'TenantApi', {
      api: 'tenant',
      restApiName: `${Aws.STACK_NAME}-api`,
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
        name: `${Aws.STACK_NAME}-${tier.name}`,
        description: `${tier.name} tier: ${tier.usagePlan.rateLimit} req/s, burst ${tier.usagePlan.burstLimit}, ${tier.usagePlan.quotaPerDay}/day per tenant`,
        throttle: { rateLimit: tier.usagePlan.rateLimit, burstLimit: tier.usagePlan.burstLimit },
        quota: { limit: tier.usagePlan.quotaPerDay, period: apigateway.Period.DAY },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      usagePlanIds[tier.name] = plan.usagePlanId;
    }
    this.usagePlanIds = usagePlanIds;
    new CfnOutput(this, 'TenantApiUrl', { value: this.api.url });
    if (silo) new CfnOutput(this, 'UsagePlanId', { value: usagePlanIds.PLATINUM as string });
  }
}

/** What a tenant stack needs from the tenant registry, however it gets it. */
interface RegistryRefs {
  readonly tenantDetails: dynamodb.ITable;
  readonly layer: lambda.ILayerVersion;
  /** The user pool (and app client) whose ID tokens this API accepts. */
  readonly trustedPool: { readonly userPoolId: string; readonly clientId: string };
  readonly siloTenantId?: string;
  /** Silo stacks: the release version parameter. */
  readonly releaseVersion?: string;
}

function pooledRegistry(foundation: FoundationStack | undefined): RegistryRefs {
  if (!foundation) throw new Error('The pooled tenant stack needs the foundation stack');
  return {
    tenantDetails: foundation.tenantDetails,
    layer: foundation.tenantContextLayer.layer,
    trustedPool: {
      userPoolId: foundation.pooledIdentity.userPool.userPoolId,
      clientId: foundation.pooledIdentity.appClient.userPoolClientId,
    },
  };
}

/** The silo template's parameters and the foundation's exports. */
function importedRegistry(stack: Stack): RegistryRefs {
  const parameter = (name: (typeof SILO_PARAMETERS)[number], description: string) =>
    new CfnParameter(stack, name, { type: 'String', description, minLength: 1 }).valueAsString;
  const tenantId = parameter('TenantId', 'The tenant this stack serves');
  const userPoolId = parameter('UserPoolId', "The tenant's own Cognito user pool");
  const clientId = parameter('AppClientId', "The app client of the tenant's user pool");
  // The release that deployed the stack, visible to its functions; a new release updates them.
  const releaseVersion = new CfnParameter(stack, 'ReleaseVersion', {
    type: 'String',
    default: 'initial',
    description: 'The release this stack runs',
  }).valueAsString;
  return {
    // The name is derived from the imported ARN.
    tenantDetails: dynamodb.Table.fromTableArn(
      stack,
      'TenantDetails',
      Fn.importValue(FOUNDATION_EXPORTS.tenantDetailsTableArn),
    ),
    layer: lambda.LayerVersion.fromLayerVersionArn(
      stack,
      'TenantContextLayer',
      Fn.importValue(FOUNDATION_EXPORTS.tenantContextLayerArn),
    ),
    trustedPool: { userPoolId, clientId },
    siloTenantId: tenantId,
    releaseVersion,
  };
}

/** Item-level read/write on a table — no table management, no scans of other tables. */
function grantItemAccess(table: dynamodb.Table, fn: AppFunction): void {
  table.grant(
    fn,
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
  );
}
