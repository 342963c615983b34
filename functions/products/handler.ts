/** Products API of a tenant stack (pooled or silo). Thin: parse, call the domain, respond. */
import { randomUUID } from 'node:crypto';
import { instrumentApi, logger, tenantContextOf, tenantDocumentClient } from '@tenantflow/tenant-context';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseProductInput } from '../../contracts/requests';
import { defineEnv } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { parseLimit } from '../shared/pagination';
import { tenantTable } from '../shared/tenant-table';
import { createProduct, deleteProduct, getProduct, type Product, type ProductDeps, replaceProduct } from './products';

const env = defineEnv(['PRODUCTS_TABLE']);

function depsFor(event: APIGatewayProxyEvent): { deps: ProductDeps; tenantId: string } {
  const tenant = tenantContextOf(event);
  const store = tenantTable<Product>(tenantDocumentClient(event), env.PRODUCTS_TABLE, 'productId');
  return { deps: { store, newId: randomUUID, now: () => new Date() }, tenantId: tenant.tenantId };
}

export const handler = instrumentApi(
  router(
    {
      'GET /products': async (event) => {
        const { deps, tenantId } = depsFor(event);
        const query = event.queryStringParameters;
        return json(200, await deps.store.list(tenantId, parseLimit(query), query?.nextToken));
      },
      'POST /products': async (event) => {
        const input = parseProductInput(parseJsonBody(event));
        const { deps, tenantId } = depsFor(event);
        return json(201, await createProduct(deps, tenantId, input));
      },
      'GET /products/{productId}': async (event) => {
        const { deps, tenantId } = depsFor(event);
        return json(200, await getProduct(deps, tenantId, pathParam(event, 'productId')));
      },
      'PUT /products/{productId}': async (event) => {
        const input = parseProductInput(parseJsonBody(event));
        const { deps, tenantId } = depsFor(event);
        return json(200, await replaceProduct(deps, tenantId, pathParam(event, 'productId'), input));
      },
      'DELETE /products/{productId}': async (event) => {
        const { deps, tenantId } = depsFor(event);
        await deleteProduct(deps, tenantId, pathParam(event, 'productId'));
        return { statusCode: 204, headers: { 'Access-Control-Allow-Origin': '*' }, body: '' };
      },
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
