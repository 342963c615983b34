/**
 * X-Ray filter expressions (GetTraceSummaries' FilterExpression, a group's filter): a lexer and
 * a recursive-descent parser into a small syntax tree, which `filter-evaluator.ts` runs against
 * a trace. The grammar (X-Ray's, the parts a person uses):
 *
 * ```
 * expr      := and (("OR" | "||") and)*
 * and       := unary (("AND" | "&&") unary)*
 * unary     := "!" unary | "(" expr ")" | condition
 * condition := flag [("=" | "!=") bool]                 ok error fault throttle partial
 *            | number numop NUMBER                      responsetime duration http.status
 *            | string strop STRING                      http.url http.method http.useragent http.clientip user
 *            | "annotation." key op (STRING | NUMBER | bool)
 *            | "service(" [STRING | id] ")" ["{" expr "}"]
 *            | ("group.name" | "group.arn") ("=" | "!=") STRING
 * id        := "id(" "name" ":" STRING ["," "type" ":" STRING] ")"
 * numop     := "=" | "!=" | "<" | "<=" | ">" | ">="
 * strop     := "=" | "!=" | "CONTAINS" | "BEGINSWITH" | "ENDSWITH"
 * ```
 *
 * Anything else (`edge()`, `rootcause.…`, `json.…`, an unknown keyword) is a
 * {@link FilterExpressionError}, which the API answers with InvalidRequestException.
 */
import type { AnnotationScalar } from './segment-document';

export type NumberOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringOp = '=' | '!=' | 'CONTAINS' | 'BEGINSWITH' | 'ENDSWITH';
export type FlagKeyword = 'ok' | 'error' | 'fault' | 'throttle' | 'partial';
export type NumberKeyword = 'responsetime' | 'duration' | 'http.status';
export type StringKeyword = 'http.url' | 'http.method' | 'http.useragent' | 'http.clientip' | 'user';

/** A parsed filter expression. */
export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'flag'; readonly flag: FlagKeyword; readonly value: boolean }
  | { readonly kind: 'number'; readonly field: NumberKeyword; readonly op: NumberOp; readonly value: number }
  | { readonly kind: 'string'; readonly field: StringKeyword; readonly op: StringOp; readonly value: string }
  | {
      readonly kind: 'annotation';
      readonly key: string;
      readonly op: NumberOp | StringOp;
      readonly value: AnnotationScalar;
    }
  | { readonly kind: 'service'; readonly name?: string; readonly type?: string; readonly filter?: FilterNode }
  | { readonly kind: 'group'; readonly by: 'name' | 'arn'; readonly op: '=' | '!='; readonly value: string };

/** A filter expression X-Ray would refuse; `position` is the offset of the offending token. */
export class FilterExpressionError extends Error {
  override readonly name = 'FilterExpressionError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at position ${position})`);
  }
}

type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

const FLAGS: readonly string[] = ['ok', 'error', 'fault', 'throttle', 'partial'];
const NUMBER_KEYWORDS: readonly string[] = ['responsetime', 'duration', 'http.status'];
const STRING_KEYWORDS: readonly string[] = ['http.url', 'http.method', 'http.useragent', 'http.clientip', 'user'];
const NUMBER_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_OPS: readonly string[] = ['=', '!=', 'CONTAINS', 'BEGINSWITH', 'ENDSWITH'];
const PUNCTUATION = ['&&', '||', '!=', '<=', '>=', '=', '<', '>', '!', '(', ')', '{', '}', ',', ':'];

/** Reads a double-quoted string starting at `start` (the quote); returns its value and where it ends. */
function readString(source: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\' && i + 1 < source.length) {
      i += 1;
      value += source[i];
    } else value += ch;
  }
  throw new FilterExpressionError('Unterminated string', start);
}

