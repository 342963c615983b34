/**
 * `npm run release [-- --tenant <tenantId>] [--timeout <seconds>]`: releases the current tenant
 * template to every silo tenant (or one) on a running local cloud. It reads the local endpoints
 * from `<TENANTFLOW_DATA_DIR>/endpoints.json` (written by `npm start`), calls
 * StartPipelineExecution on the tenant pipeline, follows the release fan-out execution it starts
 * (per-tenant progress from its history) and prints the summary. Exit code 0 when the release
 * succeeded, 1 otherwise. The same calls work against AWS with `--aws` (default credentials and region).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  ALL_TENANTS,
  FANOUT_STATE_MACHINE_NAME,
  type ReleaseSummary,
  type TenantResult,
} from '../functions/pipeline/fanout';
import { TENANT_PIPELINE_NAME } from '../infra/stacks/pipeline-stack';

interface Endpoints {
  readonly region: string;
  readonly codepipeline: string;
  readonly sfn: string;
  readonly pipelines?: readonly string[];
}

/** Clients against the local cloud (endpoints.json) or, with `--aws`, AWS. */
export function clientsFor(endpoints: Endpoints | undefined): { pipeline: CodePipelineClient; sfn: SFNClient } {
  if (!endpoints) return { pipeline: new CodePipelineClient({}), sfn: new SFNClient({}) };
  const local = { region: endpoints.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    pipeline: new CodePipelineClient({ ...local, endpoint: endpoints.codepipeline }),
    sfn: new SFNClient({ ...local, endpoint: endpoints.sfn }),
  };
}

function readEndpoints(): Endpoints {
  const dataDir = path.resolve(process.env.TENANTFLOW_DATA_DIR ?? '.tenantflow');
  const file = path.join(dataDir, 'endpoints.json');
  if (!fs.existsSync(file))
    throw new Error(`No local cloud is running for ${dataDir} (${file} is missing): start it with npm start`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Endpoints;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fan-out execution a pipeline execution started: named after the pipeline execution id (AWS prefixes it). */
async function findFanOutExecution(sfn: SFNClient, pipelineExecutionId: string, deadline: number): Promise<string> {
  let stateMachineArn: string | undefined;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    stateMachineArn = page.stateMachines?.find(
      (machine) => machine.name === FANOUT_STATE_MACHINE_NAME,
    )?.stateMachineArn;
    nextToken = page.nextToken;
  } while (!stateMachineArn && nextToken);
  if (!stateMachineArn) throw new Error(`State machine ${FANOUT_STATE_MACHINE_NAME} is not deployed`);
  while (Date.now() < deadline) {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 50 }));
    const found = executions.find(
      (e: ExecutionListItem) => e.name === pipelineExecutionId || e.name?.endsWith(pipelineExecutionId),
    );
    if (found?.executionArn) return found.executionArn;
    await sleep(500);
  }
  throw new Error(`No fan-out execution for pipeline execution ${pipelineExecutionId}`);
}

/** Tenant results and stack operations found in a history page, as progress lines. */
export function progressLines(events: readonly HistoryEvent[], seen: Set<string>): string[] {
  const lines: string[] = [];
  for (const event of events) {
    const scheduled = event.taskScheduledEventDetails;
    if (
      scheduled?.resourceType === 'aws-sdk:cloudformation' &&
      /^(createStack|updateStack|deleteStack)$/.test(scheduled.resource ?? '')
    ) {
      const stackName = (JSON.parse(scheduled.parameters ?? '{}') as { StackName?: string }).StackName ?? '?';
      const key = `${scheduled.resource} ${stackName}`;
      if (!seen.has(key)) lines.push(`  … ${stackName}: ${scheduled.resource}`);
      seen.add(key);
    }
    const output = event.lambdaFunctionSucceededEventDetails?.output ?? event.taskSucceededEventDetails?.output;
    if (!output) continue;
    let result: Partial<TenantResult> | undefined;
    try {
      result = JSON.parse(output) as Partial<TenantResult>;
    } catch {
      continue;
    }
    if (!result?.tenantId || !result.outcome || seen.has(`result ${result.tenantId}`)) continue;
    seen.add(`result ${result.tenantId}`);
    const mark = result.outcome === 'failed' ? '✗' : result.outcome === 'unchanged' ? '=' : '✓';
    lines.push(`  ${mark} ${result.tenantId}: ${result.outcome}${result.reason ? ` — ${result.reason}` : ''}`);
  }
  return lines;
}

