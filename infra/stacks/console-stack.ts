/**
 * Hosting of the web apps (operator console at /, sign-up at /signup, commerce app at /app):
 * a private S3 bucket behind CloudFront (origin access control), a viewer-request function for
 * each app's client-side routes, and `config.json` written next to the apps at deploy time from
 * the control plane's outputs. The local cloud does not deploy this stack: its console origin
 * serves the same `console/dist`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { acknowledgeBucketDeploymentProvider } from '../constructs/bucket-deployment-provider';
import { acknowledge } from '../constructs/nag';

export interface ConsoleStackProps extends StackProps {
  /** The values of `config.json` (docs/api.md "Discovery"), usually the control plane's. */
  readonly consoleConfig: {
    readonly controlPlaneApiUrl: string;
    readonly operatorUserPoolId: string;
    readonly operatorClientId: string;
  };
  /**
   * The built apps (`console/dist`, from `npm run build:console`). When it has not been built,
   * a placeholder page is deployed instead, so synthesis never depends on a front-end build.
   * @default console/dist of this repository
   */
  readonly siteDir?: string;
}

/** Viewer-request routing: files as they are; any other path of an app → that app's index.html. */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (/\\.[a-zA-Z0-9]+$/.test(uri)) return request;
  if (uri === '/signup' || uri.indexOf('/signup/') === 0) request.uri = '/signup/index.html';
  else if (uri === '/app' || uri.indexOf('/app/') === 0) request.uri = '/app/index.html';
  else request.uri = '/index.html';
  return request;
}`;

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tenantflow</title></head>
<body><h1>tenantflow</h1><p>The web apps were not built when this was deployed: run <code>npm run build:console</code>, then deploy again.</p></body></html>`;

export class ConsoleStack extends Stack {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const siteDir = props.siteDir ?? path.resolve(__dirname, '../../console/dist');

    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(logs, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access-log bucket of the site bucket and the distribution; logging it into itself would loop.',
      },
    ]);

    const site = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // Built output, re-deployable at any time.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const routing = new cloudfront.Function(this, 'SpaRouting', {
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'tenantflow web apps: client-side routes to each app index.html',
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'tenantflow web apps',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'Sign-up is open to tenants anywhere; there is no country to restrict.' },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only; the APIs it talks to have their own throttling and usage plans. A WAF web ACL can be attached per deployment.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront uses its default *.cloudfront.net certificate, which does not take a minimum TLS version; with a domain, TLSv1.2_2021 is set above.',
      },
    ]);

    const built = fs.existsSync(path.join(siteDir, 'index.html'));
    new s3deploy.BucketDeployment(this, 'DeploySite', {
      destinationBucket: site,
      sources: [
        built
          ? s3deploy.Source.asset(siteDir, { exclude: ['.*', '.*/**'] })
          : s3deploy.Source.data('index.html', PLACEHOLDER),
        s3deploy.Source.jsonData('config.json', {
          region: this.region,
          controlPlaneApiUrl: props.consoleConfig.controlPlaneApiUrl,
          operatorUserPoolId: props.consoleConfig.operatorUserPoolId,
          operatorClientId: props.consoleConfig.operatorClientId,
        }),
      ],
      // HTML and config.json must be revalidated after each deploy; hashed assets are immutable by name anyway.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    acknowledgeBucketDeploymentProvider(this, site);

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/` });
  }
}
