/**
 * The pipeline executions of the local CodePipeline, persisted as one JSON file under the data
 * directory (the most recent {@link MAX_EXECUTIONS_KEPT}), so a restart still answers for them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineExecutionMode } from '../deployer/resource-handlers';

/** One pipeline execution as the local CodePipeline records it. */
export interface ExecutionRecord {
  pipelineExecutionId: string;
  pipelineName: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped' | 'Superseded';
  statusSummary?: string;
  /** The pipeline's execution mode when the execution started (absent in logs older than modes). */
  executionMode?: PipelineExecutionMode;
  startTime: number;
  lastUpdateTime: number;
  variables: { name: string; resolvedValue: string }[];
  clientRequestToken?: string;
  stateMachineExecutionArn?: string;
  /**
   * Set while the execution waits to enter the deploy stage (the stage is locked by another
   * execution): what it starts when it enters. Removed once it entered, or was superseded.
   */
  waitingToStart?: { stateMachineArn: string; executionName: string; input: string };
}

const STATE_FILE = 'executions.json';
const MAX_EXECUTIONS_KEPT = 1000;

/** Every execution so far, oldest first. */
export class ExecutionLog {
  private readonly file: string;
  private readonly executions: ExecutionRecord[];

  /** Loads the executions persisted under `dataDir` (created if missing). */
  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, STATE_FILE);
    this.executions = fs.existsSync(this.file)
      ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as ExecutionRecord[])
      : [];
  }

  /** Records a new execution and persists the log. */
  add(record: ExecutionRecord): void {
    this.executions.push(record);
    this.persist();
  }

  /** The executions of one pipeline that satisfy `predicate`, newest first. */
  of(pipelineName: string, predicate: (record: ExecutionRecord) => boolean = () => true): ExecutionRecord[] {
    return this.executions.filter((e) => e.pipelineName === pipelineName && predicate(e)).reverse();
  }

  /** Every pipeline's executions that satisfy `predicate`, oldest first. */
  all(predicate: (record: ExecutionRecord) => boolean): ExecutionRecord[] {
    return this.executions.filter(predicate);
  }

  /** Writes the log atomically; records are changed in place, so callers persist after a change. */
  persist(): void {
    const temporary = `${this.file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.executions.slice(-MAX_EXECUTIONS_KEPT)));
    fs.renameSync(temporary, this.file);
  }
}
