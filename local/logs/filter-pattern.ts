/**
 * CloudWatch Logs filter patterns, parsed once and matched against log event messages (what
 * FilterLogEvents, subscription filters and metric filters share).
 *
 * Supported, as CloudWatch documents them:
 * - the empty pattern (every event);
 * - terms of unstructured events, case sensitive, each matched as a substring: `ERROR`,
 *   `"Failed to"` (a quoted phrase), several terms all required (AND), `?ERROR ?WARN` (any of
 *   the `?` terms), `-DEBUG` / `-"a phrase"` (excluded), `%regex%`;
 * - JSON patterns `{ <selector> <op> <value> }` on events whose message is a JSON object:
 *   selectors `$.a.b`, `$.list[0]`, `$.list[*]` (any element); `=` and `!=` with strings
 *   (quoted or not, `*` as a wildcard), numbers, `%regex%`; `<`, `<=`, `>`, `>=` with numbers;
 *   `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`; `&&`, `||` (`&&` binds tighter)
 *   and parentheses. A comparison on a field the event lacks never matches (`!=` included).
 *
 * Not supported: space-delimited patterns (`[ip, user, ...]`), which are refused with
 * {@link FilterPatternError} so a caller is not misled by silently wrong matches.
 */

/** A pattern CloudWatch would refuse, or one the local cloud does not support. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

/** A parsed filter pattern. */
export interface FilterPattern {
  /** The pattern as given. */
  readonly source: string;
  /** Whether a log event with this message matches. */
  matches(message: string): boolean;
}

type Json = unknown;
type Condition = (root: Json) => boolean;

interface Term {
  readonly kind: 'and' | 'or' | 'not';
  readonly test: (message: string) => boolean;
}

/** Parses a filter pattern; throws {@link FilterPatternError} if it is not valid. */
export function parseFilterPattern(source: string): FilterPattern {
  const text = source.trim();
  if (text === '') return { source, matches: () => true };
  if (text.startsWith('[')) throw new FilterPatternError('Space-delimited filter patterns are not supported locally');
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new FilterPatternError('A JSON filter pattern must end with }');
    const condition = new JsonPatternParser(text.slice(1, -1)).parse();
    return {
      source,
      matches: (message) => {
        const root = parseJsonObject(message);
        return root !== undefined && condition(root);
      },
    };
  }
  const terms = parseTerms(text);
  const ands = terms.filter((t) => t.kind === 'and');
  const ors = terms.filter((t) => t.kind === 'or');
  const nots = terms.filter((t) => t.kind === 'not');
  return {
    source,
    matches: (message) =>
      ands.every((t) => t.test(message)) &&
      !nots.some((t) => t.test(message)) &&
      (ors.length === 0 || ors.some((t) => t.test(message))),
  };
}

/** The message as a JSON object or array, or undefined when it is not one. */
function parseJsonObject(message: string): Json | undefined {
  const trimmed = message.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function regexOf(body: string): RegExp {
  try {
    return new RegExp(body);
  } catch {
    throw new FilterPatternError(`Invalid regular expression %${body}%`);
  }
}

/** Splits an unstructured pattern into its terms. */
function parseTerms(text: string): Term[] {
  const terms: Term[] = [];
  const tokenizer = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|%((?:[^%\\]|\\.)+)%|([^\s"]+))/gy;
  let end = 0;
  while (end < text.length) {
    const match = tokenizer.exec(text);
    if (!match) break;
    end = tokenizer.lastIndex;
    const [, sign, quoted, regex, word] = match;
    const kind = sign === '?' ? 'or' : sign === '-' ? 'not' : 'and';
    if (regex !== undefined) {
      const pattern = regexOf(regex);
      terms.push({ kind, test: (message) => pattern.test(message) });
    } else {
      const needle = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (word ?? '');
      terms.push({ kind, test: (message) => message.includes(needle) });
    }
  }
  if (text.slice(end).trim() !== '') throw new FilterPatternError(`Invalid filter pattern near: ${text.slice(end)}`);
  return terms;
}

type Token =
  | { kind: 'selector'; path: readonly (string | number | '*')[] }
  | { kind: 'op'; value: string }
  | { kind: 'string'; value: string; wildcard: boolean }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'regex'; value: RegExp }
  | { kind: 'word'; value: string }
  | { kind: 'paren'; value: '(' | ')' };

const TOKEN =
  /\s*(?:(\$(?:\.[\w@:-]+|\[(?:\d+|\*)\])*)|(&&|\|\||!=|<=|>=|=|<|>)|"((?:[^"\\]|\\.)*)"|%((?:[^%\\]|\\.)+)%|([()])|([^\s()"=!<>&|]+))/y;

/** Tokens of a JSON pattern's body. */
function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (body.slice(TOKEN.lastIndex).trim() !== '') {
    const match = TOKEN.exec(body);
    if (!match) throw new FilterPatternError(`Invalid JSON filter pattern near: ${body.slice(TOKEN.lastIndex)}`);
    const [, selector, op, quoted, regex, paren, word] = match;
    if (selector !== undefined) tokens.push({ kind: 'selector', path: selectorPath(selector) });
    else if (op !== undefined) tokens.push({ kind: 'op', value: op });
    else if (quoted !== undefined)
      tokens.push({ kind: 'string', value: quoted.replace(/\\(.)/g, '$1'), wildcard: true });
    else if (regex !== undefined) tokens.push({ kind: 'regex', value: regexOf(regex) });
    else if (paren !== undefined) tokens.push({ kind: 'paren', value: paren as '(' | ')' });
    else if (word !== undefined && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word))
      tokens.push({ kind: 'number', value: Number(word), text: word });
    else if (word !== undefined) tokens.push({ kind: 'word', value: word });
  }
  return tokens;
}

