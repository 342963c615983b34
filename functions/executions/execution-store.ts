/**
 * The executions API's I/O: Step Functions' executions, and the tenant registry a redrive
 * updates. The releases and registrations functions read executions with the same functions.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeStateMachineCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../shared/conditional-write';
import { executionHistory, listExecutionsPage } from '../shared/execution-history';
import type { TaskAnswers, WorkflowExecutions } from './executions';

/** One page of a state machine's executions' ARNs (WorkflowExecutions.page). */
export async function executionsPage(
  sfn: SFNClient,
  stateMachineArn: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<{ executionArns: string[]; nextToken?: string }> {
  const page = await listExecutionsPage(sfn, stateMachineArn, query);
  return {
    executionArns: (page.executions ?? []).map((listed) => listed.executionArn as string),
    nextToken: page.nextToken,
  };
}

/** An execution; undefined when Step Functions has none of that ARN (WorkflowExecutions.describe). */
export async function describeExecution(
  sfn: Pick<SFNClient, 'send'>,
  executionArn: string,
): Promise<DescribeExecutionOutput | undefined> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/** Step Functions' executions on the SFNClient (the shared history and list readers take the client itself). */
export function stepFunctionsExecutions(sfn: SFNClient): WorkflowExecutions {
  return {
    page: (stateMachineArn, query) => executionsPage(sfn, stateMachineArn, query),
    describe: (executionArn) => describeExecution(sfn, executionArn),
    history: (executionArn) => executionHistory(sfn, executionArn),
    async definition(stateMachineArn) {
      const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      return JSON.parse(machine.definition ?? '{}');
    },
    async redrive(executionArn) {
      try {
        await sfn.send(new RedriveExecutionCommand({ executionArn }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ExecutionNotRedrivable') return false;
        throw error;
      }
    },
    async stop(executionArn, error, cause) {
      await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
    },
  };
}

/**
 * Moves a tenant of TenantDetails from status `from` to ONBOARDING (a redriven FAILED onboarding,
 * an approved AWAITING_APPROVAL one); refused, and nothing done, when the tenant is not in `from`.
 */
export async function markOnboardingAgain(
  db: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  tenantId: string,
  at: string,
  from: 'FAILED' | 'AWAITING_APPROVAL' = 'FAILED',
  notUpdatedSince?: string,
): Promise<void> {
  await conditionally(
    db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { tenantId },
        UpdateExpression: 'SET #status = :onboarding, updatedAt = :now REMOVE failedStep, failureCause',
        // With `notUpdatedSince`: a write after that moment (by the running workflow) wins.
        ConditionExpression: notUpdatedSince
          ? '#status = :from AND (attribute_not_exists(updatedAt) OR updatedAt < :since)'
          : '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':onboarding': 'ONBOARDING',
          ':from': from,
          ':now': at,
          ...(notUpdatedSince ? { ':since': notUpdatedSince } : {}),
        },
      }),
    ),
  );
}

/** Errors that mean a task token no longer resumes anything (answered, timed out, or its execution ended). */
const SPENT_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** Answers a waiting task (ExecutionsDeps.answerTask); false when the token was already spent. */
export function taskAnswers(sfn: Pick<SFNClient, 'send'>): TaskAnswers {
  const spent = (error: unknown) => {
    if (SPENT_TOKEN_ERRORS.includes((error as Error).name)) return false;
    throw error;
  };
  return {
    succeed: (taskToken, output) =>
      sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })).then(() => true, spent),
    fail: (taskToken, error, cause) =>
      sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })).then(() => true, spent),
  };
}
