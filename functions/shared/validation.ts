import { type FieldError, ValidationError } from '../../contracts/errors';

/**
 * A small field checker: collects every problem of a body so one 400 names all invalid
 * fields. Each reader returns the typed value (or undefined when it recorded an error).
 */
export class FieldChecker {
  private readonly problems: FieldError[] = [];

  constructor(private readonly body: Readonly<Record<string, unknown>>) {}

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  string(
    field: string,
    opts: { required: boolean; min?: number; max: number; pattern?: RegExp; patternHint?: string },
  ): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (opts.required) this.fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') return (this.fail(field, 'must be a string'), undefined);
    const trimmed = value.trim();
    const min = opts.min ?? (opts.required ? 1 : 0);
    if (trimmed.length < min || trimmed.length > opts.max) {
      return (this.fail(field, `must be ${min} to ${opts.max} characters`), undefined);
    }
    if (opts.pattern && !opts.pattern.test(trimmed))
      return (this.fail(field, opts.patternHint ?? 'has an invalid format'), undefined);
    return trimmed;
  }

  number(field: string, opts: { required: boolean; min: number; max: number; integer?: boolean }): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (opts.required) this.fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) return (this.fail(field, 'must be a number'), undefined);
    if (opts.integer && !Number.isInteger(value)) return (this.fail(field, 'must be an integer'), undefined);
    if (value < opts.min || value > opts.max)
      return (this.fail(field, `must be between ${opts.min} and ${opts.max}`), undefined);
    return value;
  }

  /** Rejects fields the contract does not know, so typos do not pass silently. */
  onlyKnown(known: readonly string[]): void {
    for (const key of Object.keys(this.body)) {
      if (!known.includes(key)) this.fail(key, 'is not a known field');
    }
  }

  /** Throws the collected problems, if any. */
  done(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problems);
  }
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
