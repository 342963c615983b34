import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetBucketLifecycleConfigurationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployFixtureTenantStack, fakeServices, fixtureTemplate } from '../../test/support/local/cloudformation';
import type { LocalCloudFormation } from '../cloudformation';
import { LocalEventBus } from '../events';
import { type LocalS3, startLocalS3 } from '.';

/** The fixture tenant stack plus an export bucket, a custom bus and a rule on it, as CDK synthesizes them. */
function templateWithBucketAndBus(): Record<string, unknown> {
  const template = fixtureTemplate() as { Resources: Record<string, unknown>; Outputs: Record<string, unknown> };
  template.Resources.Exports = {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Delete',
    Properties: {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ Id: 'retention', Status: 'Enabled', ExpirationInDays: 30 }] },
    },
  };
  template.Resources.ExportsPolicy = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: { Bucket: { Ref: 'Exports' }, PolicyDocument: { Version: '2012-10-17', Statement: [] } },
  };
  template.Resources.Lifecycle = { Type: 'AWS::Events::EventBus', Properties: { Name: 'tenantflow-lifecycle' } };
  template.Resources.OnOffboarding = {
    Type: 'AWS::Events::Rule',
    Properties: {
      EventBusName: { Ref: 'Lifecycle' },
      EventPattern: { 'detail-type': ['offboardingSuccess'] },
      Targets: [{ Id: 'Target0', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }],
    },
  };
  template.Outputs.ExportsName = { Value: { Ref: 'Exports' } };
  template.Outputs.ExportsDomain = { Value: { 'Fn::GetAtt': ['Exports', 'RegionalDomainName'] } };
  template.Outputs.BusArn = { Value: { 'Fn::GetAtt': ['Lifecycle', 'Arn'] } };
  template.Outputs.RuleArn = { Value: { 'Fn::GetAtt': ['OnOffboarding', 'Arn'] } };
  return template;
}

describe('the deployer, the local S3 and EventBridge', () => {
  let dir: string;
  let fake: ReturnType<typeof fakeServices>;
  let s3: LocalS3;
  let events: LocalEventBus;
  let invoked: string[];
  let cfn: LocalCloudFormation;
  let client: S3Client;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-s3-cfn-'));
    fake = fakeServices();
    invoked = [];
    events = new LocalEventBus(async (target) => invoked.push(target));
    s3 = await startLocalS3({
      dataDir: path.join(dir, 's3'),
      region: 'us-east-1',
      credentials: () => ({ ok: true, secretAccessKey: 'local' }),
      sweepIntervalMs: 0,
    });
    client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cfn = await deployFixtureTenantStack(dir, templateWithBucketAndBus(), { ...fake.services, s3, events });
  });
  afterEach(async () => {
    client.destroy();
    await cfn.close();
    await fake.lambda.close();
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const outputs = async () => {
    const { Stacks } = await cfn.describeStacks({ StackName: 'tenant-t1' });
    return Object.fromEntries((Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey, String(o.OutputValue)]));
  };

  it('creates the bucket with its lifecycle rule, and resolves its Ref and attributes', async () => {
    const out = await outputs();
    const lifecycle = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: out.ExportsName }));

    expect(out.ExportsName).toMatch(/^tenant-t1-exports-[a-z0-9]{12}$/);
    expect(out.ExportsDomain).toBe(`${out.ExportsName}.s3.us-east-1.amazonaws.com`);
    expect(lifecycle.Rules).toEqual([expect.objectContaining({ ID: 'retention', Expiration: { Days: 30 } })]);
  });

  it('creates the custom bus and puts the rule on it, so a matching event reaches the target', async () => {
    const out = await outputs();

    const result = events.putEvents([
      { EventBusName: 'tenantflow-lifecycle', Source: 'tenantflow', DetailType: 'offboardingSuccess', Detail: '{}' },
      { EventBusName: 'tenantflow-lifecycle', Source: 'tenantflow', DetailType: 'activate', Detail: '{}' },
    ]);
    await events.drain();

    expect(out.BusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/tenantflow-lifecycle');
    expect(out.RuleArn).toMatch(/^arn:aws:events:us-east-1:000000000000:rule\/tenantflow-lifecycle\/tenant-t1-/);
    expect(result.FailedEntryCount).toBe(0);
    expect(invoked).toEqual(['arn:aws:lambda:us-east-1:000000000000:function:tenant-t1-Fn']);
  });

  it('removes the empty bucket, the rule and the bus with the stack', async () => {
    const { ExportsName } = await outputs();

    await cfn.deleteStack({ StackName: 'tenant-t1' });
    await cfn.idle();

    await expect(client.send(new HeadBucketCommand({ Bucket: ExportsName }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect(events.bus('tenantflow-lifecycle')).toBeUndefined();
  });
});