/** Splits an expression into tokens. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '"') {
      const { value, end } = readString(source, i);
      tokens.push({ kind: 'string', text: value, at: i });
      i = end;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) throw new FilterExpressionError(`Unexpected character '${ch}'`, i);
    tokens.push({ kind: 'punct', text: punct, at: i });
    i += punct.length;
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

/** Recursive-descent parser over the tokens; `inService` forbids nesting `service()` and groups. */
class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at += 1;
    return token;
  }
  private fail(message: string, token: Token = this.peek()): never {
    throw new FilterExpressionError(token.kind === 'end' ? `${message}, found the end` : message, token.at);
  }
  private isWord(token: Token, ...words: string[]): boolean {
    return token.kind === 'word' && words.includes(token.text.toUpperCase());
  }
  private expect(punct: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== punct) this.fail(`Expected '${punct}'`, token);
    return token;
  }

  parseAll(): FilterNode {
    const node = this.parseOr(false);
    if (this.peek().kind !== 'end') this.fail(`Unexpected '${this.peek().text}'`);
    return node;
  }

  parseOr(inService: boolean): FilterNode {
    let left = this.parseAnd(inService);
    while (this.isWord(this.peek(), 'OR') || this.peek().text === '||') {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inService) };
    }
    return left;
  }

  private parseAnd(inService: boolean): FilterNode {
    let left = this.parseUnary(inService);
    while (this.isWord(this.peek(), 'AND') || this.peek().text === '&&') {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary(inService) };
    }
    return left;
  }

  private parseUnary(inService: boolean): FilterNode {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '!') {
      this.next();
      return { kind: 'not', operand: this.parseUnary(inService) };
    }
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      const inner = this.parseOr(inService);
      this.expect(')');
      return inner;
    }
    if (token.kind !== 'word') this.fail('Expected a keyword, "!" or "("');
    return this.parseCondition(inService);
  }

  private parseCondition(inService: boolean): FilterNode {
    const token = this.next();
    const word = token.text;
    if (FLAGS.includes(word)) return this.parseFlag(word as FlagKeyword);
    if (NUMBER_KEYWORDS.includes(word)) {
      const op = this.parseOp(NUMBER_OPS, word) as NumberOp;
      return { kind: 'number', field: word as NumberKeyword, op, value: this.parseNumber() };
    }
    if (STRING_KEYWORDS.includes(word)) {
      const op = this.parseOp(STRING_OPS, word) as StringOp;
      return { kind: 'string', field: word as StringKeyword, op, value: this.parseStringValue() };
    }
    if (word.startsWith('annotation.')) return this.parseAnnotation(token);
    if (word === 'service' && !inService) return this.parseService();
    if ((word === 'group.name' || word === 'group.arn') && !inService) {
      const op = this.parseOp(['=', '!='], word) as '=' | '!=';
      return { kind: 'group', by: word === 'group.name' ? 'name' : 'arn', op, value: this.parseStringValue() };
    }
    if (word === 'service' || word.startsWith('group.'))
      this.fail(`'${word}' cannot be used inside service() { }`, token);
    return this.fail(`Unknown or unsupported keyword '${word}'`, token);
  }

  private parseFlag(flag: FlagKeyword): FilterNode {
    const token = this.peek();
    if (token.kind !== 'punct' || (token.text !== '=' && token.text !== '!='))
      return { kind: 'flag', flag, value: true };
    this.next();
    const value = this.parseBoolean();
    return { kind: 'flag', flag, value: token.text === '=' ? value : !value };
  }

  private parseOp(allowed: readonly string[], keyword: string): string {
    const token = this.next();
    const text = token.kind === 'word' ? token.text.toUpperCase() : token.text;
    if ((token.kind === 'punct' || token.kind === 'word') && allowed.includes(text)) return text;
    return this.fail(`'${keyword}' takes one of ${allowed.join(' ')}`, token);
  }

  private parseNumber(): number {
    const token = this.next();
    if (token.kind !== 'number') this.fail('Expected a number', token);
    return Number(token.text);
  }

  private parseStringValue(): string {
    const token = this.next();
    if (token.kind !== 'string') this.fail('Expected a string in double quotes', token);
    return token.text;
  }

  private parseBoolean(): boolean {
    const token = this.next();
    if (token.kind === 'word' && (token.text === 'true' || token.text === 'false')) return token.text === 'true';
    return this.fail('Expected true or false', token);
  }

  private parseAnnotation(keyToken: Token): FilterNode {
    const key = keyToken.text.slice('annotation.'.length);
    if (!/^[A-Za-z0-9_]+$/.test(key)) this.fail(`Invalid annotation key '${key}'`, keyToken);
    const opToken = this.peek();
    const op = this.parseOp([...NUMBER_OPS, ...STRING_OPS.slice(2)], keyToken.text) as NumberOp | StringOp;
    const valueToken = this.next();
    let value: AnnotationScalar;
    if (valueToken.kind === 'string') value = valueToken.text;
    else if (valueToken.kind === 'number') value = Number(valueToken.text);
    else if (valueToken.kind === 'word' && (valueToken.text === 'true' || valueToken.text === 'false'))
      value = valueToken.text === 'true';
    else return this.fail('Expected a string, a number, true or false', valueToken);
    const fits =
      typeof value === 'string'
        ? STRING_OPS.includes(op)
        : typeof value === 'number'
          ? NUMBER_OPS.includes(op)
          : op === '=' || op === '!=';
    if (!fits) this.fail(`'${op}' does not compare a ${typeof value}`, opToken);
    return { kind: 'annotation', key, op, value };
  }

  private parseService(): FilterNode {
    this.expect('(');
    let name: string | undefined;
    let type: string | undefined;
    const token = this.peek();
    if (token.kind === 'string') name = this.next().text;
    else if (token.kind === 'word' && token.text === 'id') ({ name, type } = this.parseServiceId());
    this.expect(')');
    if (this.peek().kind !== 'punct' || this.peek().text !== '{') return { kind: 'service', name, type };
    this.next();
    const filter = this.parseOr(true);
    this.expect('}');
    return { kind: 'service', name, type, filter };
  }

  private parseServiceId(): { name?: string; type?: string } {
    this.next();
    this.expect('(');
    const fields: Record<string, string> = {};
    do {
      const key = this.next();
      if (key.kind !== 'word' || !['name', 'type'].includes(key.text)) this.fail('id() takes name and type', key);
      this.expect(':');
      fields[key.text] = this.parseStringValue();
    } while (this.peek().text === ',' && this.next());
    this.expect(')');
    return { name: fields.name, type: fields.type };
  }
}

/** Parses a filter expression; throws {@link FilterExpressionError}. */
export function parseFilterExpression(source: string): FilterNode {
  if (source.trim() === '') throw new FilterExpressionError('The filter expression is empty', 0);
  return new Parser(tokenize(source)).parseAll();
}

/** The groups an expression refers to (`group.name = "…"`, `group.arn = "…"`). */
export function referencedGroups(node: FilterNode): { by: 'name' | 'arn'; value: string }[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...referencedGroups(node.left), ...referencedGroups(node.right)];
    case 'not':
      return referencedGroups(node.operand);
    case 'group':
      return [{ by: node.by, value: node.value }];
    default:
      return [];
  }
}
