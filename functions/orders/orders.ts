/**
 * Orders of a tenant. An order's lines must name products of the same tenant; the total is
 * computed here from the products' current prices (never taken from the client).
 */

import { NotFoundError, ValidationError } from '../../contracts/errors';
import type { OrderStatus } from '../../contracts/rules';
import type { Order, OrderLine, OrderUpdate, Product, RequestedLine } from '../../contracts/schemas/tenant-api';
import type { TenantTable } from '../shared/tenant-table';

export type { Order, OrderLine, OrderStatus, RequestedLine };
/** A parsed create or update body (contracts/requests.ts). */
export type OrderInput = OrderUpdate;

export interface OrderDeps {
  readonly orders: TenantTable<Order>;
  /** Reads products of the same tenant only; unknown ids are simply absent from the result. */
  readonly findProducts: (tenantId: string, productIds: readonly string[]) => Promise<ReadonlyMap<string, Product>>;
  readonly newId: () => string;
  readonly now: () => Date;
}

/** Prices the requested lines from the tenant's own products; a foreign or unknown id is a 400. */
export async function priceLines(
  deps: OrderDeps,
  tenantId: string,
  requested: readonly RequestedLine[],
): Promise<{ lines: OrderLine[]; total: number }> {
  const products = await deps.findProducts(tenantId, [...new Set(requested.map((line) => line.productId))]);
  const problems = requested.flatMap((line, index) =>
    products.has(line.productId)
      ? []
      : [{ field: `lines[${index}].productId`, message: 'is not a product of this tenant' }],
  );
  if (problems.length > 0) throw new ValidationError(problems);
  const lines = requested.map((line) => {
    const product = products.get(line.productId) as Product;
    return { productId: line.productId, quantity: line.quantity, name: product.name, unitPrice: product.price };
  });
  // Sum in cents to avoid floating-point drift.
  const cents = lines.reduce((sum, line) => sum + Math.round(line.unitPrice * 100) * line.quantity, 0);
  return { lines, total: cents / 100 };
}

export async function createOrder(deps: OrderDeps, tenantId: string, input: OrderInput): Promise<Order> {
  const { lines, total } = await priceLines(deps, tenantId, input.lines ?? []);
  const order: Order = { orderId: deps.newId(), lines, total, status: 'PLACED', createdAt: deps.now().toISOString() };
  await deps.orders.put(tenantId, order);
  return order;
}

export async function getOrder(deps: OrderDeps, tenantId: string, orderId: string): Promise<Order> {
  const order = await deps.orders.get(tenantId, orderId);
  if (!order) throw new NotFoundError('Order');
  return order;
}

export async function updateOrder(
  deps: OrderDeps,
  tenantId: string,
  orderId: string,
  input: OrderInput,
): Promise<Order> {
  const existing = await getOrder(deps, tenantId, orderId);
  const priced = input.lines
    ? await priceLines(deps, tenantId, input.lines)
    : { lines: existing.lines, total: existing.total };
  const updated: Order = { ...existing, ...priced, status: input.status ?? existing.status };
  const stored = await deps.orders.replace(tenantId, updated);
  if (!stored) throw new NotFoundError('Order');
  return stored;
}

export async function deleteOrder(deps: OrderDeps, tenantId: string, orderId: string): Promise<void> {
  if (!(await deps.orders.delete(tenantId, orderId))) throw new NotFoundError('Order');
}
