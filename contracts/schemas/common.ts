/**
 * Building blocks of the API schemas. Schemas are JSON Schema (draft 2020-12 subset) written with
 * TypeBox, so each one also yields its static type (`Static<typeof X>`): no response type is
 * declared by hand anywhere else.
 *
 * Two annotations steer the 400 messages (contracts/validation.ts turns ajv's errors into
 * `{field, message}`): `x-pattern` is the sentence for a `pattern` failure, `x-error` replaces the
 * message of every other failure of that schema's own keywords, `x-required` the "is required" of it.
 */
import { type TSchema, Type } from '@sinclair/typebox';

/** A request string: `min` to `max` characters (after trimming, see validation.ts). */
export const Text = (max: number, opts: { min?: number; pattern?: string; patternHint?: string } = {}) =>
  Type.String({
    minLength: opts.min ?? 0,
    maxLength: max,
    ...(opts.pattern ? { pattern: opts.pattern, 'x-pattern': opts.patternHint ?? 'has an invalid format' } : {}),
  });

/** One of a fixed list of strings. */
export const OneOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** ISO 8601 date-time string (as `Date.prototype.toISOString` writes it). */
export const Timestamp = Type.String({ description: 'ISO 8601 date and time' });

/** The body of every error answer (docs/api.md "Errors"). */
export const FieldError = Type.Object(
  { field: Type.String(), message: Type.String() },
  { additionalProperties: false },
);
export const ErrorBody = Type.Object(
  { message: Type.String(), errors: Type.Optional(Type.Array(FieldError)) },
  { additionalProperties: false, $id: 'ErrorBody' },
);

/** `{items, nextToken?}`: every list of every API. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextToken: Type.Optional(Type.String()) }, { additionalProperties: false });

/** The list query every list takes. */
export const PAGE_QUERY = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'page size, 1–100 (default 50)' }),
  nextToken: Type.String({ description: 'the previous page’s nextToken' }),
};

/** A response body of any JSON shape that the contract does not pin (ASL definitions, step input and output). */
export const AnyJson = Type.Unknown();
