/**
 * Operators' view of workflow executions, mapped from Step Functions' own records (the single
 * source of truth: no copy of execution state is kept elsewhere): list, detail, redrive, stop.
 * Independent of the SDK clients and HTTP: execution-store.ts is the I/O.
 */
import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { ConflictError, NotFoundError, ValidationError } from '../../contracts/errors';
import {
  APPROVAL_REJECTED_ERROR,
  REGISTRATION_REJECTED_ERROR,
  STOPPED_BY_OPERATOR_ERROR,
} from '../../contracts/onboarding-states';
import { WORKFLOW_KINDS } from '../../contracts/rules';
import type { Execution, ExecutionDetail, ExecutionEvent } from '../../contracts/schemas/control-plane';
import type { ApprovalStore } from '../approvals/approval-store';
import { parseStatusFilter } from '../shared/execution-history';
import { type ExecutionStep, failedStepOf } from '../shared/execution-steps';
import { parseLimit } from '../shared/pagination';
import { executionArnOf } from './execution-arn';

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

/** One execution as docs/api.md lists it; `failed` is the step it stopped at, when it did not succeed. */
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

/** Step Functions' executions, by ARN. */
export interface WorkflowExecutions {
  /** One page of a state machine's executions, newest first, for `?status&limit&nextToken` (a bad one: 400). */
  page(
    stateMachineArn: string,
    query: Readonly<Record<string, string | undefined>>,
  ): Promise<{ executionArns: string[]; nextToken?: string }>;
  /** Resolves undefined when there is no such execution. */
  describe(executionArn: string): Promise<DescribeExecutionOutput | undefined>;
  /** The execution's whole history, oldest event first. */
  history(executionArn: string): Promise<HistoryEvent[]>;
  /** The state machine's definition (Amazon States Language), parsed. */
  definition(stateMachineArn: string): Promise<unknown>;
  /** Resolves false when Step Functions refuses: the execution is not redrivable. */
  redrive(executionArn: string): Promise<boolean>;
  /** Stops a running execution with `error` and `cause` (what its Catch and its status show). */
  stop(executionArn: string, error: string, cause: string): Promise<void>;
}

/** Answers to a task waiting on a token; each resolves false when the token was already spent. */
export interface TaskAnswers {
  succeed(taskToken: string, output: unknown): Promise<boolean>;
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}

/** The onboarding executions in Step Functions, the tenant registry a redrive updates, and time. */
export interface ExecutionsDeps {
  /** The onboarding state machine: the only one whose executions this API shows. */
  readonly stateMachineArn: string;
  readonly executions: WorkflowExecutions;
  /**
   * Sets a tenant in `from` (default FAILED) back to ONBOARDING (at `at`); a tenant in any other
   * status is left alone.
   */
  readonly markOnboardingAgain: (
    tenantId: string,
    at: string,
    from?: 'FAILED' | 'AWAITING_APPROVAL',
    notUpdatedSince?: string,
  ) => Promise<void>;
  /** The executions waiting for an operator, with the task tokens that resume them. */
  readonly approvals: Pick<ApprovalStore, 'get' | 'delete' | 'pending'>;
  readonly answerTask: TaskAnswers;
  /** The registration (= onboarding execution) id of a tenant; undefined for an unknown tenant. */
  readonly onboardingOf: (tenantId: string) => Promise<string | undefined>;
  readonly now: () => Date;
}

