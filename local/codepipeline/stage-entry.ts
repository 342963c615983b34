/**
 * Entry into the deploy stage under the pipeline's execution mode, as CodePipeline documents
 * the modes (https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html):
 * - SUPERSEDED (the default): a stage holds one execution at a time; an execution waiting to
 *   enter it is superseded (status `Superseded`, never resumed) when a newer one arrives to wait.
 * - QUEUED: a stage holds one execution at a time; waiting executions enter in start order.
 * - PARALLEL: no stage locking; every execution enters at once.
 *
 * The local pipeline has one stage (deploy), so "waiting to enter the stage" is "waiting to start
 * the deploy state machine": on AWS executions also meet at the Source and Build boundaries.
 */
import type { PipelineExecutionMode } from '../deployer/resource-handlers';
import type { ExecutionLog, ExecutionRecord } from './execution-log';

/** How the deploy stage runs: a state machine on the local Step Functions. */
export interface DeployStage {
  /** Starts a state machine execution named `name` with `input` (JSON); resolves to its ARN. */
  startStateMachine(stateMachineArn: string, name: string, input: string): Promise<string>;
  /** The state machine execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE) and failure. */
  describeExecution(executionArn: string): Promise<{ status: string; error?: string; cause?: string }>;
  /** `version` and `templateUrl` of the deploy input, read at each StartPipelineExecution. */
  deployInput(): { version: string; templateUrl: string };
}

const STATUS_OF: Record<string, ExecutionRecord['status']> = {
  RUNNING: 'InProgress',
  PENDING_REDRIVE: 'InProgress',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  TIMED_OUT: 'Failed',
  ABORTED: 'Stopped',
};

/** In the deploy stage: started its state machine and not finished (as far as last looked). */
const inStage = (record: ExecutionRecord) => record.status === 'InProgress' && record.stateMachineExecutionArn;
const waiting = (record: ExecutionRecord) => record.status === 'InProgress' && record.waitingToStart !== undefined;

/** What happens at the stage boundary now: the executions that enter, and those superseded. */
export interface Admission {
  readonly enter: readonly ExecutionRecord[];
  readonly supersede: readonly ExecutionRecord[];
}

/** Decides entry into the stage for one pipeline's executions (oldest first), by execution mode. */
export function admissions(mode: PipelineExecutionMode, records: readonly ExecutionRecord[]): Admission {
  const waitingOnes = records.filter(waiting);
  const locked = records.some(inStage);
  if (mode === 'PARALLEL') return { enter: waitingOnes, supersede: [] };
  if (mode === 'QUEUED') return { enter: locked ? [] : waitingOnes.slice(0, 1), supersede: [] };
  // SUPERSEDED: only the newest waiting execution keeps waiting (or enters a free stage).
  const newest = waitingOnes.at(-1);
  return { enter: !locked && newest ? [newest] : [], supersede: waitingOnes.slice(0, -1) };
}

/** Follows the state machine execution of an execution in the deploy stage. */
export async function refresh(
  stage: DeployStage,
  executions: ExecutionLog,
  record: ExecutionRecord,
): Promise<ExecutionRecord> {
  if (record.status !== 'InProgress' || !record.stateMachineExecutionArn) return record;
  try {
    const execution = await stage.describeExecution(record.stateMachineExecutionArn);
    const status = STATUS_OF[execution.status] ?? 'InProgress';
    if (status !== record.status) {
      record.status = status;
      record.lastUpdateTime = Date.now() / 1000;
      if (status !== 'Succeeded')
        record.statusSummary =
          [execution.error, execution.cause].filter(Boolean).join(': ') || `Deploy stage ${execution.status}`;
      executions.persist();
    }
  } catch (error) {
    // The execution is gone (a fresh Step Functions data dir): the pipeline run cannot finish.
    if ((error as Error).name === 'ExecutionDoesNotExist') {
      record.status = 'Failed';
      record.statusSummary = 'The deploy stage execution no longer exists';
      executions.persist();
    }
  }
  return record;
}

/**
 * Lets waiting executions into the deploy stage: right after each StartPipelineExecution, and
 * every `pollMs` while any execution waits (the stage unlocks when its state machine ends, which
 * only a DescribeExecution tells). One decision at a time per pipeline, so concurrent starts
 * meet the stage in the order they were recorded.
 */
export class DeployStageEntry {
  private readonly locks = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly executions: ExecutionLog,
    private readonly stage: DeployStage,
    /** The pipeline's current execution mode; undefined while it is not registered. */
    private readonly modeOf: (pipelineName: string) => PipelineExecutionMode | undefined,
    pollMs: number,
  ) {
    this.timer = setInterval(() => void this.advanceWaiting(), pollMs);
    this.timer.unref();
  }

  /** Decides entry for one pipeline's executions recorded so far; resolves when done. */
  advance(pipelineName: string): Promise<void> {
    const records = this.executions.of(pipelineName).reverse();
    const next = (this.locks.get(pipelineName) ?? Promise.resolve()).then(() => this.admit(pipelineName, records));
    const settled = next.catch(() => undefined);
    this.locks.set(pipelineName, settled);
    void settled.then(() => {
      if (this.locks.get(pipelineName) === settled) this.locks.delete(pipelineName);
    });
    return next;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private advanceWaiting(): void {
    const pipelines = new Set(this.executions.all(waiting).map((record) => record.pipelineName));
    // A pipeline already deciding is looked at again on the next tick.
    for (const name of pipelines) if (!this.locks.has(name)) void this.advance(name).catch(() => undefined);
  }

  /** `records`: the pipeline's executions when the decision was asked for, oldest first. */
  private async admit(pipelineName: string, records: readonly ExecutionRecord[]): Promise<void> {
    const mode = this.modeOf(pipelineName);
    if (!mode) return;
    for (const record of records.filter(inStage)) await refresh(this.stage, this.executions, record);
    const { enter, supersede } = admissions(mode, records);
    const now = Date.now() / 1000;
    for (const record of supersede) {
      record.status = 'Superseded';
      record.lastUpdateTime = now;
      delete record.waitingToStart;
    }
    for (const record of enter) await this.start(record);
    if (enter.length > 0 || supersede.length > 0) this.executions.persist();
  }

  private async start(record: ExecutionRecord): Promise<void> {
    const { stateMachineArn, executionName, input } = record.waitingToStart ?? {};
    delete record.waitingToStart;
    if (!stateMachineArn || !executionName || input === undefined) return;
    try {
      record.stateMachineExecutionArn = await this.stage.startStateMachine(stateMachineArn, executionName, input);
    } catch (error) {
      record.status = 'Failed';
      record.statusSummary = `The deploy stage could not start: ${(error as Error).message}`;
    }
    record.lastUpdateTime = Date.now() / 1000;
  }
}
