import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURE_STACK_NAME,
  fakeServices,
  fixtureTemplate,
  writeFixtureAssembly,
} from '../../test/support/local/cloudformation';
import { nestedStacksOf, readAssembly } from '../deployer/deploy';
import { LocalCloudFormation, templateUrlOf } from '.';

const fixtureOutputs = () => (fixtureTemplate() as { Outputs: Record<string, unknown> }).Outputs;

const EXPORTS = new Map([['fixture-shared-export', 'shared-value']]);

describe('LocalCloudFormation', () => {
  let dir: string;
  let assemblyDir: string;
  let templateUrl: string;
  let fake: ReturnType<typeof fakeServices>;
  let cfn: LocalCloudFormation;

  const start = (services = fake.services) =>
    new LocalCloudFormation({
      dataDir: path.join(dir, 'data', 'cloudformation'),
      services,
      exports: EXPORTS,
      assemblyDir,
      log: () => undefined,
    });
  const create = (tenantId = 't1', stackName = 'tenant-t1') =>
    cfn.createStack({
      StackName: stackName,
      TemplateURL: templateUrl,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: tenantId }],
    });
  const status = async (name = 'tenant-t1') => (await cfn.describeStacks({ StackName: name })).Stacks[0];
  const releaseNewTemplate = (opts: Parameters<typeof fixtureTemplate>[0]) =>
    writeFixtureAssembly(assemblyDir, fixtureTemplate(opts));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-cfn-'));
    assemblyDir = path.join(dir, 'cdk.out');
    const { templateFile } = writeFixtureAssembly(assemblyDir);
    templateUrl = pathToFileURL(templateFile).href;
    fake = fakeServices();
    cfn = start();
  });
  afterEach(async () => {
    await cfn.close();
    await fake.lambda.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a stack asynchronously: CREATE_IN_PROGRESS at once, then CREATE_COMPLETE with outputs and parameters', async () => {
    const { StackId } = await create();

    expect(StackId).toMatch(/^arn:aws:cloudformation:us-east-1:\d{12}:stack\/tenant-t1\/[0-9a-f-]{36}$/);
    expect((await status())?.StackStatus).toBe('CREATE_IN_PROGRESS');
    await cfn.idle();
    const stack = await status();
    expect(stack).toMatchObject({
      StackName: 'tenant-t1',
      StackId,
      StackStatus: 'CREATE_COMPLETE',
      Description: 'fixture tenant stack',
    });
    expect(stack?.CreationTime).toBeInstanceOf(Date);
    expect(stack?.Parameters).toContainEqual({ ParameterKey: 'TenantId', ParameterValue: 't1' });
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs.TenantApiUrl).toMatch(/^http:\/\/127\.0\.0\.1:4000\/restapis\/[a-z0-9]+\/prod\/$/);
    expect(outputs.TableName).toBe('fixture-products-t1');
    expect(outputs.BucketArn).toMatch(/^arn:aws:s3:::tenant-t1-bucket-[a-z0-9]{12}$/);
    expect(fake.tables.has('fixture-products-t1')).toBe(true);
    expect(fake.lambda.list().map((fn) => fn.functionName)).toEqual(['tenant-t1-Fn']);
    expect(fake.lambda.list()[0]?.environment.SHARED).toBe('shared-value');
    expect([...fake.apis.values()].map((api) => api.name)).toEqual(['tenant-t1']);
    expect(fake.plans.size).toBe(1);
  });

  it('throws AlreadyExistsException when the stack exists', async () => {
    await create();
    await expect(create()).rejects.toMatchObject({
      name: 'AlreadyExistsException',
      message: 'Stack [tenant-t1] already exists',
    });
  });

  it('throws ValidationError "Stack with id <name> does not exist" for a missing stack', async () => {
    await expect(cfn.describeStacks({ StackName: 'nope' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nope does not exist',
    });
  });

  it('refuses parameters that are missing or unknown, and IAM resources without capabilities', async () => {
    await expect(cfn.createStack({ StackName: 'x', TemplateURL: templateUrl })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Parameters: [TenantId] must have values',
    });
    await expect(
      cfn.createStack({
        StackName: 'x',
        TemplateURL: templateUrl,
        Parameters: [
          { ParameterKey: 'TenantId', ParameterValue: 'a' },
          { ParameterKey: 'Nope', ParameterValue: 'b' },
        ],
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Parameters: [Nope] do not exist in the template' });
    const withRole = fixtureTemplate();
    (withRole.Resources as Record<string, unknown>).Role = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: {} },
    };
    await expect(
      cfn.createStack({
        StackName: 'x',
        TemplateBody: JSON.stringify(withRole),
        Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 'a' }],
      }),
    ).rejects.toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    });
  });

  it('answers "No updates are to be performed." to an update with the same template and parameters', async () => {
    await create();
    await cfn.idle();

    await expect(
      cfn.updateStack({
        StackName: 'tenant-t1',
        TemplateURL: templateUrl,
        Parameters: [{ ParameterKey: 'TenantId', UsePreviousValue: true }],
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'No updates are to be performed.' });
    expect((await status())?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('updates a stack to a new template: UPDATE_IN_PROGRESS, then UPDATE_COMPLETE with the new function code environment', async () => {
    await create();
    await cfn.idle();
    releaseNewTemplate({ version: '2' });

    await cfn.updateStack({
      StackName: 'tenant-t1',
      TemplateURL: templateUrl,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't1' }],
    });

    expect((await status())?.StackStatus).toBe('UPDATE_IN_PROGRESS');
    await cfn.idle();
    const stack = await status();
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack?.LastUpdatedTime).toBeInstanceOf(Date);
    expect(fake.lambda.list()[0]?.environment.VERSION).toBe('2');
    // The API model is replaced, not appended to.
    expect([...fake.apis.values()][0]?.methods).toHaveLength(1);
  });

  it('rolls a failed create back to ROLLBACK_COMPLETE, undoing its function, API and (not retained) table, with the reason', async () => {
    releaseNewTemplate({ tablePolicy: 'Delete' });
    cfn.setFault('tenant-t1', 1);

    await create();
    await cfn.idle();

    const stack = await status();
    expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(stack?.StackStatusReason).toContain('Injected fault');
    expect(fake.lambda.list()).toEqual([]);
    expect(fake.apis.size).toBe(0);
    expect(fake.plans.size).toBe(0);
    expect(fake.tables.size).toBe(0);
    await expect(cfn.updateStack({ StackName: 'tenant-t1', UsePreviousTemplate: true })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('rolls a failed update back to UPDATE_ROLLBACK_COMPLETE on the previous template', async () => {
    await create();
    await cfn.idle();
    releaseNewTemplate({ version: '2' });
    cfn.setFault('tenant-t1', 1);

    await cfn.updateStack({
      StackName: 'tenant-t1',
      TemplateURL: templateUrl,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't1' }],
    });
    await cfn.idle();

    const stack = await status();
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack?.StackStatusReason).toContain('Injected fault');
    expect(fake.lambda.list()[0]?.environment.VERSION).toBe('1');
    expect(fake.apis.size).toBe(1);
    // The fault was used up: the next release goes through.
    await cfn.updateStack({
      StackName: 'tenant-t1',
      TemplateURL: templateUrl,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't1' }],
    });
    await cfn.idle();
    expect((await status())?.StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('deletes a stack: DELETE_COMPLETE by StackId, gone by name, API and functions unregistered, retained table kept', async () => {
    const { StackId } = await create();
    await cfn.idle();

    await cfn.deleteStack({ StackName: 'tenant-t1' });
    await cfn.idle();

    await expect(cfn.describeStacks({ StackName: 'tenant-t1' })).rejects.toMatchObject({ name: 'ValidationError' });
    expect((await cfn.describeStacks({ StackName: StackId })).Stacks[0]?.StackStatus).toBe('DELETE_COMPLETE');
    expect(fake.lambda.list()).toEqual([]);
    expect(fake.apis.size).toBe(0);
    expect(fake.tables.has('fixture-products-t1')).toBe(true);
    // The name is free again.
    await create();
    await cfn.idle();
    expect((await status())?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('re-deploys COMPLETE stacks after a restart, even when cdk.out was re-synthesized without their assets', async () => {
    await create('t1', 'tenant-t1');
    cfn.setFault('tenant-t2', 1);
    await create('t2', 'tenant-t2');
    await cfn.close();
    fs.rmSync(assemblyDir, { recursive: true });
    const restarted = fakeServices();

    cfn = start(restarted.services);
    await cfn.restore();

    expect((await status('tenant-t1'))?.StackStatus).toBe('CREATE_COMPLETE');
    expect((await status('tenant-t2'))?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(restarted.lambda.list().map((fn) => fn.functionName)).toEqual(['tenant-t1-Fn']);
    expect(fs.existsSync(path.join(restarted.lambda.list()[0]?.codeDir ?? '', 'index.js'))).toBe(true);
    expect([...restarted.apis.values()].map((api) => api.name)).toEqual(['tenant-t1']);
    await restarted.lambda.close();
  });

  it('resolves an https TemplateURL by its file name against the assembly, and finds the nested stack', async () => {
    const fileName = path.basename(new URL(templateUrl).pathname);

    await cfn.createStack({
      StackName: 'tenant-t3',
      TemplateURL: `https://cdk-assets.s3.us-east-1.amazonaws.com/${fileName}`,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't3' }],
    });
    await cfn.idle();

    expect((await status('tenant-t3'))?.StackStatus).toBe('CREATE_COMPLETE');
    expect(templateUrlOf(assemblyDir, FIXTURE_STACK_NAME)).toBe(templateUrl);
    expect(readAssembly(assemblyDir).stacks).toEqual([]);
    expect(nestedStacksOf(assemblyDir).map((entry) => [entry.assembly.id, entry.stack.stackName])).toEqual([
      ['TenantTemplate', FIXTURE_STACK_NAME],
    ]);
    await expect(
      cfn.createStack({ StackName: 'x', TemplateURL: 'https://bucket.s3.amazonaws.com/missing.template.json' }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('simulates deploys for benchmarks: a fixed time, in parallel, nothing deployed, outputs set, nothing persisted', async () => {
    cfn.simulateDeploys({ deployMs: 50 });

    const started = Date.now();
    await Promise.all([create('t1', 'tenant-t1'), create('t2', 'tenant-t2')]);
    expect((await status('tenant-t2'))?.StackStatus).toBe('CREATE_IN_PROGRESS');
    await cfn.idle();
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(45);
    // Both in parallel, not one after the other.
    expect(elapsed).toBeLessThan(1000);
    const stack = await status('tenant-t2');
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.Outputs.map((o) => o.OutputKey).sort()).toEqual(Object.keys(fixtureOutputs()).sort());
    expect(fake.lambda.list()).toEqual([]);
    expect(fake.tables.size).toBe(0);

    await cfn.updateStack({
      StackName: 'tenant-t2',
      UsePreviousTemplate: true,
      Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't2-renamed' }],
    });
    expect((await status('tenant-t2'))?.StackStatus).toBe('UPDATE_IN_PROGRESS');
    await cfn.idle();
    expect((await status('tenant-t2'))?.StackStatus).toBe('UPDATE_COMPLETE');

    cfn.simulateDeploys(undefined);
    await cfn.close();
    cfn = start();
    await expect(cfn.describeStacks({ StackName: 'tenant-t2' })).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
