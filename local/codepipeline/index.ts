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
 * Executions persist under `dataDir`.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { LocalPipelineModel, PipelineRegistry } from '../deployer/resource-handlers';
import { listenOnLoopback } from '../listen';

/** The input of the deploy stage's state machine. */
export interface DeployStageInput {
  readonly tenantId: string;
  readonly version: string;
  /** Seconds between stack status polls (the fan-out's default is 10). */
  readonly pollSeconds?: number;
  readonly templateUrl: string;
}

export interface LocalCodePipelineOptions {
  /** Where executions persist (e.g. `<dataDir>/codepipeline`). */
  readonly dataDir: string;
  /** Starts a state machine execution named `name` with `input` (JSON); resolves to its ARN. */
  startStateMachine(stateMachineArn: string, name: string, input: string): Promise<string>;
  /** The state machine execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE) and failure. */
  describeExecution(executionArn: string): Promise<{ status: string; error?: string; cause?: string }>;
  /** `version` and `templateUrl` of the deploy input, read at each StartPipelineExecution. */
  deployInput(): { version: string; templateUrl: string };
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '000000000000' */
  readonly accountId?: string;
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

interface ExecutionRecord {
  pipelineExecutionId: string;
  pipelineName: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
  statusSummary?: string;
  startTime: number;
  lastUpdateTime: number;
  variables: { name: string; resolvedValue: string }[];
  clientRequestToken?: string;
  stateMachineExecutionArn?: string;
}

class PipelineError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = 'CodePipeline_20150709.';
const STATE_FILE = 'executions.json';
const MAX_EXECUTIONS_KEPT = 1000;

const STATUS_OF: Record<string, ExecutionRecord['status']> = {
  RUNNING: 'InProgress',
  PENDING_REDRIVE: 'InProgress',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  TIMED_OUT: 'Failed',
  ABORTED: 'Stopped',
};

/** Starts the local CodePipeline endpoint. */
export async function startLocalCodePipeline(opts: LocalCodePipelineOptions): Promise<LocalCodePipeline> {
  const accountId = opts.accountId ?? '000000000000';
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const stateFile = path.join(opts.dataDir, STATE_FILE);
  const pipelines = new Map<string, LocalPipelineModel>();
  const executions: ExecutionRecord[] = fs.existsSync(stateFile)
    ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ExecutionRecord[])
    : [];

