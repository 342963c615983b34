/**
 * Puts tenant lifecycle events on the control plane's bus (contracts/lifecycle-events.ts names
 * them, contracts/schemas/events.ts gives each detail's schema). A function that emits gets the
 * bus name in LIFECYCLE_EVENT_BUS_NAME and `events:PutEvents` on that bus only
 * (infra/constructs/lifecycle-event-bus.ts).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LIFECYCLE_EVENT_SOURCES, type LifecycleDetailType } from '../../contracts/lifecycle-events';
import type { LifecycleEventDetails } from '../../contracts/schemas/events';
import { traced } from '../../layers/tenant-context/observability';
import { defineEnv, lazy } from './env';

/** One event: its detail-type and the detail its schema describes. */
export type LifecycleEvent = {
  [K in LifecycleDetailType]: { readonly detailType: K; readonly detail: LifecycleEventDetails[K] };
}[LifecycleDetailType];

/** Puts events in one PutEvents call; rejects when any entry was not put. */
export type LifecycleEventPublisher = (...events: LifecycleEvent[]) => Promise<void>;

/**
 * EventBridge accepted the call but not every entry (FailedEntryCount > 0, e.g. throttled or an
 * internal failure). Worth retrying: a workflow's Retry matches it as TransientStepError
 * (shared/env.ts isTransientAwsError), and the event's key lets consumers drop the repeat.
 */
export class LifecycleEventsNotPutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LifecycleEventsNotPutError';
  }
}

/** A publisher on a client's `send` (the real EventBridge client in Lambda, a fake in unit tests). */
export function lifecycleEventPublisher(
  client: Pick<EventBridgeClient, 'send'>,
  busName: () => string,
): LifecycleEventPublisher {
  return async (...events) => {
    if (events.length === 0) return;
    const result = await client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: busName(),
          Source: LIFECYCLE_EVENT_SOURCES[event.detailType],
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        })),
      }),
    );
    if (!result.FailedEntryCount) return;
    const failures = (result.Entries ?? [])
      .map((entry, i) =>
        entry.ErrorCode ? `${events[i]?.detailType}: ${entry.ErrorCode} ${entry.ErrorMessage ?? ''}` : '',
      )
      .filter(Boolean);
    throw new LifecycleEventsNotPutError(
      `${result.FailedEntryCount} of ${events.length} lifecycle events not put (${failures.join('; ').trim()})`,
    );
  };
}

const env = defineEnv(['LIFECYCLE_EVENT_BUS_NAME']);

/** The function's publisher: the real, traced EventBridge client, created at first use. */
export const lifecycleEvents = lazy(() =>
  lifecycleEventPublisher(traced(new EventBridgeClient({})), () => env.LIFECYCLE_EVENT_BUS_NAME),
);
