/**
 * Evaluation of the IAM policy a Lambda authorizer returns, against a request's method ARN,
 * as API Gateway does: explicit Deny wins, then any Allow, otherwise an implicit deny.
 * Pure: no sockets, no clock.
 */

/** The parts of an `execute-api` method ARN. */
export interface MethodArnParts {
  readonly partition?: string;
  readonly region: string;
  readonly accountId: string;
  readonly restApiId: string;
  readonly stage: string;
  readonly httpMethod: string;
  /** The request path (not the resource template), with or without the leading `/`. */
  readonly path: string;
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` (root → trailing `/`). */
export function methodArn(parts: MethodArnParts): string {
  const path = parts.path.startsWith('/') ? parts.path.slice(1) : parts.path;
  return `arn:${parts.partition ?? 'aws'}:execute-api:${parts.region}:${parts.accountId}:${parts.restApiId}/${parts.stage}/${parts.httpMethod.toUpperCase()}/${path}`;
}

/** Outcome of a policy evaluation. */
export type PolicyDecision = 'ALLOW' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';

/** The policy document is not something API Gateway would accept (→ 500 AuthorizerConfigurationException). */
export class PolicyFormatError extends Error {
  override readonly name = 'PolicyFormatError';
}

type Matcher = (value: string) => boolean;

interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Matches the action `execute-api:Invoke`; pre-computed since the action never varies. */
  readonly actionMatches: boolean;
  readonly resource: Matcher;
}

/** A validated, pre-compiled policy; evaluate it against many method ARNs (cached results). */
export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
}

const INVOKE_ACTION = 'execute-api:Invoke';

/**
 * IAM wildcard matching: `*` is any run of characters (including `/` and `:`), `?` is exactly
 * one character, everything else is literal. Actions compare case-insensitively, ARNs do not.
 */
export function wildcardMatcher(pattern: string, ignoreCase = false): Matcher {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    const expected = ignoreCase ? pattern.toLowerCase() : pattern;
    return ignoreCase ? (value) => value.toLowerCase() === expected : (value) => value === expected;
  }
  const source = pattern
    .split('')
    .map((char) => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  const regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
  return (value) => regex.test(value);
}

function stringList(value: unknown, field: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  throw new PolicyFormatError(`policy statement ${field} must be a string or a non-empty list of strings`);
}

function anyOf(matchers: readonly Matcher[]): Matcher {
  return (value) => matchers.some((matcher) => matcher(value));
}

function compileStatement(raw: unknown): CompiledStatement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyFormatError('policy statement must be an object');
  }
  const statement = raw as Record<string, unknown>;
  const effect = statement.Effect;
  // IAM treats Effect case-sensitively; a policy with "allow" is invalid, not permissive.
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyFormatError(`policy statement Effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
  }
  let actionMatches: boolean;
  if (statement.Action !== undefined) {
    actionMatches = anyOf(stringList(statement.Action, 'Action').map((a) => wildcardMatcher(a, true)))(INVOKE_ACTION);
  } else if (statement.NotAction !== undefined) {
    actionMatches = !anyOf(stringList(statement.NotAction, 'NotAction').map((a) => wildcardMatcher(a, true)))(
      INVOKE_ACTION,
    );
  } else {
    throw new PolicyFormatError('policy statement needs Action or NotAction');
  }
  let resource: Matcher;
  if (statement.Resource !== undefined) {
    resource = anyOf(stringList(statement.Resource, 'Resource').map((r) => wildcardMatcher(r)));
  } else if (statement.NotResource !== undefined) {
    const excluded = anyOf(stringList(statement.NotResource, 'NotResource').map((r) => wildcardMatcher(r)));
    resource = (value) => !excluded(value);
  } else {
    throw new PolicyFormatError('policy statement needs Resource or NotResource');
  }
  return { effect, actionMatches, resource };
}

/** Validates and compiles an authorizer's `policyDocument`. Throws {@link PolicyFormatError}. */
export function compilePolicy(policyDocument: unknown): CompiledPolicy {
  if (typeof policyDocument !== 'object' || policyDocument === null || Array.isArray(policyDocument)) {
    throw new PolicyFormatError('policyDocument must be an object');
  }
  const rawStatements = (policyDocument as Record<string, unknown>).Statement;
  if (rawStatements === undefined) throw new PolicyFormatError('policyDocument.Statement is missing');
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  return { statements: list.map(compileStatement) };
}

/** Evaluates a compiled policy for `execute-api:Invoke` on a method ARN. */
export function evaluatePolicy(policy: CompiledPolicy, arn: string): PolicyDecision {
  let allowed = false;
  for (const statement of policy.statements) {
    if (!statement.actionMatches || !statement.resource(arn)) continue;
    if (statement.effect === 'Deny') return 'EXPLICIT_DENY';
    allowed = true;
  }
  return allowed ? 'ALLOW' : 'IMPLICIT_DENY';
}
