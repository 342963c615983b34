/**
 * Products of a tenant: validation and the operations, independent of DynamoDB and HTTP.
 * Every operation is given the caller's tenant id; the store keys every item by it.
 */
import { NotFoundError } from '../../contracts/errors';
import type { TenantTable } from '../shared/tenant-table';
import { FieldChecker } from '../shared/validation';

export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly price: number;
  readonly sku?: string;
  readonly category?: string;
  readonly createdAt: string;
}

export type ProductInput = Pick<Product, 'name' | 'price' | 'sku' | 'category'>;

const MAX_PRICE = 1_000_000_000;

/** Validates a create/replace body. Prices are rounded to cents. */
export function parseProductInput(body: Readonly<Record<string, unknown>>): ProductInput {
  const check = new FieldChecker(body);
  check.onlyKnown(['name', 'price', 'sku', 'category']);
  const name = check.string('name', { required: true, max: 200 });
  const price = check.number('price', { required: true, min: 0, max: MAX_PRICE });
  const sku = check.string('sku', { required: false, max: 64 });
  const category = check.string('category', { required: false, max: 64 });
  check.done();
  return { name: name as string, price: Math.round((price as number) * 100) / 100, sku, category };
}

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
