import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AppFunction } from '../../infra/constructs/app-function';
import { grantItemAccess } from '../../infra/constructs/registry-table';

export interface OrdersFunctionProps {
  readonly orders: dynamodb.ITable;
  /** Orders read the products they order. */
  readonly products: dynamodb.ITable;
  /** The tenant-context layer. */
  readonly layers: readonly lambda.ILayerVersion[];
  /** A silo stack's release version parameter. @default none */
  readonly releaseVersion?: string;
  /**
   * Give the function's own role access to its tables (a silo stack, one tenant).
   * @default false: pooled functions reach the tables only with the authorizer's tenant credentials
   */
  readonly ownTableAccess?: boolean;
}

/** The tenant API's orders. */
export function ordersFunction(stack: Stack, props: OrdersFunctionProps): AppFunction {
  const fn = new AppFunction(stack, 'OrdersFunction', {
    entry: 'functions/orders/handler.ts',
    description: 'Tenant API: orders',
    layers: props.layers,
    environment: {
      PRODUCTS_TABLE: props.products.tableName,
      ORDERS_TABLE: props.orders.tableName,
      ...(props.releaseVersion ? { RELEASE_VERSION: props.releaseVersion } : {}),
    },
  });
  if (props.ownTableAccess) {
    grantItemAccess(props.orders, fn);
    props.products.grantReadData(fn);
  }
  return fn;
}
