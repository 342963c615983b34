/**
 * Invokes a Lambda function the way API Gateway waits for one: within the integration timeout,
 * a synchronous throw counted as a function error, no timer left behind.
 */
import type { Invoke, InvokeOptions } from './types';

/** How an invocation ended. */
export type Settled<T> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

/** Invokes a function and says how that ended; never rejects. */
export type InvokeWithin = (functionName: string, event: unknown, options?: InvokeOptions) => Promise<Settled<unknown>>;

/** Settles a promise or times out after `ms`, clearing the timer either way. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settled<T> => ({ kind: 'value', value }),
        (error: unknown): Settled<T> => ({ kind: 'error', error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `invoke` bounded by `timeoutMs`. */
export function invokeWithin(invoke: Invoke, timeoutMs: number): InvokeWithin {
  // Through a resolved promise, so that a runtime that throws synchronously is a rejection too.
  return (functionName, event, options) =>
    settleWithin(
      Promise.resolve().then(() => invoke(functionName, event, options)),
      timeoutMs,
    );
}
