/**
 * Parsing of every request body: ajv validation against the contract schema (build-time compiled
 * validators, contracts/generated/), then the normalisation JSON Schema cannot express (lower-cased
 * emails and usernames, prices rounded to cents). The API handlers and the console's forms both
 * call these, so a form and the API never disagree on a rule.
 *
 * Imports only types from schemas/: no bundle that parses a request carries the schema builder.
 */

import { ValidationError } from './errors';
import { validateNewOrder } from './generated/new-order';
import { validateNewUser } from './generated/new-user';
import { validateOrderUpdate } from './generated/order-update';
import { validateProductInput } from './generated/product-input';
import { validateRegistrationRequest } from './generated/registration-request';
import { validateRejectRequest } from './generated/reject-request';
import { RESERVED_USERNAME } from './rules';
import type { NewUser, RegistrationRequest, RejectRequest } from './schemas/control-plane';
import type { NewOrder, OrderUpdate, ProductInput } from './schemas/tenant-api';
import { validated } from './validation';

/** `POST /registrations`. */
export function parseRegistrationRequest(body: unknown): RegistrationRequest {
  const request = validated<RegistrationRequest>(validateRegistrationRequest, body);
  return { ...request, email: request.email.toLowerCase() };
}

/**
 * `POST /users`: usernames and emails are case-insensitive in Cognito, stored lower-case; the
 * admin usernames onboarding gives out are reserved.
 */
export function parseNewUser(body: unknown): NewUser {
  const user = validated<NewUser>(validateNewUser, body);
  if (RESERVED_USERNAME.test(user.username))
    throw new ValidationError([
      { field: 'username', message: "must not end in '-admin': those are tenant admins' usernames" },
    ]);
  return { ...user, username: user.username.toLowerCase(), email: user.email.toLowerCase() };
}

/** `POST /products`, `PUT /products/{productId}`: prices are rounded to cents. */
export function parseProductInput(body: unknown): ProductInput {
  const input = validated<ProductInput>(validateProductInput, body);
  return { ...input, price: Math.round(input.price * 100) / 100 };
}

/** `POST /orders` (lines required) and `PUT /orders/{orderId}` (lines and/or status). */
export function parseOrderInput(body: unknown, mode: 'create' | 'update'): OrderUpdate {
  const input =
    mode === 'create' ? validated<NewOrder>(validateNewOrder, body) : validated<OrderUpdate>(validateOrderUpdate, body);
  // Only the product and the quantity of a line are the client's to say.
  const lines = input.lines?.map(({ productId, quantity }) => ({ productId, quantity }));
  return { ...input, ...(lines ? { lines } : {}) };
}

/** `POST /executions/{executionId}/reject`, `POST /registrations/{registrationId}/reject`: the reason, trimmed. */
export function parseRejectRequest(body: unknown): RejectRequest {
  const request = validated<RejectRequest>(validateRejectRequest, body);
  const reason = request.reason.trim();
  if (reason === '') throw new ValidationError([{ field: 'reason', message: 'must not be blank' }]);
  return { reason };
}
