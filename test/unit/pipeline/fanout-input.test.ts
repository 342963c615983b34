import { describe, expect, it } from 'vitest';
import { fanOutInputOf } from '../../../scripts/fanout-input';

const manifest = {
  files: {
    code: {
      source: { path: 'asset.abc', packaging: 'zip' },
      destinations: {
        d: { bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}', objectKey: 'abc.zip' },
      },
    },
    template: {
      source: { path: 'TenantTemplateSiloE7357878.template.json', packaging: 'file' },
      destinations: {
        d: { bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}', objectKey: 'f00.json' },
      },
    },
  },
};

describe('fan-out input of the pipeline build', () => {
  it('points templateUrl at the published template object and reads tenantId ALL as every tenant', () => {
    expect(fanOutInputOf(manifest, 'ALL', 'exec-1', { region: 'eu-west-1', accountId: '123456789012' })).toEqual({
      tenantId: '',
      version: 'exec-1',
      templateUrl: 'https://cdk-hnb659fds-assets-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com/f00.json',
    });
  });

  it('keeps a named tenant', () => {
    expect(fanOutInputOf(manifest, 't-42', 'v', { region: 'us-east-1', accountId: '1' }).tenantId).toBe('t-42');
  });

  it('fails without a template asset', () => {
    expect(() => fanOutInputOf({ files: {} }, 'ALL', 'v', { region: 'r', accountId: '1' })).toThrow(
      'no template asset',
    );
  });
});
