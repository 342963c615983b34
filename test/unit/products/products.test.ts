import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../contracts/errors';
import { parseProductInput } from '../../../contracts/requests';
import {
  createProduct,
  deleteProduct,
  getProduct,
  type Product,
  type ProductDeps,
  replaceProduct,
} from '../../../functions/products/products';
import { FakeTenantTable, FIXED_NOW, sequentialIds } from '../../support/unit/fake-tenant-table';

const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';

function setup() {
  const store = new FakeTenantTable<Product>('productId');
  const deps: ProductDeps = { store, newId: sequentialIds('p'), now: () => FIXED_NOW };
  const bProduct: Product = { productId: 'b-1', name: 'B only', price: 5, createdAt: '2025-01-01T00:00:00.000Z' };
  store.seed(TENANT_B, bProduct);
  return { store, deps, bProduct };
}

describe('products', () => {
  it('creates a product with a new id and creation time under the caller tenant', async () => {
    const { store, deps } = setup();

    const product = await createProduct(deps, TENANT_A, { name: 'Widget', price: 9.99, sku: 'W-1' });

    expect(product).toEqual({
      productId: 'p-1',
      name: 'Widget',
      price: 9.99,
      sku: 'W-1',
      createdAt: FIXED_NOW.toISOString(),
    });
    expect(store.partitions.get(TENANT_A)?.get('p-1')).toEqual(product);
  });

  it("returns 404 for another tenant's product", async () => {
    const { deps, bProduct } = setup();

    await expect(getProduct(deps, TENANT_A, bProduct.productId)).rejects.toStrictEqual(new NotFoundError('Product'));
    await expect(getProduct(deps, TENANT_B, bProduct.productId)).resolves.toEqual(bProduct);
  });

  it('replaces a product but keeps its id and creation time', async () => {
    const { deps } = setup();
    const created = await createProduct(deps, TENANT_A, { name: 'Widget', price: 1 });

    const replaced = await replaceProduct(deps, TENANT_A, created.productId, { name: 'Widget 2', price: 2 });

    expect(replaced).toEqual({
      productId: created.productId,
      name: 'Widget 2',
      price: 2,
      createdAt: created.createdAt,
    });
    await expect(getProduct(deps, TENANT_A, created.productId)).resolves.toEqual(replaced);
  });

  it("refuses to replace another tenant's product and leaves it unchanged", async () => {
    const { store, deps, bProduct } = setup();

    await expect(
      replaceProduct(deps, TENANT_A, bProduct.productId, { name: 'hijacked', price: 0 }),
    ).rejects.toStrictEqual(new NotFoundError('Product'));
    expect(store.partitions.get(TENANT_B)?.get(bProduct.productId)).toEqual(bProduct);
    expect(store.partitions.get(TENANT_A)?.has(bProduct.productId) ?? false).toBe(false);
  });

  it("returns 404 when deleting another tenant's product and keeps it", async () => {
    const { store, deps, bProduct } = setup();

    await expect(deleteProduct(deps, TENANT_A, bProduct.productId)).rejects.toStrictEqual(new NotFoundError('Product'));
    expect(store.partitions.get(TENANT_B)?.has(bProduct.productId)).toBe(true);
  });

  it('deletes an own product', async () => {
    const { deps } = setup();
    const created = await createProduct(deps, TENANT_A, { name: 'Widget', price: 1 });

    await deleteProduct(deps, TENANT_A, created.productId);

    await expect(getProduct(deps, TENANT_A, created.productId)).rejects.toStrictEqual(new NotFoundError('Product'));
  });
});

describe('parseProductInput', () => {
  it('rounds the price to cents', () => {
    expect(parseProductInput({ name: 'Widget', price: 19.999 }).price).toBe(20);
    expect(parseProductInput({ name: 'Widget', price: 1.234 }).price).toBe(1.23);
    expect(parseProductInput({ name: 'Widget', price: 0.1 + 0.2 }).price).toBe(0.3);
  });

  it.each([
    ['a negative price', { name: 'Widget', price: -1 }, 'price'],
    ['a price given as text', { name: 'Widget', price: '10' }, 'price'],
    ['no name', { price: 1 }, 'name'],
    ['a field the contract does not know', { name: 'Widget', price: 1, tenantId: 'tenant-b' }, 'tenantId'],
  ])('rejects %s', (_case, body, field) => {
    expect(() => parseProductInput(body)).toThrow(ValidationError);
    expect(() => parseProductInput(body)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field })] }),
    );
  });
});
