import { ValidationError } from '../../contracts/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Reads `?limit` (1..100, default 50). */
export function parseLimit(query: Readonly<Record<string, string | undefined>> | null): number {
  const raw = query?.limit;
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError([{ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return limit;
}

/** Opaque page token: the DynamoDB key to continue from, base64url JSON. */
export function encodeNextToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/**
 * Decodes `?nextToken`. `mustMatch` pins key attributes (e.g. the caller's tenantId), so a
 * forged token can never move a query into another partition.
 */
export function decodeNextToken(
  token: string | undefined,
  mustMatch: Readonly<Record<string, string>> = {},
): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  // Every key of tenantflow's tables is made of string attributes; anything else would reach
  // DynamoDB as an invalid ExclusiveStartKey and come back as a 500.
  const valid =
    typeof key === 'object' &&
    key !== null &&
    !Array.isArray(key) &&
    Object.keys(key).length > 0 &&
    Object.values(key).every((value) => typeof value === 'string') &&
    Object.entries(mustMatch).every(([name, value]) => (key as Record<string, unknown>)[name] === value);
  if (!valid) throw new ValidationError([{ field: 'nextToken', message: 'is not a valid page token' }]);
  return key as Record<string, unknown>;
}