  const persist = () => {
    const temporary = `${stateFile}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(executions.slice(-MAX_EXECUTIONS_KEPT)));
    fs.renameSync(temporary, stateFile);
  };

  const pipelineOf = (name: unknown): LocalPipelineModel => {
    if (typeof name !== 'string' || name === '') throw new PipelineError('ValidationException', 'name is required');
    const pipeline = pipelines.get(name);
    if (!pipeline)
      throw new PipelineError(
        'PipelineNotFoundException',
        `Account '${accountId}' does not have a pipeline with name '${name}'`,
      );
    return pipeline;
  };

  /** Follows the state machine execution of an execution still in progress. */
  const refresh = async (record: ExecutionRecord): Promise<ExecutionRecord> => {
    if (record.status !== 'InProgress' || !record.stateMachineExecutionArn) return record;
    try {
      const execution = await opts.describeExecution(record.stateMachineExecutionArn);
      const status = STATUS_OF[execution.status] ?? 'InProgress';
      if (status !== record.status) {
        record.status = status;
        record.lastUpdateTime = Date.now() / 1000;
        if (status !== 'Succeeded')
          record.statusSummary =
            [execution.error, execution.cause].filter(Boolean).join(': ') || `Deploy stage ${execution.status}`;
        persist();
      }
    } catch (error) {
      // The execution is gone (a fresh Step Functions data dir): the pipeline run cannot finish.
      if ((error as Error).name === 'ExecutionDoesNotExist') {
        record.status = 'Failed';
        record.statusSummary = 'The deploy stage execution no longer exists';
        persist();
      }
    }
    return record;
  };

  const view = (record: ExecutionRecord) => ({
    pipelineName: record.pipelineName,
    pipelineVersion: 1,
    pipelineExecutionId: record.pipelineExecutionId,
    status: record.status,
    ...(record.statusSummary ? { statusSummary: record.statusSummary } : {}),
    artifactRevisions: [],
    variables: record.variables,
    trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'local' },
    executionMode: 'QUEUED',
    executionType: 'STANDARD',
  });

  const actions: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async StartPipelineExecution(body) {
      const pipeline = pipelineOf(body.name);
      const token = typeof body.clientRequestToken === 'string' ? body.clientRequestToken : undefined;
      const earlier = token
        ? executions.find((e) => e.pipelineName === pipeline.name && e.clientRequestToken === token)
        : undefined;
      if (earlier) return { pipelineExecutionId: earlier.pipelineExecutionId };
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
      const variables = [...declared].map(([name, defaultValue]) => {
        const value = given.find((v) => v.name === name)?.value;
        return { name, resolvedValue: value === undefined ? (defaultValue ?? '') : String(value) };
      });
      if (!pipeline.stateMachineArn) {
        throw new PipelineError(
          'InvalidStructureException',
          `Pipeline ${pipeline.name} has no StepFunctions deploy action the local cloud can run`,
        );
      }
      let deployInput: { version: string; templateUrl: string };
      try {
        deployInput = opts.deployInput();
      } catch (error) {
        throw new PipelineError(
          'InvalidStructureException',
          `The deploy stage has no input: ${(error as Error).message}`,
        );
      }
      const { version, templateUrl } = deployInput;
      const input: DeployStageInput = {
        tenantId: variables.find((v) => v.name === 'tenantId')?.resolvedValue ?? '',
        version,
        templateUrl,
        // Local stacks deploy in well under a second: poll every second, not every 10.
        pollSeconds: 1,
      };
      const now = Date.now() / 1000;
      const record: ExecutionRecord = {
        pipelineExecutionId: randomUUID(),
        pipelineName: pipeline.name,
        status: 'InProgress',
        startTime: now,
        lastUpdateTime: now,
        variables,
        clientRequestToken: token,
      };
      try {
        const executionName = pipeline.executionNamePrefix
          ? `${pipeline.executionNamePrefix}-${record.pipelineExecutionId}`
          : record.pipelineExecutionId;
        record.stateMachineExecutionArn = await opts.startStateMachine(
          pipeline.stateMachineArn,
          executionName,
          JSON.stringify(input),
        );
      } catch (error) {
        record.status = 'Failed';
        record.statusSummary = `The deploy stage could not start: ${(error as Error).message}`;
      }
      executions.push(record);
      persist();
      return { pipelineExecutionId: record.pipelineExecutionId };
    },

    async GetPipelineExecution(body) {
      const pipeline = pipelineOf(body.pipelineName);
      const record = executions.find(
        (e) => e.pipelineName === pipeline.name && e.pipelineExecutionId === body.pipelineExecutionId,
      );
      if (!record) {
        throw new PipelineError(
          'PipelineExecutionNotFoundException',
          `Pipeline execution ${String(body.pipelineExecutionId)} not found in pipeline ${pipeline.name}`,
        );
      }
      return { pipelineExecution: view(await refresh(record)) };
    },

    async ListPipelineExecutions(body) {
      const pipeline = pipelineOf(body.pipelineName);
      const max = typeof body.maxResults === 'number' ? Math.max(1, Math.min(100, body.maxResults)) : 100;
      const all = executions.filter((e) => e.pipelineName === pipeline.name).reverse();
      const start = typeof body.nextToken === 'string' ? Number(body.nextToken) || 0 : 0;
      const page = all.slice(start, start + max);
      const summaries = [];
      for (const record of page) {
        await refresh(record);
        summaries.push({
          pipelineExecutionId: record.pipelineExecutionId,
          status: record.status,
          ...(record.statusSummary ? { statusSummary: record.statusSummary } : {}),
          startTime: record.startTime,
          lastUpdateTime: record.lastUpdateTime,
          sourceRevisions: [],
          trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'local' },
          executionMode: 'QUEUED',
          executionType: 'STANDARD',
        });
      }
      return {
        pipelineExecutionSummaries: summaries,
        ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
      };
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? actions[target.slice(TARGET_PREFIX.length)] : undefined;
    try {
      if (req.method !== 'POST' || !action)
        throw new PipelineError(
          'UnknownOperationException',
          `Unknown operation ${target || `${req.method} ${req.url}`}`,
        );
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persist();
    },
  };
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
