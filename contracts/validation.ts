/**
 * Request validation at the edge: a body is normalised (strings trimmed, nulls dropped), checked
 * against its contract schema by a validator that ajv compiled at build time
 * (contracts/generated/validators.ts), and every failure becomes a `{field, message}` of one 400
 * (docs/api.md "Errors": `lines[0].quantity`-style fields, one entry per bad field). The API and the
 * console's forms run the same validators, so they cannot disagree.
 */
import type { ErrorObject } from 'ajv';
import { type FieldError, ValidationError } from './errors';

/** A validator as ajv's standalone code emits it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
  /** The body's top-level fields in schema order (the generator adds it): errors are reported in it. */
  readonly fields?: readonly string[];
}

/**
 * Trims every string and drops `null` members, recursively: a field sent as `null` is a field not
 * sent, and "  Acme Co " is "Acme Co" (length limits count the trimmed text). JSON Schema cannot
 * express either, so it happens here, before validation.
 */
export function normalized(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(normalized);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== null)
        .map(([key, member]) => [key, normalized(member)]),
    );
  }
  return value;
}

/** Validates a (parsed JSON) body: the typed, normalised body, or a ValidationError naming every bad field. */
export function validated<T>(validate: CompiledValidator, body: unknown): T {
  const value = normalized(body);
  if (validate(value)) return value as T;
  throw new ValidationError(fieldErrorsOf(validate.errors ?? [], validate.fields));
}

type Schema = Readonly<Record<string, unknown>>;

/** `/lines/0/quantity` → `lines[0].quantity`; the root is `body`. */
export function fieldOf(instancePath: string, child?: string): string {
  const parts = [...instancePath.split('/').slice(1), ...(child === undefined ? [] : [child])].map((part) =>
    part.replace(/~1/g, '/').replace(/~0/g, '~'),
  );
  if (parts.length === 0) return 'body';
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function messageOf(error: ErrorObject): string {
  const schema = (error.parentSchema ?? {}) as Schema;
  if (typeof schema['x-error'] === 'string') return schema['x-error'];
  switch (error.keyword) {
    case 'type':
      return `must be ${error.params.type === 'integer' ? 'an integer' : `a${/^[aeiou]/.test(String(error.params.type)) ? 'n' : ''} ${error.params.type}`}`;
    case 'minLength':
    case 'maxLength':
      if (schema.maxLength === undefined)
        return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`;
      return `must be ${schema.minLength ?? 0} to ${schema.maxLength} characters`;
    case 'minimum':
    case 'maximum':
      return `must be between ${schema.minimum} and ${schema.maximum}`;
    case 'pattern':
      return typeof schema['x-pattern'] === 'string' ? schema['x-pattern'] : 'has an invalid format';
    case 'enum':
      return `must be one of ${(schema.enum as unknown[]).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * ajv's errors as the API's field errors: one per field (the first found), unknown fields first,
 * then the fields in the order the schema lists them — the order a form shows them in.
 */
export function fieldErrorsOf(errors: readonly ErrorObject[], fields: readonly string[] = []): FieldError[] {
  const byField = new Map<string, { error: FieldError; rank: number }>();
  const rankOf = (field: string) => fields.indexOf(field.split(/[.[]/)[0] ?? field);
  for (const error of errors) {
    const schema = (error.parentSchema ?? {}) as Schema & { properties?: Record<string, Schema> };
    let field: FieldError;
    if (error.keyword === 'additionalProperties') {
      field = {
        field: fieldOf(error.instancePath, String(error.params.additionalProperty)),
        message: 'is not a known field',
      };
    } else if (error.keyword === 'required') {
      const missing = String(error.params.missingProperty);
      const child = schema.properties?.[missing];
      field = {
        field: fieldOf(error.instancePath, missing),
        message: typeof child?.['x-required'] === 'string' ? child['x-required'] : 'is required',
      };
    } else {
      field = { field: fieldOf(error.instancePath), message: messageOf(error) };
    }
    if (byField.has(field.field)) continue;
    byField.set(field.field, {
      error: field,
      rank: error.keyword === 'additionalProperties' ? -1 : rankOf(field.field),
    });
  }
  return [...byField.values()].sort((a, b) => a.rank - b.rank).map(({ error }) => error);
}
