/**
 * Orders of a tenant. An order's lines must name products of the same tenant; the total is
 * computed here from the products' current prices (never taken from the client).
 */

import { NotFoundError, ValidationError } from '../../contracts/errors';
import type { Product } from '../products/products';
import type { TenantTable } from '../shared/tenant-table';
import { FieldChecker } from '../shared/validation';

export const ORDER_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  /** Snapshot at order time, so later price changes do not rewrite history. */
  readonly name: string;
  readonly unitPrice: number;
}

export interface Order {
  readonly orderId: string;
  readonly lines: readonly OrderLine[];
  readonly total: number;
  readonly status: OrderStatus;
  readonly createdAt: string;
}

export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
}

export interface OrderInput {
  readonly lines?: readonly RequestedLine[];
  readonly status?: OrderStatus;
}

const MAX_LINES = 100;
const MAX_QUANTITY = 10_000;

/** Validates `{lines: [{productId, quantity}]}` (create: lines required) and `status` (update only). */
export function parseOrderInput(body: Readonly<Record<string, unknown>>, mode: 'create' | 'update'): OrderInput {
  const check = new FieldChecker(body);
  check.onlyKnown(mode === 'create' ? ['lines'] : ['lines', 'status']);
  const rawLines = body.lines;
  let lines: RequestedLine[] | undefined;
  if (rawLines === undefined) {
    if (mode === 'create') check.fail('lines', 'is required');
  } else if (!Array.isArray(rawLines) || rawLines.length === 0 || rawLines.length > MAX_LINES) {
    check.fail('lines', `must be an array of 1 to ${MAX_LINES} lines`);
  } else {
    lines = [];
    rawLines.forEach((raw, index) => {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        check.fail(`lines[${index}]`, 'must be an object with productId and quantity');
        return;
      }
      const line = raw as Record<string, unknown>;
      const productId = line.productId;
      const quantity = line.quantity;
      if (typeof productId !== 'string' || productId.trim() === '' || productId.length > 100) {
        check.fail(`lines[${index}].productId`, 'is required (a product id)');
      } else if (
        typeof quantity !== 'number' ||
        !Number.isInteger(quantity) ||
        quantity < 1 ||
        quantity > MAX_QUANTITY
      ) {
        check.fail(`lines[${index}].quantity`, `must be an integer from 1 to ${MAX_QUANTITY}`);
      } else {
        lines?.push({ productId, quantity });
      }
    });
  }
  let status: OrderStatus | undefined;
  if (body.status !== undefined) {
    if (!(ORDER_STATUSES as readonly unknown[]).includes(body.status)) {
      check.fail('status', `must be one of ${ORDER_STATUSES.join(', ')}`);
    } else {
      status = body.status as OrderStatus;
    }
  }
  if (mode === 'update' && rawLines === undefined && body.status === undefined) {
    check.fail('body', 'must contain lines or status');
  }
  check.done();
  return { lines, status };
}

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
