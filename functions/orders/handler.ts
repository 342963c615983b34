/** Orders API of a tenant stack (pooled or silo). Thin: parse, call the domain, respond. */
import { randomUUID } from 'node:crypto';
import { instrumentApi, logger, tenantContextOf, tenantDocumentClient } from '@tenantflow/tenant-context';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseOrderInput } from '../../contracts/requests';
import type { Product } from '../products/products';
import { defineEnv } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { parseLimit } from '../shared/pagination';
import { tenantTable } from '../shared/tenant-table';
import { createOrder, deleteOrder, getOrder, type Order, type OrderDeps, updateOrder } from './orders';

const env = defineEnv(['ORDERS_TABLE', 'PRODUCTS_TABLE']);

function depsFor(event: APIGatewayProxyEvent): { deps: OrderDeps; tenantId: string } {
  const tenant = tenantContextOf(event);
  const client = tenantDocumentClient(event);
  const products = tenantTable<Product>(client, env.PRODUCTS_TABLE, 'productId');
  return {
    deps: {
      orders: tenantTable<Order>(client, env.ORDERS_TABLE, 'orderId'),
      findProducts: (tenantId, ids) => products.getMany(tenantId, ids),
      newId: randomUUID,
      now: () => new Date(),
    },
    tenantId: tenant.tenantId,
  };
}

export const handler = instrumentApi(
  router(
    {
      'GET /orders': async (event) => {
        const { deps, tenantId } = depsFor(event);
        const query = event.queryStringParameters;
        return json(200, await deps.orders.list(tenantId, parseLimit(query), query?.nextToken));
      },
      'POST /orders': async (event) => {
        const input = parseOrderInput(parseJsonBody(event), 'create');
        const { deps, tenantId } = depsFor(event);
        return json(201, await createOrder(deps, tenantId, input));
      },
      'GET /orders/{orderId}': async (event) => {
        const { deps, tenantId } = depsFor(event);
        return json(200, await getOrder(deps, tenantId, pathParam(event, 'orderId')));
      },
      'PUT /orders/{orderId}': async (event) => {
        const input = parseOrderInput(parseJsonBody(event), 'update');
        const { deps, tenantId } = depsFor(event);
        return json(200, await updateOrder(deps, tenantId, pathParam(event, 'orderId'), input));
      },
      'DELETE /orders/{orderId}': async (event) => {
        const { deps, tenantId } = depsFor(event);
        await deleteOrder(deps, tenantId, pathParam(event, 'orderId'));
        return { statusCode: 204, headers: { 'Access-Control-Allow-Origin': '*' }, body: '' };
      },
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
