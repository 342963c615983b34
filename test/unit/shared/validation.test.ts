import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../contracts/errors';
import { EMAIL_PATTERN, FieldChecker } from '../../../functions/shared/validation';

function problemsOf(run: () => void): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.errors];
    throw error;
  }
  return [];
}

describe('FieldChecker', () => {
  it('reports every invalid field in one ValidationError', () => {
    const check = new FieldChecker({ name: 42, price: 'cheap' });

    check.string('name', { required: true, max: 10 });
    check.number('price', { required: true, min: 0, max: 100 });
    check.string('sku', { required: true, max: 10 });

    expect(problemsOf(() => check.done())).toEqual([
      { field: 'name', message: 'must be a string' },
      { field: 'price', message: 'must be a number' },
      { field: 'sku', message: 'is required' },
    ]);
  });

  it('returns trimmed strings and checks the length after trimming', () => {
    const check = new FieldChecker({ a: '  abc  ', b: '   ' });

    const a = check.string('a', { required: true, min: 3, max: 3 });
    const b = check.string('b', { required: true, max: 10 });

    expect(a).toBe('abc');
    expect(b).toBeUndefined();
    expect(problemsOf(() => check.done())).toEqual([{ field: 'b', message: 'must be 1 to 10 characters' }]);
  });

  it('uses the pattern hint when a string does not match', () => {
    const check = new FieldChecker({ code: 'a_b' });

    check.string('code', { required: true, max: 10, pattern: /^[a-z]+$/, patternHint: 'must be letters' });

    expect(problemsOf(() => check.done())).toEqual([{ field: 'code', message: 'must be letters' }]);
  });

  it('leaves missing optional fields undefined without a problem', () => {
    const check = new FieldChecker({ note: null });

    expect(check.string('note', { required: false, max: 10 })).toBeUndefined();
    expect(check.number('count', { required: false, min: 0, max: 1 })).toBeUndefined();
    expect(() => check.done()).not.toThrow();
  });

  it('rejects non-finite numbers, non-integers where integers are required, and out-of-range values', () => {
    const check = new FieldChecker({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 1.5, d: 11 });

    check.number('a', { required: true, min: 0, max: 10 });
    check.number('b', { required: true, min: 0, max: 10 });
    check.number('c', { required: true, min: 0, max: 10, integer: true });
    check.number('d', { required: true, min: 0, max: 10 });

    expect(problemsOf(() => check.done()).map((problem) => problem.field)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects fields the contract does not know', () => {
    const check = new FieldChecker({ name: 'x', nmae: 'typo' });

    check.onlyKnown(['name']);

    expect(problemsOf(() => check.done())).toEqual([{ field: 'nmae', message: 'is not a known field' }]);
  });
});

describe('EMAIL_PATTERN', () => {
  it('accepts an address and rejects strings without a domain or with spaces', () => {
    expect(EMAIL_PATTERN.test('ops@example.com')).toBe(true);
    expect(EMAIL_PATTERN.test('ops@example')).toBe(false);
    expect(EMAIL_PATTERN.test('o ps@example.com')).toBe(false);
  });
});
