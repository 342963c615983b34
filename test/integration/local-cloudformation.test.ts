/**
 * The local cloud's CloudFormation side, on a local cloud of its own (own data directory): a
 * silo tenant stack created through a Step Functions `aws-sdk:cloudformation:createStack` task,
 * served by the gateway, a deploy made to fail through `POST /local/faults`, and the stack back
 * after a restart. The fan-out and the pipeline are tested where they are built.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMES } from '../../infra/app';
import { type LocalCloud, type LocalEndpoints, startLocalCloud } from '../../local/cloud';
import { templateUrlOf } from '../../local/cloudformation';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test-create-stack';

describe('local CloudFormation on the local cloud', () => {
  let dataDir: string;
  let cloud: LocalCloud;
  let templateUrl: string;

  const parameters = (tenantId: string) => [
    { ParameterKey: 'TenantId', ParameterValue: tenantId },
    { ParameterKey: 'UserPoolId', ParameterValue: 'us-east-1_silo' },
    { ParameterKey: 'AppClientId', ParameterValue: 'client' },
  ];
  const stackOf = async (name: string) => (await cloud.cloudFormation.describeStacks({ StackName: name })).Stacks[0];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-cfn-it-'));
    cloud = await startLocalCloud({ port: 0, dataDir });
    const endpoints = JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as LocalEndpoints;
    templateUrl = templateUrlOf(endpoints.assemblyDir, STACK_NAMES.siloTemplate) ?? '';
  });
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the local endpoints (CodePipeline included) to <dataDir>/endpoints.json', () => {
    const endpoints = JSON.parse(fs.readFileSync(cloud.endpointsFile, 'utf8')) as LocalEndpoints;

    expect(endpoints).toMatchObject({
      region: 'us-east-1',
      consoleUrl: cloud.consoleUrl,
      codepipeline: cloud.codePipeline.endpoint,
      pid: process.pid,
    });
    expect(templateUrl).toMatch(/^file:\/\/.*\.template\.json$/);
  });

  it('creates a silo stack from a Step Functions SDK task; its API is served and survives a restart; a faulted deploy rolls back', async () => {
    cloud.services.stepFunctions.registerStateMachine({
      arn: STATE_MACHINE_ARN,
      name: 'test-create-stack',
      definition: JSON.stringify({
        StartAt: 'CreateStack',
        States: {
          CreateStack: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:cloudformation:createStack',
            Parameters: {
              'StackName.$': '$.stackName',
              'TemplateURL.$': '$.templateUrl',
              'Parameters.$': '$.parameters',
              Capabilities: ['CAPABILITY_IAM'],
            },
            End: true,
          },
        },
      }),
    });
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: cloud.services.stepFunctions.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const run = async (stackName: string, tenantId: string) => {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: STATE_MACHINE_ARN,
          input: JSON.stringify({ stackName, templateUrl, parameters: parameters(tenantId) }),
        }),
      );
      await cloud.idle();
      return sfn.send(new DescribeExecutionCommand({ executionArn }));
    };

    const execution = await run('tenantflow-silo-it1', 'it1');

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').StackId).toContain(':stack/tenantflow-silo-it1/');
    const stack = await stackOf('tenantflow-silo-it1');
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    const apiUrl = stack?.Outputs.find((o) => o.OutputKey === 'TenantApiUrl')?.OutputValue ?? '';
    expect(apiUrl.startsWith(`${cloud.consoleUrl}/restapis/`)).toBe(true);
    // Served by the gateway: the authorizer refuses a call without a token.
    expect((await fetch(`${apiUrl}products`)).status).toBe(401);

    const fault = await fetch(`${cloud.consoleUrl}/local/faults`, {
      method: 'POST',
      body: JSON.stringify({ step: 'cloudformation:tenantflow-silo-it2', times: 1 }),
    });
    expect(fault.status).toBe(201);
    await run('tenantflow-silo-it2', 'it2');
    const failed = await stackOf('tenantflow-silo-it2');
    expect(failed?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(failed?.StackStatusReason).toContain('Injected fault');
    sfn.destroy();

    await cloud.close();
    cloud = await startLocalCloud({ port: 0, dataDir });

    const restored = await stackOf('tenantflow-silo-it1');
    expect(restored?.StackStatus).toBe('CREATE_COMPLETE');
    const restoredUrl = (restored?.Outputs.find((o) => o.OutputKey === 'TenantApiUrl')?.OutputValue ?? '').replace(
      /^http:\/\/127\.0\.0\.1:\d+/,
      cloud.consoleUrl,
    );
    expect((await fetch(`${restoredUrl}products`)).status).toBe(401);
  });
});
