/**
 * The CodePipeline API actions the local cloud serves (StartPipelineExecution,
 * GetPipelineExecution, ListPipelineExecutions) on the registered pipelines, in the JSON shapes
 * of `@aws-sdk/client-codepipeline`. Transport-free: `index.ts` serves them over HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { LocalPipelineModel } from '../deployer/resource-handlers';
import type { ExecutionLog, ExecutionRecord } from './execution-log';
import { type DeployStage, type DeployStageEntry, refresh } from './stage-entry';

export type { DeployStage } from './stage-entry';

/** The input of the deploy stage's state machine. */
export interface DeployStageInput {
  readonly tenantId: string;
  readonly version: string;
  /** Seconds between stack status polls (the fan-out's default is 10). */
  readonly pollSeconds?: number;
  readonly templateUrl: string;
}

/** A CodePipeline service error; the SDK raises the exception named by `type`. */
export class PipelineError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the actions work on. */
export interface PipelineContext {
  readonly accountId: string;
  readonly pipelines: ReadonlyMap<string, LocalPipelineModel>;
  readonly executions: ExecutionLog;
  readonly stage: DeployStage;
  /** Lets executions into the deploy stage by the pipeline's execution mode. */
  readonly entry: DeployStageEntry;
}

/** An action: the request body in, the response body out. */
export type PipelineAction = (body: Record<string, unknown>) => Promise<unknown>;

function pipelineOf(ctx: PipelineContext, name: unknown): LocalPipelineModel {
  if (typeof name !== 'string' || name === '') throw new PipelineError('ValidationException', 'name is required');
  const pipeline = ctx.pipelines.get(name);
  if (!pipeline)
    throw new PipelineError(
      'PipelineNotFoundException',
      `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`,
    );
  return pipeline;
}

/** The pipeline's declared variables with the given values, defaults for the rest; throws for an undeclared one. */
export function resolveVariables(
  pipeline: LocalPipelineModel,
  body: Record<string, unknown>,
): ExecutionRecord['variables'] {
  const given = Array.isArray(body.variables) ? (body.variables as Array<{ name?: unknown; value?: unknown }>) : [];
  const declared = new Map(pipeline.variables.map((v) => [v.name, v.defaultValue]));
  for (const variable of given) {
    if (typeof variable.name !== 'string' || !declared.has(variable.name)) {
      throw new PipelineError(
        'ValidationException',
        `Variable ${String(variable.name)} is not declared in pipeline ${pipeline.name}`,
      );
    }
  }
  return [...declared].map(([name, defaultValue]) => {
    const value = given.find((v) => v.name === name)?.value;
    return { name, resolvedValue: value === undefined ? (defaultValue ?? '') : String(value) };
  });
}

function deployStageInput(stage: DeployStage, variables: ExecutionRecord['variables']): DeployStageInput {
  let deployInput: { version: string; templateUrl: string };
  try {
    deployInput = stage.deployInput();
  } catch (error) {
    throw new PipelineError('InvalidStructureException', `The deploy stage has no input: ${(error as Error).message}`);
  }
  return {
    tenantId: variables.find((v) => v.name === 'tenantId')?.resolvedValue ?? '',
    version: deployInput.version,
    templateUrl: deployInput.templateUrl,
    // Local stacks deploy in well under a second: poll every second, not every 10.
    pollSeconds: 1,
  };
}

const TRIGGER = { triggerType: 'StartPipelineExecution', triggerDetail: 'local' };

const view = (record: ExecutionRecord) => ({
  pipelineName: record.pipelineName,
  pipelineVersion: 1,
  pipelineExecutionId: record.pipelineExecutionId,
  status: record.status,
  ...(record.statusSummary ? { statusSummary: record.statusSummary } : {}),
  artifactRevisions: [],
  variables: record.variables,
  trigger: TRIGGER,
  executionMode: record.executionMode ?? 'SUPERSEDED',
  executionType: 'STANDARD',
});

const summary = (record: ExecutionRecord) => ({
  pipelineExecutionId: record.pipelineExecutionId,
  status: record.status,
  ...(record.statusSummary ? { statusSummary: record.statusSummary } : {}),
  startTime: record.startTime,
  lastUpdateTime: record.lastUpdateTime,
  sourceRevisions: [],
  trigger: TRIGGER,
  executionMode: record.executionMode ?? 'SUPERSEDED',
  executionType: 'STANDARD',
});

/**
 * StartPipelineExecution: records the execution waiting at the deploy stage, which it enters
 * now or later by the pipeline's execution mode; idempotent by clientRequestToken.
 */
async function startPipelineExecution(ctx: PipelineContext, body: Record<string, unknown>): Promise<unknown> {
  const pipeline = pipelineOf(ctx, body.name);
  const token = typeof body.clientRequestToken === 'string' ? body.clientRequestToken : undefined;
  const earlier = token ? ctx.executions.of(pipeline.name, (e) => e.clientRequestToken === token)[0] : undefined;
  if (earlier) return { pipelineExecutionId: earlier.pipelineExecutionId };
  const variables = resolveVariables(pipeline, body);
  if (!pipeline.stateMachineArn) {
    throw new PipelineError(
      'InvalidStructureException',
      `Pipeline ${pipeline.name} has no StepFunctions deploy action the local cloud can run`,
    );
  }
  const input = deployStageInput(ctx.stage, variables);
  const pipelineExecutionId = randomUUID();
  const now = Date.now() / 1000;
  ctx.executions.add({
    pipelineExecutionId,
    pipelineName: pipeline.name,
    status: 'InProgress',
    executionMode: pipeline.executionMode,
    startTime: now,
    lastUpdateTime: now,
    variables,
    clientRequestToken: token,
    waitingToStart: {
      stateMachineArn: pipeline.stateMachineArn,
      executionName: pipeline.executionNamePrefix
        ? `${pipeline.executionNamePrefix}-${pipelineExecutionId}`
        : pipelineExecutionId,
      input: JSON.stringify(input),
    },
  });
  await ctx.entry.advance(pipeline.name);
  return { pipelineExecutionId };
}

/** The actions by name (the `X-Amz-Target` suffix). */
export function pipelineActions(ctx: PipelineContext): Record<string, PipelineAction> {
  return {
    StartPipelineExecution(body) {
      return startPipelineExecution(ctx, body);
    },

    async GetPipelineExecution(body) {
      const pipeline = pipelineOf(ctx, body.pipelineName);
      const [record] = ctx.executions.of(pipeline.name, (e) => e.pipelineExecutionId === body.pipelineExecutionId);
      if (!record) {
        throw new PipelineError(
          'PipelineExecutionNotFoundException',
          `Pipeline execution ${String(body.pipelineExecutionId)} not found in pipeline ${pipeline.name}`,
        );
      }
      return { pipelineExecution: view(await refresh(ctx.stage, ctx.executions, record)) };
    },

    async ListPipelineExecutions(body) {
      const pipeline = pipelineOf(ctx, body.pipelineName);
      const max = typeof body.maxResults === 'number' ? Math.max(1, Math.min(100, body.maxResults)) : 100;
      const all = ctx.executions.of(pipeline.name);
      const start = typeof body.nextToken === 'string' ? Number(body.nextToken) || 0 : 0;
      const summaries = [];
      for (const record of all.slice(start, start + max))
        summaries.push(summary(await refresh(ctx.stage, ctx.executions, record)));
      return {
        pipelineExecutionSummaries: summaries,
        ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
      };
    },
  };
}
