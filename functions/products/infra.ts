import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AppFunction } from '../../infra/constructs/app-function';
import { grantItemAccess } from '../../infra/constructs/registry-table';

export interface ProductsFunctionProps {
  readonly products: dynamodb.ITable;
  /** The tenant-context layer. */
  readonly layers: readonly lambda.ILayerVersion[];
  /** A silo stack's release version parameter. @default none */
  readonly releaseVersion?: string;
  /**
   * Give the function's own role item access to its table (a silo stack, one tenant).
   * @default false: pooled functions reach the tables only with the authorizer's tenant credentials
   */
  readonly ownTableAccess?: boolean;
}

/** The tenant API's products. */
export function productsFunction(stack: Stack, props: ProductsFunctionProps): AppFunction {
  const fn = new AppFunction(stack, 'ProductsFunction', {
    entry: 'functions/products/handler.ts',
    description: 'Tenant API: products',
    layers: props.layers,
    environment: {
      PRODUCTS_TABLE: props.products.tableName,
      ...(props.releaseVersion ? { RELEASE_VERSION: props.releaseVersion } : {}),
    },
  });
  if (props.ownTableAccess) grantItemAccess(props.products, fn);
  return fn;
}