const KIND = 'onboarding';
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `GET /executions`: one page of onboarding executions, each with the step it failed at. */
export async function listExecutions(
  deps: ExecutionsDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<{ items: ExecutionItem[]; nextToken?: string }> {
  const { kind, tenantId } = query;
  if (kind !== undefined && !(WORKFLOW_KINDS as readonly string[]).includes(kind))
    throw new ValidationError([{ field: 'kind', message: `must be one of ${WORKFLOW_KINDS.join(', ')}` }]);
  if (tenantId !== undefined && !TENANT_ID.test(tenantId))
    throw new ValidationError([{ field: 'tenantId', message: 'must be a tenant id' }]);
  const status = parseStatusFilter(query.status);
  parseLimit(query);
  // Only onboardings exist so far: any other kind has no executions.
  if (kind !== undefined && kind !== KIND) return { items: [] };
  if (tenantId !== undefined) return { items: await tenantOnboardings(deps, tenantId, status) };
  const [page, pending] = await Promise.all([
    deps.executions.page(deps.stateMachineArn, query),
    deps.approvals.pending(),
  ]);
  const awaiting = new Set(pending.map((approval) => approval.executionId));
  const described = await Promise.all(
    page.executionArns.map(async (executionArn) => {
      const execution = await deps.executions.describe(executionArn);
      return execution && withApproval(await itemOf(deps, execution, executionArn), awaiting);
    }),
  );
  // An execution listed but gone by the time it is described is no longer there to show.
  return { items: described.filter((item) => item !== undefined), nextToken: page.nextToken };
}

/** A tenant's executions: its onboarding (one per tenant, named after its registration). */
async function tenantOnboardings(
  deps: ExecutionsDeps,
  tenantId: string,
  status: string | undefined,
): Promise<ExecutionItem[]> {
  const registrationId = await deps.onboardingOf(tenantId);
  const executionArn = registrationId && executionArnOf(deps.stateMachineArn, registrationId);
  const execution = executionArn ? await deps.executions.describe(executionArn) : undefined;
  if (!executionArn || !execution || (status !== undefined && execution.status !== status)) return [];
  const pending = await deps.approvals.get(execution.name as string);
  return [withApproval(await itemOf(deps, execution, executionArn), new Set(pending ? [pending.executionId] : []))];
}

/** `GET /executions/{executionId}`: the execution with its state machine's definition and its history. */
export async function executionDetail(deps: ExecutionsDeps, executionId: string): Promise<ExecutionDetail> {
  const { execution, executionArn } = await existing(deps, executionId);
  const [events, definition, approval] = await Promise.all([
    deps.executions.history(executionArn),
    deps.executions.definition(execution.stateMachineArn as string),
    deps.approvals.get(executionId),
  ]);
  const item = withApproval(
    await itemOf(deps, execution, executionArn, events),
    new Set(approval ? [executionId] : []),
  );
  return { ...item, definition, events: events.map(executionEvent) };
}

/** Marks a RUNNING item that waits for an operator's answer. */
function withApproval(item: ExecutionItem, awaiting: ReadonlySet<string>): ExecutionItem {
  return item.status === 'RUNNING' && awaiting.has(item.executionId) ? { ...item, awaitingApproval: true } : item;
}

/**
 * `POST /executions/{executionId}/approve` (and a registration's): the waiting execution
 * continues. Step Functions decides who answered first: a token already spent is a 409.
 */
export async function approveExecution(deps: ExecutionsDeps, executionId: string): Promise<ExecutionItem> {
  const { approval, executionArn } = await waitingApproval(deps, executionId);
  const approvedAt = deps.now().toISOString();
  const answered = await deps.answerTask.succeed(approval.taskToken, { approved: true, approvedAt });
  await deps.approvals.delete(executionId);
  if (!answered) throw new ConflictError('The execution is no longer waiting for approval');
  if (approval.kind === 'onboarding')
    await deps.markOnboardingAgain(approval.tenantId, approvedAt, 'AWAITING_APPROVAL');
  return answeredItem(deps, executionId, executionArn);
}

/**
 * `POST /executions/{executionId}/reject` (and a registration's): the approval step fails with
 * ApprovalRejected and the reason as cause; the workflow's rejection path undoes what it must.
 */
export async function rejectExecution(
  deps: ExecutionsDeps,
  executionId: string,
  reason: string,
): Promise<ExecutionItem> {
  const { approval, executionArn } = await waitingApproval(deps, executionId);
  const answered = await deps.answerTask.fail(approval.taskToken, APPROVAL_REJECTED_ERROR, reason);
  await deps.approvals.delete(executionId);
  if (!answered) throw new ConflictError('The execution is no longer waiting for approval');
  return answeredItem(deps, executionId, executionArn);
}

async function waitingApproval(deps: ExecutionsDeps, executionId: string) {
  const { execution, executionArn } = await existing(deps, executionId);
  const approval = execution.status === 'RUNNING' ? await deps.approvals.get(executionId) : undefined;
  if (!approval) throw new ConflictError(`Execution is ${execution.status} and not waiting for approval`);
  return { approval, executionArn };
}

async function answeredItem(deps: ExecutionsDeps, executionId: string, executionArn: string): Promise<ExecutionItem> {
  const { execution } = await existing(deps, executionId);
  return itemOf(deps, execution, executionArn, []);
}

/** `POST /executions/{executionId}/redrive`: resumes a failed onboarding from its failed step. */
export async function redriveExecution(deps: ExecutionsDeps, executionId: string): Promise<ExecutionItem> {
  const { execution, executionArn } = await existing(deps, executionId);
  if (execution.error === REGISTRATION_REJECTED_ERROR) {
    throw new ConflictError('A registration that was not approved cannot be redriven; the applicant may sign up again');
  }
  const redrivenAt = deps.now().toISOString();
  if (!(await deps.executions.redrive(executionArn))) {
    throw new ConflictError(
      `Execution is ${execution.status} and cannot be redriven; only FAILED, ABORTED or TIMED_OUT ones can`,
    );
  }
  // The onboarding is in progress again: its tenant leaves FAILED, unless the redriven execution
  // has already written the tenant since (it may fail again, or close the registration, quickly).
  const tenantId = (parseJson(execution.input) as { tenantId?: string } | undefined)?.tenantId;
  if (tenantId) await deps.markOnboardingAgain(tenantId, redrivenAt, 'FAILED', redrivenAt);
  const { execution: redriven } = await existing(deps, executionId);
  // Running again: no failed step to read from the history.
  return itemOf(deps, redriven, executionArn, []);
}

/** `POST /executions/{executionId}/stop`: stops a running onboarding; its cleanup removes what it created. */
export async function stopExecution(deps: ExecutionsDeps, executionId: string): Promise<ExecutionItem> {
  const { execution, executionArn } = await existing(deps, executionId);
  if (execution.status !== 'RUNNING') {
    throw new ConflictError(`Execution is ${execution.status}; only RUNNING executions can be stopped`);
  }
  await deps.executions.stop(
    executionArn,
    STOPPED_BY_OPERATOR_ERROR,
    'Stopped by an operator; what it created is removed',
  );
  const { execution: stopped } = await existing(deps, executionId);
  return itemOf(deps, stopped, executionArn);
}

/** The execution named `executionId` (an onboarding's: its registration id); 404 when there is none. */
async function existing(
  deps: ExecutionsDeps,
  executionId: string,
): Promise<{ execution: DescribeExecutionOutput; executionArn: string }> {
  const executionArn = executionArnOf(deps.stateMachineArn, executionId);
  const execution = executionArn && (await deps.executions.describe(executionArn));
  if (!executionArn || !execution) throw new NotFoundError('Execution');
  return { execution, executionArn };
}

/** The list item; an unsuccessful execution's failed step comes from its history (`events`, or read). */
async function itemOf(
  deps: ExecutionsDeps,
  execution: DescribeExecutionOutput,
  executionArn: string,
  events?: HistoryEvent[],
): Promise<ExecutionItem> {
  const unsuccessful = execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED';
  const failed = unsuccessful ? failedStepOf(events ?? (await deps.executions.history(executionArn))) : undefined;
  return executionItem(KIND, execution, failed);
}
