import { describe, expect, it } from 'vitest';
import { FilterPatternError, parseFilterPattern } from './filter-pattern';

const TEXT = '2026-01-01T00:00:00.000Z\tabc-123\tERROR\tFailed to connect: timeout after 3 s';
const OTHER = 'START RequestId: abc-123 Version: $LATEST';
const acme = JSON.stringify({
  level: 'ERROR',
  tenantId: 'acme',
  statusCode: 503,
  latencyMs: 12.5,
  cold: true,
  route: 'GET /products',
  user: { id: 'u1', email: null },
  items: [{ sku: 'a' }, { sku: 'b' }],
});
const globex = JSON.stringify({ level: 'INFO', tenantId: 'globex', statusCode: 200, cold: false, items: [] });

/** pattern × message → match. */
const CASES: Array<[pattern: string, message: string, expected: boolean]> = [
  ['', TEXT, true],
  ['   ', OTHER, true],
  // Terms: substrings, all required.
  ['ERROR', TEXT, true],
  ['ERROR', OTHER, false],
  ['error', TEXT, false],
  ['ERROR timeout', TEXT, true],
  ['ERROR START', TEXT, false],
  ['"Failed to connect"', TEXT, true],
  ['"Failed to disconnect"', TEXT, false],
  ['"connect: timeout" ERROR', TEXT, true],
  // OR terms.
  ['?START ?REPORT', OTHER, true],
  ['?START ?REPORT', TEXT, false],
  ['?"Failed to" ?START', TEXT, true],
  // Exclusions.
  ['ERROR -timeout', TEXT, false],
  ['ERROR -"Version:"', TEXT, true],
  ['-START', OTHER, false],
  ['-START', TEXT, true],
  // Regex terms.
  ['%after [0-9]+ s%', TEXT, true],
  ['%^START%', TEXT, false],
  // JSON: strings, numbers, wildcards.
  ['{ $.tenantId = "acme" }', acme, true],
  ['{ $.tenantId = "acme" }', globex, false],
  ['{ $.tenantId = acme }', acme, true],
  ['{$.tenantId="acme"}', acme, true],
  ['{ $.tenantId != "acme" }', globex, true],
  ['{ $.tenantId != "acme" }', acme, false],
  ['{ $.missing != "acme" }', acme, false],
  ['{ $.route = "GET /prod*" }', acme, true],
  ['{ $.route = "*/products" }', acme, true],
  ['{ $.route = "POST*" }', acme, false],
  ['{ $.tenantId = %^ac% }', acme, true],
  ['{ $.statusCode >= 500 }', acme, true],
  ['{ $.statusCode >= 500 }', globex, false],
  ['{ $.statusCode > 503 }', acme, false],
  ['{ $.statusCode < 300 }', globex, true],
  ['{ $.statusCode <= 200 }', globex, true],
  ['{ $.statusCode = 503 }', acme, true],
  ['{ $.latencyMs > 12.4 }', acme, true],
  ['{ $.tenantId > 5 }', acme, false],
  // JSON: && and || and parentheses.
  ['{ $.level = "ERROR" && $.tenantId = "acme" }', acme, true],
  ['{ $.level = "ERROR" && $.tenantId = "globex" }', acme, false],
  ['{ $.tenantId = "globex" || $.statusCode >= 500 }', acme, true],
  ['{ $.tenantId = "globex" || $.statusCode >= 500 }', globex, true],
  ['{ $.tenantId = "initech" || $.statusCode >= 500 }', globex, false],
  ['{ ($.tenantId = "acme" || $.tenantId = "globex") && $.level = "INFO" }', globex, true],
  ['{ ($.tenantId = "acme" || $.tenantId = "globex") && $.level = "INFO" }', acme, false],
  ['{ $.level = "DEBUG" || $.level = "ERROR" && $.tenantId = "acme" }', acme, true],
  // JSON: nested, arrays, keywords.
  ['{ $.user.id = "u1" }', acme, true],
  ['{ $.items[1].sku = "b" }', acme, true],
  ['{ $.items[5].sku = "b" }', acme, false],
  ['{ $.items[*].sku = "b" }', acme, true],
  ['{ $.items[*].sku = "b" }', globex, false],
  ['{ $.user.email IS NULL }', acme, true],
  ['{ $.user.id IS NULL }', acme, false],
  ['{ $.cold IS TRUE }', acme, true],
  ['{ $.cold IS FALSE }', globex, true],
  ['{ $.cold IS TRUE }', globex, false],
  ['{ $.user EXISTS }', acme, true],
  ['{ $.user NOT EXISTS }', acme, false],
  ['{ $.user NOT EXISTS }', globex, true],
  // JSON patterns never match text events.
  ['{ $.level = "ERROR" }', TEXT, false],
  ['{ $.level = "ERROR" }', '{"level": "ERROR"', false],
];

describe('parseFilterPattern', () => {
  it.each(CASES)('%s on %s → %s', (pattern, message, expected) => {
    expect(parseFilterPattern(pattern).matches(message)).toBe(expected);
  });

  it('selects one tenant’s JSON lines and none of another’s', () => {
    const lines = [acme, globex, acme.replace('"ERROR"', '"INFO"'), TEXT, OTHER];
    const pattern = parseFilterPattern('{ $.tenantId = "acme" }');

    expect(lines.filter((line) => pattern.matches(line))).toEqual([acme, acme.replace('"ERROR"', '"INFO"')]);
  });

  it.each([
    '{ $.level = "ERROR" ',
    '{ }',
    '{ level = "ERROR" }',
    '{ $.level "ERROR" }',
    '{ $.level = }',
    '{ $.code > "x" }',
    '{ $.code IS MAYBE }',
    '{ ($.a = 1 }',
    '[ip, user, status]',
    '%[%',
  ])('refuses %s', (pattern) => {
    expect(() => parseFilterPattern(pattern)).toThrow(FilterPatternError);
  });
});
