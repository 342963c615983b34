/**
 * Interprets what a Lambda authorizer returned (or threw) the way API Gateway does. Pure.
 */
import { type CompiledPolicy, compilePolicy, PolicyFormatError } from './policy';

/** A valid authorizer output, ready to be cached and evaluated per request. */
export interface AuthorizerGrant {
  readonly principalId: string;
  readonly policy: CompiledPolicy;
  /** Context values stringified (numbers and booleans become strings, null stays null). */
  readonly context: Readonly<Record<string, string | null>>;
  readonly usageIdentifierKey: string | undefined;
}

/** What the gateway does with an authorizer invocation. */
export type AuthorizerOutcome =
  | { readonly kind: 'GRANT'; readonly grant: AuthorizerGrant }
  /** The function said "Unauthorized": 401. */
  | { readonly kind: 'UNAUTHORIZED' }
  /** Anything else that went wrong: 500 AuthorizerConfigurationException. */
  | { readonly kind: 'CONFIG_ERROR'; readonly reason: string };

const UNAUTHORIZED = 'Unauthorized';

function errorMessageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null) {
    // The Lambda error payload shape ({errorType, errorMessage}) when a runtime reports it as data.
    const message = (value as Record<string, unknown>).errorMessage;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/**
 * A rejected invocation: `throw new Error('Unauthorized')` or `callback('Unauthorized')` in the
 * authorizer is API Gateway's way to say 401; any other failure is a configuration error.
 */
export function interpretAuthorizerError(error: unknown): AuthorizerOutcome {
  const message = errorMessageOf(error);
  if (message === UNAUTHORIZED) return { kind: 'UNAUTHORIZED' };
  return { kind: 'CONFIG_ERROR', reason: `authorizer failed: ${message ?? String(error)}` };
}

function stringifyContext(raw: unknown): Record<string, string | null> | string {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'context must be an object';
  const context: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (value === null) context[key] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      // API Gateway hands every context value to the integration as a string.
      context[key] = String(value);
    } else {
      return `context.${key} must be a string, number or boolean (API Gateway rejects objects and arrays)`;
    }
  }
  return context;
}

/** A resolved invocation: validates `principalId`, `policyDocument`, `context`, `usageIdentifierKey`. */
export function interpretAuthorizerResult(result: unknown): AuthorizerOutcome {
  if (result instanceof Error || (typeof result === 'object' && result !== null && 'errorMessage' in result)) {
    return interpretAuthorizerError(result);
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return { kind: 'CONFIG_ERROR', reason: 'authorizer result must be an object' };
  }
  const output = result as Record<string, unknown>;
  if (typeof output.principalId !== 'string') {
    return { kind: 'CONFIG_ERROR', reason: 'authorizer result needs a string principalId' };
  }
  let policy: CompiledPolicy;
  try {
    policy = compilePolicy(output.policyDocument);
  } catch (error) {
    if (error instanceof PolicyFormatError) return { kind: 'CONFIG_ERROR', reason: error.message };
    throw error;
  }
  const context = stringifyContext(output.context);
  if (typeof context === 'string') return { kind: 'CONFIG_ERROR', reason: context };
  const key = output.usageIdentifierKey;
  if (key !== undefined && key !== null && typeof key !== 'string') {
    return { kind: 'CONFIG_ERROR', reason: 'usageIdentifierKey must be a string' };
  }
  return {
    kind: 'GRANT',
    grant: { principalId: output.principalId, policy, context, usageIdentifierKey: key ?? undefined },
  };
}
