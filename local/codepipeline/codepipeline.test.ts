import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCE_HANDLERS, type Services } from '../deployer/resource-handlers';
import { createSdkIntegrations } from '../sdk-integrations';
import { type LocalCodePipeline, startLocalCodePipeline } from '.';

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:fan-out';

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
    // Registered by the deployer from the pipeline stack's template, as `npm start` does.
    await RESOURCE_HANDLERS['AWS::CodePipeline::Pipeline']?.({
      stackName: 'tenantflow-pipeline',
      logicalId: 'Pipeline',
      properties: {
        Name: 'tenantflow-tenant-pipeline',
        PipelineType: 'V2',
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
  });
  afterEach(async () => {
    client.destroy();
    await pipeline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the deploy stage: starts its state machine with tenantId, version and templateUrl, and follows its status', async () => {
    const { pipelineExecutionId } = await client.send(
      new StartPipelineExecutionCommand({
        name: 'tenantflow-tenant-pipeline',
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
    const get = () =>
      client.send(new GetPipelineExecutionCommand({ pipelineName: 'tenantflow-tenant-pipeline', pipelineExecutionId }));
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
    const again = await client.send(
      new StartPipelineExecutionCommand({ name: 'tenantflow-tenant-pipeline', clientRequestToken: 'token-1' }),
    );
    expect(again.pipelineExecutionId).toBe(pipelineExecutionId);
  });

  it("takes a variable's default when it is not given, and lists executions newest first", async () => {
    const first = await client.send(new StartPipelineExecutionCommand({ name: 'tenantflow-tenant-pipeline' }));
    const second = await client.send(new StartPipelineExecutionCommand({ name: 'tenantflow-tenant-pipeline' }));

    expect(started.map((s) => (s.input as { tenantId: string }).tenantId)).toEqual(['ALL', 'ALL']);
    const list = await client.send(new ListPipelineExecutionsCommand({ pipelineName: 'tenantflow-tenant-pipeline' }));
    expect(list.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      second.pipelineExecutionId,
      first.pipelineExecutionId,
    ]);
    expect(list.pipelineExecutionSummaries?.[0]?.startTime).toBeInstanceOf(Date);
  });

  it('answers PipelineNotFoundException for an unknown pipeline, ValidationException for an undeclared variable', async () => {
    await expect(client.send(new StartPipelineExecutionCommand({ name: 'nope' }))).rejects.toMatchObject({
      name: 'PipelineNotFoundException',
    });
    await expect(
      client.send(
        new StartPipelineExecutionCommand({
          name: 'tenantflow-tenant-pipeline',
          variables: [{ name: 'other', value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('is reached by the Step Functions SDK integration with PascalCase parameters and results', async () => {
    const sdk = createSdkIntegrations({ region: 'us-east-1', endpoints: { codepipeline: pipeline.endpoint } });

    const result = await sdk.callAwsSdk('codepipeline', 'startPipelineExecution', {
      Name: 'tenantflow-tenant-pipeline',
      Variables: [{ Name: 'tenantId', Value: 'acme' }],
    });

    expect(result).toEqual({ PipelineExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(started[0]?.input).toMatchObject({ tenantId: 'acme' });
    sdk.close();
  });
});
