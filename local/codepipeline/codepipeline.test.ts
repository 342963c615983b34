import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RESOURCE_HANDLERS, type Services } from '../deployer/resource-handlers';
import { createSdkIntegrations } from '../sdk-integrations';
import { type LocalCodePipeline, startLocalCodePipeline } from '.';

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:fan-out';
const NAME = 'tenantflow-tenant-pipeline';

describe('local CodePipeline', () => {
  let dir: string;
  let pipeline: LocalCodePipeline;
  let client: CodePipelineClient;
  const started: Array<{ arn: string; name: string; input: unknown }> = [];
  const statuses = new Map<string, { status: string; error?: string; cause?: string }>();

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-cp-'));
    started.length = 0;
    statuses.clear();
    pipeline = await startLocalCodePipeline({
      dataDir: dir,
      startStateMachine: async (arn, name, input) => {
        started.push({ arn, name, input: JSON.parse(input) });
        const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
        statuses.set(executionArn, { status: 'RUNNING' });
        return executionArn;
      },
      describeExecution: async (arn) => statuses.get(arn) ?? { status: 'RUNNING' },
      stagePollMs: 10,
      deployInput: () => ({
        version: 'hash-1',
        templateUrl: 'file:///cdk.out/assembly-TenantTemplate/silo.template.json',
      }),
    });
    client = new CodePipelineClient({
      region: 'us-east-1',
      endpoint: pipeline.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  });
  /** Registers the pipeline as the deployer does from the pipeline stack's template (`npm start`). */
  const deploy = (executionMode?: string) =>
    RESOURCE_HANDLERS['AWS::CodePipeline::Pipeline']?.({
      stackName: 'tenantflow-pipeline',
      logicalId: 'Pipeline',
      properties: {
        Name: NAME,
        PipelineType: 'V2',
        ...(executionMode ? { ExecutionMode: executionMode } : {}),
        Variables: [{ Name: 'tenantId', DefaultValue: 'ALL' }, { Name: 'note' }],
        Stages: [
          {
            Name: 'Source',
            Actions: [
              {
                ActionTypeId: { Category: 'Source', Provider: 'S3' },
                Configuration: { S3Bucket: 'local-unavailable:Bucket.Arn' },
              },
            ],
          },
          {
            Name: 'Deploy',
            Actions: [
              {
                ActionTypeId: { Category: 'Invoke', Provider: 'StepFunctions' },
                Configuration: { StateMachineArn: STATE_MACHINE, ExecutionNamePrefix: 'release' },
              },
            ],
          },
        ],
      },
      services: { codePipeline: pipeline } as unknown as Services,
      assetDirs: new Map(),
      apis: undefined as never,
    });
  const start = (tenantId: string) =>
    client
      .send(new StartPipelineExecutionCommand({ name: NAME, variables: [{ name: 'tenantId', value: tenantId }] }))
      .then((started) => started.pipelineExecutionId ?? '');
  /** Ends the deploy stage's state machine execution of a pipeline execution. */
  const finish = (pipelineExecutionId: string, status = 'SUCCEEDED') => {
    const arn = [...statuses.keys()].find((key) => key.endsWith(pipelineExecutionId));
    if (!arn) throw new Error(`${pipelineExecutionId} never entered the deploy stage`);
    statuses.set(arn, { status });
  };
  const statusOf = async (pipelineExecutionId: string) =>
    (await client.send(new GetPipelineExecutionCommand({ pipelineName: NAME, pipelineExecutionId }))).pipelineExecution
      ?.status;
  const tenantsStarted = () => started.map((s) => (s.input as { tenantId: string }).tenantId);

  afterEach(async () => {
    client.destroy();
    await pipeline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the deploy stage: starts its state machine with tenantId, version and templateUrl, and follows its status', async () => {
    await deploy();
    const { pipelineExecutionId } = await client.send(
      new StartPipelineExecutionCommand({
        name: NAME,
        variables: [{ name: 'tenantId', value: 'acme' }],
        clientRequestToken: 'token-1',
      }),
    );

    expect(started).toEqual([
      {
        arn: STATE_MACHINE,
        name: `release-${pipelineExecutionId}`,
        input: {
          tenantId: 'acme',
          version: 'hash-1',
          templateUrl: 'file:///cdk.out/assembly-TenantTemplate/silo.template.json',
          pollSeconds: 1,
        },
      },
    ]);
    const get = () => client.send(new GetPipelineExecutionCommand({ pipelineName: NAME, pipelineExecutionId }));
    expect((await get()).pipelineExecution?.status).toBe('InProgress');
    statuses.set([...statuses.keys()][0] ?? '', {
      status: 'FAILED',
      error: 'FanOutFailed',
      cause: 'too many failures',
    });
    const execution = (await get()).pipelineExecution;
    expect(execution).toMatchObject({
      status: 'Failed',
      statusSummary: 'FanOutFailed: too many failures',
      variables: [
        { name: 'tenantId', resolvedValue: 'acme' },
        { name: 'note', resolvedValue: '' },
      ],
    });
    // The same client request token is the same execution.
    const again = await client.send(new StartPipelineExecutionCommand({ name: NAME, clientRequestToken: 'token-1' }));
    expect(again.pipelineExecutionId).toBe(pipelineExecutionId);
  });

  it("takes a variable's default when it is not given, and lists executions newest first", async () => {
    await deploy('PARALLEL');
    const first = await client.send(new StartPipelineExecutionCommand({ name: NAME }));
    const second = await client.send(new StartPipelineExecutionCommand({ name: NAME }));

    expect(started.map((s) => (s.input as { tenantId: string }).tenantId)).toEqual(['ALL', 'ALL']);
    const list = await client.send(new ListPipelineExecutionsCommand({ pipelineName: NAME }));
    expect(list.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      second.pipelineExecutionId,
      first.pipelineExecutionId,
    ]);
    expect(list.pipelineExecutionSummaries?.[0]?.startTime).toBeInstanceOf(Date);
  });

  it('answers PipelineNotFoundException for an unknown pipeline, ValidationException for an undeclared variable', async () => {
    await deploy();
    await expect(client.send(new StartPipelineExecutionCommand({ name: 'nope' }))).rejects.toMatchObject({
      name: 'PipelineNotFoundException',
    });
    await expect(
      client.send(
        new StartPipelineExecutionCommand({
          name: NAME,
          variables: [{ name: 'other', value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('is reached by the Step Functions SDK integration with PascalCase parameters and results', async () => {
    await deploy();
    const sdk = createSdkIntegrations({ region: 'us-east-1', endpoints: { codepipeline: pipeline.endpoint } });

    const result = await sdk.callAwsSdk('codepipeline', 'startPipelineExecution', {
      Name: NAME,
      Variables: [{ Name: 'tenantId', Value: 'acme' }],
    });

    expect(result).toEqual({ PipelineExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(started[0]?.input).toMatchObject({ tenantId: 'acme' });
    sdk.close();
  });

  describe('execution modes', () => {
    it('without ExecutionMode (SUPERSEDED, as AWS): of three concurrent starts one deploys, the newest waits, the one between is Superseded', async () => {
      await deploy();

      const ids = await Promise.all(['a', 'b', 'c'].map(start));

      expect(started).toHaveLength(1);
      const [first] = started.map((s) => ids.find((id) => s.name.endsWith(id)) ?? '');
      const statusesNow = await Promise.all(ids.map(statusOf));
      expect(statusesNow.filter((status) => status === 'Superseded')).toHaveLength(1);
      expect(statusesNow.filter((status) => status === 'InProgress')).toHaveLength(2);
      const newestWaiting = ids.find((id, i) => id !== first && statusesNow[i] === 'InProgress') ?? '';
      finish(first ?? '');
      await vi.waitFor(() => expect(started).toHaveLength(2));
      expect(started[1]?.name).toBe(`release-${newestWaiting}`);
      const list = await client.send(new ListPipelineExecutionsCommand({ pipelineName: NAME }));
      expect(list.pipelineExecutionSummaries?.map((s) => s.executionMode)).toEqual([
        'SUPERSEDED',
        'SUPERSEDED',
        'SUPERSEDED',
      ]);
      expect(list.pipelineExecutionSummaries?.map((s) => s.status).sort()).toEqual([
        'InProgress',
        'Succeeded',
        'Superseded',
      ]);
      // A superseded execution never deploys, even once the stage is free again.
      finish(newestWaiting);
      await vi.waitFor(async () => expect(await statusOf(newestWaiting)).toBe('Succeeded'));
      expect(started).toHaveLength(2);
    });

    it('QUEUED: runs executions one after another in the order they started, superseding none', async () => {
      await deploy('QUEUED');
      const ids = [await start('a'), await start('b'), await start('c')];

      expect(tenantsStarted()).toEqual(['a']);
      finish(ids[0] ?? '', 'FAILED');
      await vi.waitFor(() => expect(tenantsStarted()).toEqual(['a', 'b']));
      finish(ids[1] ?? '');
      await vi.waitFor(() => expect(tenantsStarted()).toEqual(['a', 'b', 'c']));
      expect(await Promise.all(ids.map(statusOf))).toEqual(['Failed', 'Succeeded', 'InProgress']);
      expect(
        (await client.send(new GetPipelineExecutionCommand({ pipelineName: NAME, pipelineExecutionId: ids[2] })))
          .pipelineExecution?.executionMode,
      ).toBe('QUEUED');
    });

    it('PARALLEL: starts every execution at once, independently of the others', async () => {
      await deploy('PARALLEL');

      const ids = await Promise.all(['a', 'b', 'c'].map(start));

      expect(tenantsStarted().sort()).toEqual(['a', 'b', 'c']);
      finish(ids[1] ?? '');
      expect(await Promise.all(ids.map(statusOf))).toEqual(['InProgress', 'Succeeded', 'InProgress']);
    });

    it('refuses a template whose ExecutionMode is not one of the three', async () => {
      await expect(deploy('LATEST')).rejects.toThrow('ExecutionMode LATEST is not one of SUPERSEDED, QUEUED, PARALLEL');
    });
  });
});
