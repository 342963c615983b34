/**
 * Helpers of the control-plane functions that need no AWS SDK client: a module that imports only
 * these (e.g. the validate step) bundles without the SDK.
 */

/** Reads a required environment variable; a missing one is a deployment bug, reported by name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/**
 * A function's environment, typed and read lazily: `const env = defineEnv(['TABLE'], ['OPTIONAL'])`
 * gives `env.TABLE: string` and `env.OPTIONAL: string | undefined`. A required variable that is
 * missing (or empty) is an error at first use, naming it — never a silently empty string — and
 * reading at use (not at import) lets tests set the environment after the import.
 */
export function defineEnv<const Required extends readonly string[], const Optional extends readonly string[] = []>(
  required: Required,
  optional: Optional = [] as unknown as Optional,
): { readonly [K in Required[number]]: string } & { readonly [K in Optional[number]]: string | undefined } {
  const env = {};
  for (const name of required) Object.defineProperty(env, name, { enumerable: true, get: () => requiredEnv(name) });
  for (const name of optional)
    Object.defineProperty(env, name, { enumerable: true, get: () => process.env[name] || undefined });
  return env as { readonly [K in Required[number]]: string } & { readonly [K in Optional[number]]: string | undefined };
}

/** One client per execution environment, created at first use (not at import: cold start, tests). */
export function lazy<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

/** A failure worth retrying (throttling, 5xx, timeouts); the workflows' Retry matches on its name. */
export class TransientStepError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStepError';
  }
}

/** Runs a workflow step's work; a transient AWS error becomes TransientStepError (`what` prefixes its message). */
export async function transientAware<T>(run: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isTransientAwsError(error)) throw error;
    const message = (error as Error).message;
    throw new TransientStepError(what ? `${what}: ${message}` : message, { cause: error });
  }
}

/** True for errors worth retrying: throttling, 5xx and timeouts. */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    status >= 500 ||
    e.$retryable !== undefined ||
    [
      'ThrottlingException',
      'TooManyRequestsException',
      'ProvisionedThroughputExceededException',
      'TimeoutError',
      'RequestTimeout',
      // PutEvents accepted, some entries not put (shared/lifecycle-events.ts): put them again.
      'LifecycleEventsNotPutError',
    ].includes(e.name ?? '')
  );
}
