/**
 * Products of a tenant: the operations, independent of DynamoDB and HTTP (bodies are parsed by
 * contracts/requests.ts).
 * Every operation is given the caller's tenant id; the store keys every item by it.
 */
import { NotFoundError } from '../../contracts/errors';
import type { Product, ProductInput } from '../../contracts/schemas/tenant-api';
import type { TenantTable } from '../shared/tenant-table';

export type { Product, ProductInput };

export interface ProductDeps {
  readonly store: TenantTable<Product>;
  readonly newId: () => string;
  readonly now: () => Date;
}

export async function createProduct(deps: ProductDeps, tenantId: string, input: ProductInput): Promise<Product> {
  const product: Product = { productId: deps.newId(), ...input, createdAt: deps.now().toISOString() };
  await deps.store.put(tenantId, product);
  return product;
}

export async function getProduct(deps: ProductDeps, tenantId: string, productId: string): Promise<Product> {
  const product = await deps.store.get(tenantId, productId);
  if (!product) throw new NotFoundError('Product');
  return product;
}

export async function replaceProduct(
  deps: ProductDeps,
  tenantId: string,
  productId: string,
  input: ProductInput,
): Promise<Product> {
  const existing = await getProduct(deps, tenantId, productId);
  const product = await deps.store.replace(tenantId, { productId, ...input, createdAt: existing.createdAt });
  if (!product) throw new NotFoundError('Product');
  return product;
}

export async function deleteProduct(deps: ProductDeps, tenantId: string, productId: string): Promise<void> {
  if (!(await deps.store.delete(tenantId, productId))) throw new NotFoundError('Product');
}
