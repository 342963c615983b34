import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { registryTable } from '../constructs/registry-table';
import { TenantContextLayer } from '../constructs/tenant-context-layer';
import { TenantUserPool } from '../constructs/tenant-user-pool';

/**
 * Export names of what silo tenant stacks import from the foundation. Silo stacks are
 * synthesized as a template deployed once per tenant (outside this app's stage), so they
 * refer to the foundation by these stable names rather than by construct references.
 */
export const FOUNDATION_EXPORTS = {
  tenantDetailsTableArn: 'tenantflow-foundation-TenantDetailsTableArn',
  tenantContextLayerArn: 'tenantflow-foundation-TenantContextLayerArn',
} as const;

/**
 * What the control plane and every tenant stack share: the tenant registry tables, the pooled
 * user pool (one group per pool tenant) and the tenant-context layer. Its own stack so the
 * tenant stacks and the control plane can both depend on it without depending on each other
 * in a cycle.
 */
export class FoundationStack extends Stack {
  readonly tenantDetails: dynamodb.Table;
  readonly tenantNames: dynamodb.Table;
  readonly tenantStackMapping: dynamodb.Table;
  readonly pooledIdentity: TenantUserPool;
  readonly tenantContextLayer: TenantContextLayer;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.tenantDetails = registryTable(this, 'TenantDetails', { partitionKey: 'tenantId' });
    this.tenantNames = registryTable(this, 'TenantNames', { partitionKey: 'tenantNameKey' });
    this.tenantStackMapping = registryTable(this, 'TenantStackMapping', { partitionKey: 'tenantId' });
    this.pooledIdentity = new TenantUserPool(this, 'PooledIdentity');
    this.tenantContextLayer = new TenantContextLayer(this, 'TenantContext');
    new CfnOutput(this, 'PooledUserPoolId', { value: this.pooledIdentity.userPool.userPoolId });
    new CfnOutput(this, 'TenantDetailsTableArn', {
      value: this.tenantDetails.tableArn,
      exportName: FOUNDATION_EXPORTS.tenantDetailsTableArn,
    });
    new CfnOutput(this, 'TenantContextLayerArn', {
      value: this.tenantContextLayer.layer.layerVersionArn,
      exportName: FOUNDATION_EXPORTS.tenantContextLayerArn,
    });
  }
}
