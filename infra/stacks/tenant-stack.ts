import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { tenantAuthorizerFunction } from '../../authorizer/infra';
import { type DeploymentModel, TIERS } from '../../contracts/tiers';
import { ordersFunction } from '../../functions/orders/infra';
import { productsFunction } from '../../functions/products/infra';
import { throttledRequestsMetricFilter } from '../constructs/observability/access-log';
import type { TenantApiTelemetry } from '../constructs/observability/tenant-api-telemetry';
import { registryTable } from '../constructs/registry-table';
import { RoutedRestApi } from '../constructs/routed-rest-api';
import { importedRegistry, pooledRegistry } from '../constructs/tenant-registry';
import type { FoundationStack } from './foundation-stack';

export { SILO_PARAMETERS } from '../constructs/tenant-registry';

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

/**
 * The tenant application stack, one construct for both models: REST API with the Lambda
 * authorizer (API keys from the authorizer), the usage plan of each tier deployed this way,
 * product and order functions, and their tables keyed by tenant; the stage's access log counts
 * the usage plans' 429s per tier (METRICS.throttled).
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
  /** What the control plane's dashboard, queries and rules read of this stack's tenant API. */
  readonly telemetry: TenantApiTelemetry;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id, props);
    const silo = props.deploymentModel === 'silo';
    const registry = silo ? importedRegistry(this) : pooledRegistry(props.foundation);
    const layers = [registry.layer];
    const products = registryTable(this, 'Products', { partitionKey: 'tenantId', sortKey: 'productId' });
    const orders = registryTable(this, 'Orders', { partitionKey: 'tenantId', sortKey: 'orderId' });

    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(60);
    if (cacheTtl.toSeconds() > MAX_AUTHORIZER_CACHE_TTL.toSeconds()) {
      throw new Error(
        `authorizerCacheTtl must be at most ${MAX_AUTHORIZER_CACHE_TTL.toMinutes()} minutes, got ${cacheTtl.toSeconds()} s`,
      );
    }
    // A silo stack serves one tenant: its functions use their own roles, limited to its tables.
    const { releaseVersion } = registry;
    const productsFn = productsFunction(this, { products, layers, releaseVersion, ownTableAccess: silo });
    const ordersFn = ordersFunction(this, { orders, products, layers, releaseVersion, ownTableAccess: silo });
    const authorizerFn = tenantAuthorizerFunction(this, {
      tenantDetails: registry.tenantDetails,
      trustedPool: registry.trustedPool,
      siloTenantId: registry.siloTenantId,
      cacheTtl,
      pooledTables: silo ? undefined : [products, orders],
    });

    const tenantApi = new RoutedRestApi(this, 'TenantApi', {
      api: 'tenant',
      restApiName: `${Aws.STACK_NAME}-api`,
      services: { products: productsFn, orders: ordersFn },
      authorizerFunction: authorizerFn,
      authorizerCacheTtl: cacheTtl,
      requireApiKey: true,
      // The first stack deployed sets the account-wide API Gateway logging role.
      manageAccountLogRole: props.deploymentModel === 'pool',
    });
    this.api = tenantApi.api;
    throttledRequestsMetricFilter(this, tenantApi.accessLogs);
    this.telemetry = { functions: [productsFn, ordersFn], accessLogs: tenantApi.accessLogs };

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
