/**
 * Local CodePipeline: an AWS JSON 1.1 endpoint on 127.0.0.1 for `@aws-sdk/client-codepipeline`
 * (StartPipelineExecution, GetPipelineExecution, ListPipelineExecutions).
 *
 * Pipelines come from the deployed templates (`AWS::CodePipeline::Pipeline`): the local cloud
 * has no source or build stage to run, so StartPipelineExecution runs the deploy stage, i.e.
 * starts the state machine of the pipeline's `StepFunctions` action with the input
 * `{"tenantId": <variable tenantId or "">, "version": <cloud assembly source hash>, "templateUrl": <silo template URL>}`,
 * and the pipeline execution's status follows that state machine execution (RUNNING →
 * InProgress, SUCCEEDED → Succeeded, FAILED/TIMED_OUT → Failed, ABORTED → Stopped). The
 * execution is named `<ExecutionNamePrefix>-<pipelineExecutionId>` (or the id alone). A
 * variable not given takes its declared default (e.g. `ALL`); `""` if it has none.
 * The template's `ExecutionMode` (SUPERSEDED when absent, as on AWS) decides when an execution
 * enters the deploy stage: see `stage-entry.ts`. Executions persist under `dataDir`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LocalPipelineModel, PipelineRegistry } from '../deployer/resource-handlers';
import { listenOnLoopback } from '../listen';
import { type DeployStage, type PipelineAction, PipelineError, pipelineActions } from './actions';
import { ExecutionLog } from './execution-log';
import { DeployStageEntry } from './stage-entry';

export type { DeployStageInput } from './actions';

export interface LocalCodePipelineOptions extends DeployStage {
  /** Where executions persist (e.g. `<dataDir>/codepipeline`). */
  readonly dataDir: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** How often waiting executions look whether the deploy stage is free. @default 250 */
  readonly stagePollMs?: number;
}

export interface LocalCodePipeline extends PipelineRegistry {
  /** Base URL for `new CodePipelineClient({ endpoint })` and `AWS_ENDPOINT_URL_CODEPIPELINE`. */
  readonly endpoint: string;
  registerPipeline(pipeline: LocalPipelineModel): void;
  unregisterPipeline(name: string): void;
  /** Names of the registered pipelines. */
  pipelines(): string[];
  close(): Promise<void>;
}

const TARGET_PREFIX = 'CodePipeline_20150709.';

/** Starts the local CodePipeline endpoint. */
export async function startLocalCodePipeline(opts: LocalCodePipelineOptions): Promise<LocalCodePipeline> {
  const pipelines = new Map<string, LocalPipelineModel>();
  const executions = new ExecutionLog(opts.dataDir);
  const entry = new DeployStageEntry(
    executions,
    opts,
    (name) => pipelines.get(name)?.executionMode,
    opts.stagePollMs ?? 250,
  );
  const actions = pipelineActions({
    accountId: opts.accountId ?? '000000000000',
    pipelines,
    executions,
    stage: opts,
    entry,
  });
  const server: Server = createServer((req, res) => {
    void handle(actions, req, res);
  });
  const endpoint = await listenOnLoopback(server, opts.port);

  return {
    endpoint,
    registerPipeline(pipeline) {
      pipelines.set(pipeline.name, pipeline);
    },
    unregisterPipeline(name) {
      pipelines.delete(name);
    },
    pipelines: () => [...pipelines.keys()],
    async close() {
      entry.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      executions.persist();
    },
  };
}

/** Serves one AWS JSON 1.1 request: `X-Amz-Target` names the action, the body is its input. */
async function handle(actions: Record<string, PipelineAction>, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.startsWith(TARGET_PREFIX) ? actions[target.slice(TARGET_PREFIX.length)] : undefined;
  try {
    if (req.method !== 'POST' || !action)
      throw new PipelineError('UnknownOperationException', `Unknown operation ${target || `${req.method} ${req.url}`}`);
    let body: unknown;
    try {
      body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new PipelineError('SerializationException', 'Request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new PipelineError('SerializationException', 'Request body must be a JSON object');
    send(res, 200, await action(body as Record<string, unknown>));
  } catch (error) {
    if (error instanceof PipelineError) send(res, 400, { __type: error.type, message: error.message }, error.type);
    else send(res, 500, { __type: 'InternalFailure', message: (error as Error).message }, 'InternalFailure');
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}
