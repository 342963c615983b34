/**
 * Execution history events in the shape of the GetExecutionHistory API: `type`, `id`,
 * `previousEventId`, `timestamp` and one `<camelType>EventDetails` object (state events share
 * `stateEnteredEventDetails` / `stateExitedEventDetails`, as in AWS).
 */

/** One stored history event; `timestamp` is epoch milliseconds (the wire form is epoch seconds). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [detailsKey: string]: unknown;
}

/** Free-form details of an event; undefined fields are dropped when serialized, as AWS omits them. */
export type EventDetails = Record<string, unknown>;

/** The key AWS puts an event's details under, e.g. 'TaskStateEntered' → 'stateEnteredEventDetails'. */
export function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/** Creates the next event of `events` (ids count from 1; each event follows the one before it). */
export function nextEvent(events: readonly HistoryEvent[], type: string, details?: EventDetails): HistoryEvent {
  const id = (events.at(-1)?.id ?? 0) + 1;
  const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: Date.now(), type };
  if (details) event[detailsKey(type)] = details;
  return event;
}

/** JSON text of a value as AWS puts it in `input`/`output` fields. */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Data-carrying detail fields removed when GetExecutionHistory is called with includeExecutionData=false. */
const DATA_FIELDS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

/** The wire form of an event: epoch seconds, and optionally without input/output data. */
export function toWire(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...event, timestamp: event.timestamp / 1000 };
  if (includeData) return wire;
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') continue;
    wire[key] = Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)));
  }
  return wire;
}
