import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, ValidationError } from '../../../contracts/errors';
import { parseOrderInput } from '../../../contracts/requests';
import {
  createOrder,
  deleteOrder,
  getOrder,
  type Order,
  type OrderDeps,
  updateOrder,
} from '../../../functions/orders/orders';
import type { Product } from '../../../functions/products/products';
import { FakeTenantTable, FIXED_NOW, sequentialIds } from '../../support/unit/fake-tenant-table';

const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';
const product = (productId: string, price: number): Product => ({
  productId,
  name: `Product ${productId}`,
  price,
  createdAt: 'x',
});

function setup() {
  const products = new FakeTenantTable<Product>('productId');
  products.seed(TENANT_A, product('a-pen', 0.1));
  products.seed(TENANT_A, product('a-ink', 2.5));
  products.seed(TENANT_B, product('b-gold', 1000));
  const orders = new FakeTenantTable<Order>('orderId');
  const findProducts = vi.fn((tenantId: string, ids: readonly string[]) => products.getMany(tenantId, ids));
  const deps: OrderDeps = { orders, findProducts, newId: sequentialIds('o'), now: () => FIXED_NOW };
  return { products, orders, deps, findProducts };
}

describe('orders', () => {
  it('prices the lines from the tenant products and snapshots name and unit price', async () => {
    const { deps } = setup();

    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-ink', quantity: 2 }] });

    expect(order).toEqual({
      orderId: 'o-1',
      lines: [{ productId: 'a-ink', quantity: 2, name: 'Product a-ink', unitPrice: 2.5 }],
      total: 5,
      status: 'PLACED',
      createdAt: FIXED_NOW.toISOString(),
    });
  });

  it('sums the total in cents, without floating-point drift', async () => {
    const { deps } = setup();

    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-pen', quantity: 3 }] });

    expect(order.total).toBe(0.3);
  });

  it("rejects a line naming another tenant's product with 400 and stores nothing", async () => {
    const { deps, orders, findProducts } = setup();

    const attempt = createOrder(deps, TENANT_A, {
      lines: [
        { productId: 'a-pen', quantity: 1 },
        { productId: 'b-gold', quantity: 1 },
      ],
    });

    await expect(attempt).rejects.toStrictEqual(
      new ValidationError([{ field: 'lines[1].productId', message: 'is not a product of this tenant' }]),
    );
    expect(findProducts).toHaveBeenCalledWith(TENANT_A, ['a-pen', 'b-gold']);
    expect(orders.partitions.get(TENANT_A)?.size ?? 0).toBe(0);
  });

  it('looks each product up once even when several lines name it', async () => {
    const { deps, findProducts } = setup();

    const order = await createOrder(deps, TENANT_A, {
      lines: [
        { productId: 'a-pen', quantity: 1 },
        { productId: 'a-pen', quantity: 2 },
      ],
    });

    expect(findProducts).toHaveBeenCalledWith(TENANT_A, ['a-pen']);
    expect(order.total).toBe(0.3);
  });

  it("returns 404 for another tenant's order", async () => {
    const { deps } = setup();
    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-pen', quantity: 1 }] });

    await expect(getOrder(deps, TENANT_B, order.orderId)).rejects.toStrictEqual(new NotFoundError('Order'));
    await expect(getOrder(deps, TENANT_A, order.orderId)).resolves.toEqual(order);
  });

  it('changes only the status when an update names no lines', async () => {
    const { deps } = setup();
    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-ink', quantity: 1 }] });

    const updated = await updateOrder(deps, TENANT_A, order.orderId, { status: 'PAID' });

    expect(updated).toEqual({ ...order, status: 'PAID' });
  });

  it('re-prices the order when an update replaces the lines', async () => {
    const { deps } = setup();
    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-ink', quantity: 1 }] });

    const updated = await updateOrder(deps, TENANT_A, order.orderId, { lines: [{ productId: 'a-pen', quantity: 10 }] });

    expect(updated.total).toBe(1);
    expect(updated.status).toBe('PLACED');
    expect(updated.createdAt).toBe(order.createdAt);
  });

  it("refuses to update or delete another tenant's order", async () => {
    const { deps, orders } = setup();
    const order = await createOrder(deps, TENANT_A, { lines: [{ productId: 'a-pen', quantity: 1 }] });

    await expect(updateOrder(deps, TENANT_B, order.orderId, { status: 'CANCELLED' })).rejects.toStrictEqual(
      new NotFoundError('Order'),
    );
    await expect(deleteOrder(deps, TENANT_B, order.orderId)).rejects.toStrictEqual(new NotFoundError('Order'));
    expect(orders.partitions.get(TENANT_A)?.get(order.orderId)).toEqual(order);
  });
});

describe('parseOrderInput', () => {
  const fields = (body: Record<string, unknown>, mode: 'create' | 'update'): string[] => {
    try {
      parseOrderInput(body, mode);
    } catch (error) {
      if (error instanceof ValidationError) return error.errors.map((problem) => problem.field);
      throw error;
    }
    return [];
  };

  it('accepts lines of product ids and positive integer quantities', () => {
    expect(parseOrderInput({ lines: [{ productId: 'p-1', quantity: 2 }] }, 'create')).toEqual({
      lines: [{ productId: 'p-1', quantity: 2 }],
      status: undefined,
    });
  });

  it('never takes a price or total from the client', () => {
    expect(fields({ lines: [{ productId: 'p-1', quantity: 1 }], total: 0 }, 'create')).toEqual(['total']);
    const parsed = parseOrderInput({ lines: [{ productId: 'p-1', quantity: 1, unitPrice: 0 }] }, 'create');
    expect(parsed.lines?.[0]).toEqual({ productId: 'p-1', quantity: 1 });
  });

  it.each([
    ['no lines', {}, ['lines']],
    ['an empty list', { lines: [] }, ['lines']],
    ['a line that is not an object', { lines: ['p-1'] }, ['lines[0]']],
    ['a line without product id', { lines: [{ quantity: 1 }] }, ['lines[0].productId']],
    ['a zero quantity', { lines: [{ productId: 'p', quantity: 0 }] }, ['lines[0].quantity']],
    ['a fractional quantity', { lines: [{ productId: 'p', quantity: 1.5 }] }, ['lines[0].quantity']],
    ['a status (set by updates only)', { lines: [{ productId: 'p', quantity: 1 }], status: 'PAID' }, ['status']],
  ])('rejects a create with %s', (_case, body, expected) => {
    expect(fields(body, 'create')).toEqual(expected);
  });

  it('requires lines or status on update and checks the status', () => {
    expect(fields({}, 'update')).toEqual(['body']);
    expect(fields({ status: 'LOST' }, 'update')).toEqual(['status']);
    expect(fields({ status: 'SHIPPED' }, 'update')).toEqual([]);
  });
});
