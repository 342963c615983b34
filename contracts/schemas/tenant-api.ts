/** Schemas of the tenant API (products and orders of the caller's tenant). */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_ORDER_LINES, MAX_PRICE, MAX_QUANTITY, ORDER_STATUSES } from '../rules';
import { OneOf, Page, Text, Timestamp } from './common';

export const ProductInput = Type.Object(
  {
    name: Text(200, { min: 1 }),
    price: Type.Number({ minimum: 0, maximum: MAX_PRICE, description: 'rounded to cents' }),
    sku: Type.Optional(Text(64)),
    category: Type.Optional(Text(64)),
  },
  { additionalProperties: false, $id: 'ProductInput' },
);
export type ProductInput = Static<typeof ProductInput>;

export const Product = Type.Object(
  {
    productId: Type.String(),
    name: Type.String(),
    price: Type.Number(),
    sku: Type.Optional(Type.String()),
    category: Type.Optional(Type.String()),
    createdAt: Timestamp,
  },
  { additionalProperties: false, $id: 'Product' },
);
export type Product = Static<typeof Product>;
export const ProductPage = Type.Object(Page(Product).properties, { additionalProperties: false, $id: 'ProductPage' });

const RequestedLine = Type.Object(
  {
    productId: Type.String({
      minLength: 1,
      maxLength: 100,
      'x-error': 'is required (a product id)',
      'x-required': 'is required (a product id)',
    }),
    quantity: Type.Integer({
      minimum: 1,
      maximum: MAX_QUANTITY,
      'x-error': `must be an integer from 1 to ${MAX_QUANTITY}`,
      'x-required': `must be an integer from 1 to ${MAX_QUANTITY}`,
    }),
  },
  // Other members are dropped, not refused: a client may send back a line as it read it (with
  // name and unitPrice); prices always come from the tenant's products (contracts/requests.ts).
  { 'x-error': 'must be an object with productId and quantity' },
);
export type RequestedLine = Static<typeof RequestedLine>;
const RequestedLines = Type.Array(RequestedLine, {
  minItems: 1,
  maxItems: MAX_ORDER_LINES,
  'x-error': `must be an array of 1 to ${MAX_ORDER_LINES} lines`,
});

export const NewOrder = Type.Object({ lines: RequestedLines }, { additionalProperties: false, $id: 'NewOrder' });
export type NewOrder = Static<typeof NewOrder>;

export const OrderUpdate = Type.Object(
  { lines: Type.Optional(RequestedLines), status: Type.Optional(OneOf(ORDER_STATUSES)) },
  { additionalProperties: false, minProperties: 1, 'x-error': 'must contain lines or status', $id: 'OrderUpdate' },
);
export type OrderUpdate = Static<typeof OrderUpdate>;

export const OrderLine = Type.Object(
  {
    productId: Type.String(),
    quantity: Type.Integer(),
    name: Type.String({ description: 'the product name at order time' }),
    unitPrice: Type.Number({ description: 'the product price at order time' }),
  },
  { additionalProperties: false },
);
export type OrderLine = Static<typeof OrderLine>;

export const Order = Type.Object(
  {
    orderId: Type.String(),
    lines: Type.Array(OrderLine),
    total: Type.Number({ description: 'computed from the lines, never taken from the client' }),
    status: OneOf(ORDER_STATUSES),
    createdAt: Timestamp,
  },
  { additionalProperties: false, $id: 'Order' },
);
export type Order = Static<typeof Order>;
export const OrderPage = Type.Object(Page(Order).properties, { additionalProperties: false, $id: 'OrderPage' });
