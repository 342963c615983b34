import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { aliasArgs } from './bundling/aliases';
import { acknowledge } from './nag';
import { powertoolsEnvironment } from './observability/function-environment';
import { TENANT_CONTEXT_MODULE } from './tenant-context-layer';

/** The repository root; function entries are given relative to it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Template metadata naming the entry (relative to the repository root) a function was bundled
 * from: which source a deployed function runs, for a person reading the template and for the
 * instrumentation benchmark, which rebuilds each entry.
 */
export const ENTRY_METADATA_KEY = 'tenantflow:entry';

/** How every AppFunction is bundled (esbuild through NodejsFunction); the bench rebuilds bundles with the same settings. */
export const APP_FUNCTION_BUNDLING = {
  minify: true,
  // Stack traces stay readable (NODE_OPTIONS below) while the maps stay small: without the
  // sources embedded a map is ~40 % of its size, and Node parses it at every cold start.
  sourceMap: true,
  sourcesContent: false,
  // The AWS SDK's ES module builds tree-shake (its CommonJS builds are one file per package):
  // bundles about 40 % smaller, imports about twice as fast (bench/results.md, item 6).
  mainFields: ['module', 'main'],
  target: 'node22',
  // Bundle the AWS SDK (pinned, tree-shaken) but never the layer's module.
  externalModules: [TENANT_CONTEXT_MODULE],
  // Packages loaded whole for a sliver of them, replaced by small local modules (bundling/aliases.ts).
  esbuildArgs: aliasArgs(),
  logLevel: LogLevel.ERROR,
} as const satisfies BundlingOptions;

export interface AppFunctionProps {
  /** Entry file, relative to the repository root (e.g. `functions/products/handler.ts`). */
  readonly entry: string;
  /** Exported handler name in the entry. @default 'handler' */
  readonly handler?: string;
  /** Environment variables (the local cloud resolves them the same way Lambda does). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Layers to attach, e.g. the tenant-context layer. @default none */
  readonly layers?: readonly lambda.ILayerVersion[];
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Short description shown in the console. */
  readonly description?: string;
}

/**
 * Every Lambda function of tenantflow: nodejs22.x on arm64, X-Ray tracing, a log group with
 * a fixed retention, bundled by esbuild (minified, with source maps), and the Powertools
 * environment (service = the function's id, the contract's metric namespace, the deployment's
 * log level, no captured responses). The tenant-context module is left out of the bundle
 * because the layer provides it at /opt/nodejs.
 *
 * The execution role is our own rather than Lambda's default: the default attaches the
 * AWSLambdaBasicExecutionRole managed policy, which may write to every log group of the
 * account; this one may write only to the function's own log group.
 */
export class AppFunction extends NodejsFunction {
  /** The function's own execution role (see above); `role` typed as the concrete Role. */
  readonly executionRole: iam.Role;
  /** Its Powertools service name (the `service` key of its log lines, the `service` dimension of its metrics). */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}ServiceRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    super(scope, id, {
      role,
      entry: path.join(REPO_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 256,
      description: props.description,
      logGroup,
      layers: props.layers ? [...props.layers] : undefined,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...powertoolsEnvironment(scope, id),
        ...props.environment,
      },
      bundling: {
        ...APP_FUNCTION_BUNDLING,
        mainFields: [...APP_FUNCTION_BUNDLING.mainFields],
        externalModules: [...APP_FUNCTION_BUNDLING.externalModules],
      },
    });
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
    this.executionRole = role;
    this.serviceName = id;
    // The log group's Arn attribute ends in ':*', i.e. its log streams and nothing else.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    acknowledge(this, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is the platform runtime on purpose (docs/design.md): the tenant-context layer, the esbuild target and the local cloud are built for it; moving to a newer runtime is a deliberate platform upgrade, not a per-function default.',
      },
    ]);
    acknowledge(role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray statement that Tracing.ACTIVE adds (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource *: X-Ray has no resource-level permissions. test/infra checks that no other statement uses *.',
      },
    ]);
  }
}
