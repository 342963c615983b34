import { beforeAll, describe, expect, it } from 'vitest';
import { at, http } from '../support/client';
import { onboardedTenant, type TenantSession } from '../support/integration/cloud';

let acme: TenantSession;
let globex: TenantSession;

beforeAll(async () => {
  [acme, globex] = await Promise.all([onboardedTenant('acme'), onboardedTenant('globex', 'PREMIUM')]);
});

describe('products', () => {
  it('creates, reads, lists, replaces and deletes a product', async () => {
    const created = await acme.api('POST', '/products', {
      name: 'Anvil',
      price: 19.99,
      sku: 'AN-1',
      category: 'tools',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      productId: expect.any(String),
      name: 'Anvil',
      price: 19.99,
      sku: 'AN-1',
      category: 'tools',
      createdAt: expect.any(String),
    });
    const id = created.body.productId;

    expect((await acme.api('GET', `/products/${id}`)).body).toEqual(created.body);
    expect((await acme.api('GET', '/products')).body.items).toContainEqual(created.body);

    const replaced = await acme.api('PUT', `/products/${id}`, { name: 'Big anvil', price: 25 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ productId: id, name: 'Big anvil', price: 25, createdAt: created.body.createdAt });

    expect((await acme.api('DELETE', `/products/${id}`)).status).toBe(204);
    expect((await acme.api('GET', `/products/${id}`)).status).toBe(404);
  });

  it.each([
    [{ price: 1 }, 'name'],
    [{ name: 'x' }, 'price'],
    [{ name: 'x', price: -1 }, 'price'],
    [{ name: 'x', price: '1' }, 'price'],
    [{ name: 'x', price: 1, colour: 'red' }, 'colour'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const response = await acme.api('POST', '/products', body);

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('pages through a long list with limit and nextToken', async () => {
    const fresh = await onboardedTenant('pager');
    for (let i = 0; i < 5; i++) await fresh.api('POST', '/products', { name: `p${i}`, price: i });

    const first = await fresh.api('GET', '/products?limit=2');
    const second = await fresh.api('GET', `/products?limit=2&nextToken=${first.body.nextToken}`);

    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(2);
    expect(first.body.items.map((p: { productId: string }) => p.productId)).not.toEqual(
      second.body.items.map((p: { productId: string }) => p.productId),
    );
    expect((await fresh.api('GET', '/products?limit=0')).status).toBe(400);
    expect((await fresh.api('GET', '/products?nextToken=garbage')).status).toBe(400);
  });
});

describe('orders', () => {
  it('computes the total from the tenant’s own product prices', async () => {
    const anvil = (await acme.api('POST', '/products', { name: 'Anvil', price: 19.99 })).body;
    const rope = (await acme.api('POST', '/products', { name: 'Rope', price: 0.1 })).body;

    const order = await acme.api('POST', '/orders', {
      lines: [
        { productId: anvil.productId, quantity: 2 },
        { productId: rope.productId, quantity: 3 },
      ],
    });

    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({
      orderId: expect.any(String),
      total: 40.28,
      status: 'PLACED',
      createdAt: expect.any(String),
    });
    expect(order.body.lines).toEqual([
      { productId: anvil.productId, quantity: 2, name: 'Anvil', unitPrice: 19.99 },
      { productId: rope.productId, quantity: 3, name: 'Rope', unitPrice: 0.1 },
    ]);
    expect((await acme.api('GET', `/orders/${order.body.orderId}`)).body).toEqual(order.body);
    expect((await acme.api('GET', '/orders')).body.items).toContainEqual(order.body);

    const updated = await acme.api('PUT', `/orders/${order.body.orderId}`, {
      lines: [{ productId: rope.productId, quantity: 10 }],
      status: 'PAID',
    });
    expect(updated.body).toMatchObject({ total: 1, status: 'PAID' });
    expect((await acme.api('DELETE', `/orders/${order.body.orderId}`)).status).toBe(204);
    expect((await acme.api('GET', `/orders/${order.body.orderId}`)).status).toBe(404);
  });

  it.each([
    [{}, 'lines'],
    [{ lines: [] }, 'lines'],
    [{ lines: [{ productId: 'p', quantity: 0 }] }, 'lines[0].quantity'],
    [{ lines: [{ quantity: 1 }] }, 'lines[0].productId'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const response = await acme.api('POST', '/orders', body);

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('rejects an order line naming another tenant’s product with 400', async () => {
    const foreign = (await globex.api('POST', '/products', { name: 'Secret', price: 5 })).body;

    const response = await acme.api('POST', '/orders', { lines: [{ productId: foreign.productId, quantity: 1 }] });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'lines[0].productId' })]);
  });
});

describe('tenant isolation on the pooled API', () => {
  it('never shows or touches another tenant’s product or order (404) and lists only its own', async () => {
    const product = (await globex.api('POST', '/products', { name: 'Globex widget', price: 3 })).body;
    const order = (await globex.api('POST', '/orders', { lines: [{ productId: product.productId, quantity: 1 }] }))
      .body;

    expect((await acme.api('GET', `/products/${product.productId}`)).status).toBe(404);
    expect((await acme.api('PUT', `/products/${product.productId}`, { name: 'hijacked', price: 0 })).status).toBe(404);
    expect((await acme.api('DELETE', `/products/${product.productId}`)).status).toBe(404);
    expect((await acme.api('GET', `/orders/${order.orderId}`)).status).toBe(404);
    expect((await acme.api('PUT', `/orders/${order.orderId}`, { status: 'CANCELLED' })).status).toBe(404);
    expect((await acme.api('DELETE', `/orders/${order.orderId}`)).status).toBe(404);
    const acmeProducts = (await acme.api('GET', '/products')).body.items as Array<{ productId: string }>;
    expect(acmeProducts.map((p) => p.productId)).not.toContain(product.productId);

    // Untouched for its owner.
    expect((await globex.api('GET', `/products/${product.productId}`)).body).toEqual(product);
    expect((await globex.api('GET', `/orders/${order.orderId}`)).body).toEqual(order);
  });

  it('answers 401 without a token and 401 with a garbage token', async () => {
    expect((await http('GET', at(acme.apiUrl, '/products'))).status).toBe(401);
    expect((await http('GET', at(acme.apiUrl, '/products'), { token: 'not.a.jwt' })).status).toBe(401);
  });
});
