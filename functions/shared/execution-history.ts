import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ValidationError } from '../../contracts/errors';
import { parseLimit } from './pagination';

/** The whole history of an execution, every page of it, oldest event first. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatusFilter = (typeof EXECUTION_STATUSES)[number];

/** Reads `?status` (one of the execution statuses, or none). */
export function parseStatusFilter(value: string | undefined): ExecutionStatusFilter | undefined {
  if (value === undefined) return undefined;
  if (!(EXECUTION_STATUSES as readonly string[]).includes(value)) {
    throw new ValidationError([{ field: 'status', message: `must be one of ${EXECUTION_STATUSES.join(', ')}` }]);
  }
  return value as ExecutionStatusFilter;
}

/**
 * One page of a state machine's executions, newest first, for `?status&limit&nextToken`; a
 * token Step Functions does not know is the caller's mistake (400), not ours.
 */
export async function listExecutionsPage(
  sfn: SFNClient,
  stateMachineArn: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<ListExecutionsCommandOutput> {
  const command = new ListExecutionsCommand({
    stateMachineArn,
    statusFilter: parseStatusFilter(query.status),
    maxResults: parseLimit(query),
    nextToken: query.nextToken,
  });
  try {
    return await sfn.send(command);
  } catch (error) {
    if ((error as Error).name === 'InvalidToken')
      throw new ValidationError([{ field: 'nextToken', message: 'is not a valid page token' }]);
    throw error;
  }
}
