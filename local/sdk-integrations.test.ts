import { describe, expect, it } from 'vitest';
import { CloudFormationError } from './cloudformation/errors';
import { type CloudFormationApi, createSdkIntegrations, recase } from './sdk-integrations';

function fakeCloudFormation(): CloudFormationApi & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    createStack: (async (input: unknown) => {
      calls.push(input);
      return { StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/s/1' };
    }) as never,
    updateStack: (async () => {
      throw new CloudFormationError('ValidationError', 'No updates are to be performed.');
    }) as never,
    describeStacks: (async () => ({
      Stacks: [{ StackName: 's', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date('2025-01-02T03:04:05Z') }],
    })) as never,
    deleteStack: (async () => {
      throw new CloudFormationError('AlreadyExistsException', 'whatever');
    }) as never,
  };
}

describe('Step Functions SDK integrations', () => {
  it('calls LocalCloudFormation in-process and returns JSON (dates as ISO strings)', async () => {
    const cfn = fakeCloudFormation();
    const sdk = createSdkIntegrations({ region: 'us-east-1', endpoints: {}, cloudFormation: cfn });

    const created = await sdk.callAwsSdk('cloudformation', 'createStack', {
      StackName: 's',
      TemplateURL: 'file:///t.json',
    });
    const described = await sdk.callAwsSdk('cloudformation', 'describeStacks', { StackName: 's' });

    expect(created).toEqual({ StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/s/1' });
    expect(cfn.calls).toEqual([{ StackName: 's', TemplateURL: 'file:///t.json' }]);
    expect(described).toEqual({
      Stacks: [{ StackName: 's', StackStatus: 'CREATE_COMPLETE', CreationTime: '2025-01-02T03:04:05.000Z' }],
    });
  });

  it('reports CloudFormation ValidationError as CloudFormation.CloudFormationException (as on AWS) and keeps modeled errors', async () => {
    const sdk = createSdkIntegrations({
      region: 'us-east-1',
      endpoints: {},
      cloudFormation: fakeCloudFormation(),
    });

    await expect(sdk.callAwsSdk('cloudformation', 'updateStack', { StackName: 's' })).rejects.toMatchObject({
      name: 'CloudFormation.CloudFormationException',
      message: 'No updates are to be performed.',
    });
    await expect(sdk.callAwsSdk('cloudformation', 'deleteStack', { StackName: 's' })).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    });
  });

  it('fails with States.Runtime for an unsupported service or action', async () => {
    const sdk = createSdkIntegrations({
      region: 'us-east-1',
      endpoints: { sfn: 'http://127.0.0.1:1' },
      cloudFormation: fakeCloudFormation(),
    });

    await expect(sdk.callAwsSdk('s3', 'putObject', {})).rejects.toMatchObject({
      name: 'States.Runtime',
      message: expect.stringContaining('aws-sdk:s3:putObject'),
    });
    await expect(sdk.callAwsSdk('cloudformation', 'createChangeSet', {})).rejects.toMatchObject({
      name: 'States.Runtime',
    });
    await expect(sdk.callAwsSdk('sfn', 'noSuchAction', {})).rejects.toMatchObject({ name: 'States.Runtime' });
  });

  it('reaches a service only once it is connected, with States.Runtime before', async () => {
    const sdk = createSdkIntegrations({ region: 'us-east-1' });
    const cfn = fakeCloudFormation();

    await expect(sdk.callAwsSdk('cloudformation', 'createStack', { StackName: 's' })).rejects.toMatchObject({
      name: 'States.Runtime',
    });
    await expect(sdk.callAwsSdk('sfn', 'describeExecution', {})).rejects.toMatchObject({
      name: 'States.Runtime',
      message: expect.stringContaining('(services: cloudformation)'),
    });
    sdk.connect({ cloudFormation: cfn, endpoints: { sfn: 'http://127.0.0.1:1' } });

    await sdk.callAwsSdk('cloudformation', 'createStack', { StackName: 's' });
    expect(cfn.calls).toEqual([{ StackName: 's' }]);
    await expect(sdk.callAwsSdk('sfn', 'noSuchAction', {})).rejects.toMatchObject({
      name: 'States.Runtime',
      message: expect.stringContaining('no action noSuchAction'),
    });
  });

  it('re-cases keys for camelCase APIs, leaving map members alone', () => {
    const lower = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

    expect(
      recase({ Name: 'k', Tags: { Tenant: 'x' }, StageKeys: [{ RestApiId: 'a' }] }, lower, new Set(['tags'])),
    ).toEqual({
      name: 'k',
      tags: { Tenant: 'x' },
      stageKeys: [{ restApiId: 'a' }],
    });
  });
});