/** The summary, for people. */
export function formatSummary(summary: ReleaseSummary, seconds: number): string {
  const lines = [
    `release ${summary.version}${summary.tenantId ? ` for ${summary.tenantId}` : ''}: ${summary.tenantCount} silo tenant(s) in ${seconds.toFixed(1)} s`,
    `  succeeded  ${summary.succeeded.length}`,
    `  unchanged  ${summary.unchanged.length}`,
    `  failed     ${summary.failed.length}`,
    ...summary.failed.map((f) => `    ${f.tenantId}: ${f.reason}`),
  ];
  if (summary.skipped.length)
    lines.push(
      `  skipped    ${summary.skipped.length}`,
      ...summary.skipped.map((s) => `    ${s.tenantId}: ${s.reason}`),
    );
  if (summary.notStarted?.length)
    lines.push(`  not started ${summary.notStarted.length}: ${summary.notStarted.join(', ')}`);
  if (summary.unconfirmed?.length)
    lines.push(
      `  unconfirmed ${summary.unconfirmed.length}: ${summary.unconfirmed.join(', ')} (see TenantStackMapping)`,
    );
  if (summary.stopped) lines.push(`  STOPPED at wave ${summary.stopped.wave + 1}: ${summary.stopped.reason}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  // Lambda runs Node 22; the SDK's notice about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const onAws = args.includes('--aws');
  const endpoints = onAws ? undefined : readEndpoints();
  const { pipeline, sfn } = clientsFor(endpoints);
  const tenantId = option('tenant') ?? ALL_TENANTS;
  const timeoutSeconds = Number(option('timeout') ?? 3600);
  const pipelineName =
    option('pipeline') ??
    (endpoints?.pipelines?.includes(TENANT_PIPELINE_NAME) === false ? endpoints.pipelines[0] : TENANT_PIPELINE_NAME);
  if (!pipelineName) throw new Error('No pipeline is deployed');
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;

  const { pipelineExecutionId } = await pipeline.send(
    new StartPipelineExecutionCommand({ name: pipelineName, variables: [{ name: 'tenantId', value: tenantId }] }),
  );
  if (!pipelineExecutionId) throw new Error('StartPipelineExecution returned no execution id');
  console.log(`pipeline ${pipelineName}: execution ${pipelineExecutionId} (tenantId ${tenantId})`);
  const executionArn = await findFanOutExecution(sfn, pipelineExecutionId, deadline);
  console.log(`fan-out ${executionArn}`);

  const seen = new Set<string>();
  let historyToken: string | undefined;
  let status = 'RUNNING';
  while (status === 'RUNNING' && Date.now() < deadline) {
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken: historyToken, maxResults: 1000 }),
      );
      for (const line of progressLines(page.events ?? [], seen)) console.log(line);
      historyToken = page.nextToken;
    } while (historyToken);
    // The next poll reads the history from the start again; `seen` keeps each line printed once.
    status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
    if (status === 'RUNNING') await sleep(1000);
  }
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const pipelineStatus = await pipeline
    .send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))
    .then((r) => r.pipelineExecution?.status)
    .catch(() => undefined);
  const seconds = (Date.now() - started) / 1000;
  const summaryText = execution.status === 'SUCCEEDED' ? execution.output : execution.cause;
  try {
    console.log(formatSummary(JSON.parse(summaryText ?? '') as ReleaseSummary, seconds));
  } catch {
    console.log(`release ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
  }
  console.log(`fan-out ${execution.status}${pipelineStatus ? `, pipeline ${pipelineStatus}` : ''}`);
  return execution.status === 'SUCCEEDED' ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`release failed: ${(error as Error).message}`);
      process.exit(2);
    },
  );
}
