/** What the local X-Ray tests share: the segment document shape they read, and a guard. */

/** A segment document as BatchGetTraces returns it, the fields the tests read. */
export interface SegmentDoc {
  readonly id: string;
  readonly name: string;
  readonly origin?: string;
  readonly parent_id?: string;
  readonly start_time: number;
  readonly end_time: number;
  readonly fault?: boolean;
  readonly annotations?: Record<string, unknown>;
  readonly aws?: { readonly function_name?: string };
  readonly subsegments?: SegmentDoc[];
}

/** The value, or a test failure naming what is missing. */
export function must<T>(value: T | undefined, what = 'a document'): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}
