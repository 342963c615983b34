/** Operators' executions API: list, detail (definition + history), redrive, stop. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeStateMachineCommand,
  type HistoryEvent,
  RedriveExecutionCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../contracts/errors';
import { STOPPED_BY_OPERATOR_ERROR } from '../../contracts/onboarding-states';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { conditionally } from '../shared/conditional-write';
import { executionHistory, listExecutionsPage } from '../shared/execution-history';
import { json, pathParam, router } from '../shared/http';
import { executionEvent, executionItem, failedStepOf } from './executions';

const logger = new Logger();
const sfn = new SFNClient({});
const ONBOARDING = requiredEnv('ONBOARDING_STATE_MACHINE_ARN');
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');
const KIND = 'onboarding';

/** Execution ids are the execution names (for onboarding: the registration id). */
function executionArnOf(executionId: string): string {
  if (!/^[\w-]{1,80}$/.test(executionId)) throw new NotFoundError('Execution');
  return `${ONBOARDING.replace(':stateMachine:', ':execution:')}:${executionId}`;
}

async function describe(executionId: string): Promise<{ execution: DescribeExecutionOutput; executionArn: string }> {
  const executionArn = executionArnOf(executionId);
  try {
    return { execution: await sfn.send(new DescribeExecutionCommand({ executionArn })), executionArn };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new NotFoundError('Execution');
    throw error;
  }
}

async function item(execution: DescribeExecutionOutput, executionArn: string, events?: HistoryEvent[]) {
  const unsuccessful = execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED';
  const failed = unsuccessful ? failedStepOf(events ?? (await executionHistory(sfn, executionArn))) : undefined;
  return executionItem(KIND, execution, failed);
}

/** A redriven onboarding is in progress again: the tenant leaves FAILED. */
async function markOnboardingAgain(tenantId: string | undefined): Promise<void> {
  if (!tenantId) return;
  // Refused when the tenant is not FAILED: then there is nothing to undo.
  await conditionally(
    dynamoDb().send(
      new UpdateCommand({
        TableName: TENANTS_TABLE,
        Key: { tenantId },
        UpdateExpression: 'SET #status = :onboarding, updatedAt = :now REMOVE failedStep, failureCause',
        ConditionExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':onboarding': 'ONBOARDING',
          ':failed': 'FAILED',
          ':now': new Date().toISOString(),
        },
      }),
    ),
  );
}

export const handler = router(
  {
    'GET /executions': async (event) => {
      const page = await listExecutionsPage(sfn, ONBOARDING, event.queryStringParameters ?? {});
      const items = await Promise.all(
        (page.executions ?? []).map(async (listed) => {
          const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: listed.executionArn }));
          return item(execution, listed.executionArn as string);
        }),
      );
      return json(200, { items, nextToken: page.nextToken });
    },
    'GET /executions/{executionId}': async (event) => {
      const { execution, executionArn } = await describe(pathParam(event, 'executionId'));
      const [events, machine] = await Promise.all([
        executionHistory(sfn, executionArn),
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn: execution.stateMachineArn })),
      ]);
      return json(200, {
        ...(await item(execution, executionArn, events)),
        definition: JSON.parse(machine.definition ?? '{}'),
        events: events.map(executionEvent),
      });
    },
    'POST /executions/{executionId}/redrive': async (event) => {
      const { execution, executionArn } = await describe(pathParam(event, 'executionId'));
      try {
        await sfn.send(new RedriveExecutionCommand({ executionArn }));
      } catch (error) {
        if ((error as Error).name === 'ExecutionNotRedrivable') {
          throw new ConflictError(
            `Execution is ${execution.status} and cannot be redriven; only FAILED, ABORTED or TIMED_OUT ones can`,
          );
        }
        throw error;
      }
      await markOnboardingAgain((JSON.parse(execution.input ?? '{}') as { tenantId?: string }).tenantId);
      const { execution: redriven } = await describe(execution.name as string);
      return json(202, await item(redriven, executionArn, []));
    },
    'POST /executions/{executionId}/stop': async (event) => {
      const { execution, executionArn } = await describe(pathParam(event, 'executionId'));
      if (execution.status !== 'RUNNING')
        throw new ConflictError(`Execution is ${execution.status}; only RUNNING executions can be stopped`);
      await sfn.send(
        new StopExecutionCommand({
          executionArn,
          error: STOPPED_BY_OPERATOR_ERROR,
          cause: 'Stopped by an operator; what it created is removed',
        }),
      );
      const { execution: stopped } = await describe(execution.name as string);
      return json(200, await item(stopped, executionArn));
    },
  },
  (message, error) => logger.error(message, error as Error),
);
