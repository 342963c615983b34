/**
 * Derives the user-facing steps of a workflow execution from its Step Functions history:
 * one entry per Task state, latest attempt wins (so a redriven step shows its new outcome).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

import type { StepStatus } from '../../contracts/rules';
import type { ExecutionStep } from '../../contracts/schemas/control-plane';

export type { ExecutionStep, StepStatus };

interface MutableStep {
  name: string;
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  error?: string;
  lastAttemptFailed: boolean;
}

function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    event.taskFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails
  );
}

function describeFailure(failure: { error?: string; cause?: string }): string {
  const cause = failure.cause ? `: ${failure.cause}` : '';
  return `${failure.error ?? 'Error'}${cause}`;
}

export function stepsFromHistory(events: readonly HistoryEvent[], hidden: readonly string[] = []): ExecutionStep[] {
  const steps = new Map<string, MutableStep>();
  let current: MutableStep | undefined;
  for (const event of events) {
    const at = (event.timestamp ?? new Date(0)).toISOString();
    switch (event.type) {
      case 'TaskStateEntered': {
        const name = event.stateEnteredEventDetails?.name ?? 'unknown';
        current = { name, status: 'IN_PROGRESS', startedAt: at, lastAttemptFailed: false };
        // Re-inserting moves a redriven step to its new position in time.
        steps.delete(name);
        if (!hidden.includes(name)) steps.set(name, current);
        break;
      }
      case 'TaskSucceeded':
      case 'LambdaFunctionSucceeded':
        if (current) current.lastAttemptFailed = false;
        break;
      case 'TaskFailed':
      case 'LambdaFunctionFailed':
      case 'TaskTimedOut':
      case 'LambdaFunctionTimedOut':
      case 'LambdaFunctionScheduleFailed':
      case 'LambdaFunctionStartFailed':
      case 'TaskStartFailed':
      case 'TaskSubmitFailed': {
        if (current) {
          current.lastAttemptFailed = true;
          current.error = describeFailure(failureOf(event) ?? {});
        }
        break;
      }
      case 'TaskStateExited':
        if (current) {
          current.status = current.lastAttemptFailed ? 'FAILED' : 'SUCCEEDED';
          current.endedAt = at;
          if (!current.lastAttemptFailed) current.error = undefined;
          current = undefined;
        }
        break;
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimedOut':
        if (current) {
          current.status = 'FAILED';
          current.endedAt = at;
          current.error ??= describeFailure(failureOf(event) ?? {});
          current = undefined;
        }
        break;
      default:
        break;
    }
  }
  return [...steps.values()].map(({ lastAttemptFailed: _ignored, ...step }) => step);
}

/** The step an unsuccessful execution stopped at, with its error (undefined if none failed). */
export function failedStepOf(events: readonly HistoryEvent[]): ExecutionStep | undefined {
  return stepsFromHistory(events)
    .filter((step) => step.status === 'FAILED')
    .pop();
}