function selectorPath(selector: string): (string | number | '*')[] {
  const path: (string | number | '*')[] = [];
  for (const [, key, index] of selector.matchAll(/\.([\w@:-]+)|\[(\d+|\*)\]/g)) {
    if (key !== undefined) path.push(key);
    else path.push(index === '*' ? '*' : Number(index));
  }
  return path;
}

/** The values a selector reaches in a document (several through `[*]`). */
function select(root: Json, path: readonly (string | number | '*')[]): Json[] {
  let current: Json[] = [root];
  for (const step of path) {
    const next: Json[] = [];
    for (const value of current) {
      if (step === '*') {
        if (Array.isArray(value)) next.push(...value);
      } else if (typeof step === 'number') {
        if (Array.isArray(value) && step < value.length) next.push(value[step]);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step)) {
        next.push((value as Record<string, Json>)[step]);
      }
    }
    current = next;
  }
  return current;
}

function wildcardRegex(value: string): RegExp {
  return new RegExp(
    `^${value
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The test of one comparison `<selector> <op> <value>` on one selected value. */
function comparison(op: string, operand: Token): (value: Json) => boolean {
  if (op === '=' || op === '!=') {
    const equal = equalityOf(operand);
    return op === '=' ? equal : (value) => !equal(value);
  }
  if (operand.kind !== 'number') throw new FilterPatternError(`The operator ${op} needs a number`);
  const bound = operand.value;
  const compare = {
    '<': (v: number) => v < bound,
    '<=': (v: number) => v <= bound,
    '>': (v: number) => v > bound,
    '>=': (v: number) => v >= bound,
  }[op];
  if (!compare) throw new FilterPatternError(`Unknown operator ${op}`);
  return (value) => typeof value === 'number' && compare(value);
}

function equalityOf(operand: Token): (value: Json) => boolean {
  if (operand.kind === 'number')
    return (value) => (typeof value === 'number' ? value === operand.value : String(value) === operand.text);
  if (operand.kind === 'regex') return (value) => typeof value === 'string' && operand.value.test(value);
  if (operand.kind === 'string' || operand.kind === 'word') {
    const pattern = operand.value.includes('*') ? wildcardRegex(operand.value) : undefined;
    return (value) => {
      if (value === null || typeof value === 'object') return false;
      const text = String(value);
      return pattern ? pattern.test(text) : text === operand.value;
    };
  }
  throw new FilterPatternError('A comparison needs a value');
}

/** Recursive descent over the tokens of a JSON pattern: or → and → unary. */
class JsonPatternParser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(body: string) {
    this.tokens = tokenize(body);
  }

  parse(): Condition {
    if (this.tokens.length === 0) throw new FilterPatternError('Empty JSON filter pattern');
    const condition = this.or();
    if (this.position < this.tokens.length) throw new FilterPatternError('Unexpected text in the JSON filter pattern');
    return condition;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new FilterPatternError('The JSON filter pattern ends too early');
    return token;
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.value === value;
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.isOp('||')) {
      this.position++;
      parts.push(this.and());
    }
    return parts.length === 1 ? (parts[0] as Condition) : (root) => parts.some((part) => part(root));
  }

  private and(): Condition {
    const parts = [this.unary()];
    while (this.isOp('&&')) {
      this.position++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? (parts[0] as Condition) : (root) => parts.every((part) => part(root));
  }

  private unary(): Condition {
    const token = this.next();
    if (token.kind === 'paren' && token.value === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.kind !== 'paren' || close.value !== ')')
        throw new FilterPatternError('Missing ) in the filter pattern');
      return inner;
    }
    if (token.kind !== 'selector') throw new FilterPatternError('A JSON filter pattern compares $.selectors');
    return this.predicate(token.path);
  }

  private predicate(path: readonly (string | number | '*')[]): Condition {
    const token = this.next();
    if (token.kind === 'op') {
      const test = comparison(token.value, this.next());
      return (root) => select(root, path).some(test);
    }
    const keyword = token.kind === 'word' ? token.value.toUpperCase() : '';
    if (keyword === 'EXISTS') return (root) => select(root, path).length > 0;
    if (keyword === 'NOT' && this.wordIs('EXISTS')) return (root) => select(root, path).length === 0;
    if (keyword === 'IS') {
      const expected = { NULL: null, TRUE: true, FALSE: false }[this.word()];
      if (expected === undefined) throw new FilterPatternError('IS takes NULL, TRUE or FALSE');
      return (root) => select(root, path).some((value) => value === expected);
    }
    throw new FilterPatternError('A selector needs an operator');
  }

  private word(): 'NULL' | 'TRUE' | 'FALSE' | string {
    const token = this.next();
    return token.kind === 'word' ? token.value.toUpperCase() : '';
  }

  private wordIs(expected: string): boolean {
    return this.word() === expected;
  }
}
