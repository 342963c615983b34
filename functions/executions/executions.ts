/**
 * Operators' view of workflow executions, mapped from Step Functions' own records (the single
 * source of truth: no copy of execution state is kept elsewhere).
 */
import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import type { Execution, ExecutionEvent } from '../../contracts/schemas/control-plane';
import { type ExecutionStep, failedStepOf } from '../shared/execution-steps';

export {
  EXECUTION_STATUSES,
  type ExecutionStatusFilter,
  parseStatusFilter,
} from '../shared/execution-history';

/** One execution as operators list it. */
export type ExecutionItem = Execution;
export type { ExecutionEvent };

function parseJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** One execution as API.md lists it; `failed` is the step it stopped at, when it did not succeed. */
export function executionItem(
  kind: string,
  execution: DescribeExecutionOutput,
  failed: ExecutionStep | undefined,
): ExecutionItem {
  const input = (parseJson(execution.input) ?? {}) as { tenantId?: string; tenantName?: string };
  const unsuccessful = execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED';
  return {
    executionId: execution.name as string,
    kind,
    tenantId: input.tenantId,
    tenantName: input.tenantName,
    status: execution.status as ExecutionItem['status'],
    startedAt: (execution.startDate ?? new Date(0)).toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
    redriveCount: execution.redriveCount,
    failedStep: unsuccessful ? failed?.name : undefined,
    error: unsuccessful
      ? (failed?.error ?? [execution.error, execution.cause].filter(Boolean).join(': ')) || undefined
      : undefined,
  };
}

/** A history event in the API's flat shape: whichever `*EventDetails` it has, read uniformly. */
export function executionEvent(event: HistoryEvent): ExecutionEvent {
  const details = Object.entries(event).find(
    ([key, value]) => key.endsWith('EventDetails') && value !== undefined,
  )?.[1] as { name?: string; input?: string; output?: string; error?: string; cause?: string } | undefined;
  return {
    id: event.id ?? 0,
    type: event.type as string,
    timestamp: (event.timestamp ?? new Date(0)).toISOString(),
    stateName: event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name,
    input: parseJson(details?.input),
    output: parseJson(details?.output),
    error: details?.error,
    cause: details?.cause,
  };
}

export { failedStepOf };
