import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConsoleStack, SPA_ROUTING_FUNCTION } from '../../infra/stacks/console-stack';

function synth(siteDir: string): Template {
  const app = new App();
  const stack = new ConsoleStack(app, 'console', {
    siteDir,
    consoleConfig: {
      controlPlaneApiUrl: 'https://api.example.com/prod/',
      operatorUserPoolId: 'us-east-1_abc',
      operatorClientId: 'client',
    },
  });
  return Template.fromStack(stack as Stack);
}

function routeOf(uri: string): string {
  const handler = new Function(`${SPA_ROUTING_FUNCTION}; return handler;`)() as (e: { request: { uri: string } }) => {
    uri: string;
  };
  return handler({ request: { uri } }).uri;
}

describe('console hosting stack', () => {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-site-'));
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html>');
  const template = synth(site);

  it('keeps the site bucket private behind CloudFront origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('writes config.json at deploy time next to the apps', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      SourceMarkers: Match.arrayWith([Match.objectLike({})]),
    });
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as {
      Properties: { SourceMarkersConfig?: unknown; SourceObjectKeys: unknown[] };
    };
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  it('routes each app’s client-side paths to its own index.html and leaves files alone', () => {
    expect(routeOf('/')).toBe('/index.html');
    expect(routeOf('/executions/abc')).toBe('/index.html');
    expect(routeOf('/signup')).toBe('/signup/index.html');
    expect(routeOf('/signup/')).toBe('/signup/index.html');
    expect(routeOf('/app/orders')).toBe('/app/index.html');
    expect(routeOf('/assets/operator-1a2b.js')).toBe('/assets/operator-1a2b.js');
    expect(routeOf('/config.json')).toBe('/config.json');
  });

  it('synthesizes without a built site (a placeholder page is deployed)', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-nosite-'));
    expect(() => synth(empty)).not.toThrow();
  });
});
