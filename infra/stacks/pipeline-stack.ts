import {
  type CfnElement,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ALL_TENANTS, FANOUT_STATE_MACHINE_NAME, SILO_STACK_PREFIX } from '../../functions/pipeline/fanout';
import { deployFanOutDefinition } from '../../workflows/deploy-fanout';
import { AppFunction } from '../constructs/app-function';
import { acknowledge } from '../constructs/nag';
import { FOUNDATION_EXPORTS, type FoundationStack } from './foundation-stack';

export interface PipelineStackProps extends StackProps {
  readonly foundation: FoundationStack;
  /** The silo template's stack name in the cloud assembly (what the build synthesizes and publishes). */
  readonly siloTemplateStackName: string;
  /** The silo template's assets manifest, relative to cdk.out (e.g. `assembly-TenantTemplate/TenantTemplateSilo….assets.json`). */
  readonly siloTemplateAssetsManifest: string;
  /** Share of a wave's tenants that may fail before the release stops. @default 10 */
  readonly toleratedFailurePercentage?: number;
}

/** The pipeline's name (the release script and the onboarding start it by name). */
export const TENANT_PIPELINE_NAME = 'tenantflow-tenant-pipeline';
/** The fan-out input file the build writes into its output artifact. */
export const FANOUT_INPUT_FILE = 'fanout-input.json';
/** The build's image: Node 20 on Debian bookworm, from the Docker official images on ECR Public. */
export const BUILD_IMAGE = 'public.ecr.aws/docker/library/node:20-bookworm';

/**
 * The tenant pipeline (CodePipeline V2) and the release fan-out:
 * S3 source (versioned bucket, `source.zip`) → CodeBuild (`npm ci`, `npm test`, synthesize the
 * silo template, publish it and its assets with cdk-assets, write the fan-out input) →
 * Step Functions (the fan-out, input from the build's `fanout-input.json`).
 *
 * The pipeline variable `tenantId` names one tenant (onboarding) or is `ALL` (a release);
 * CodePipeline does not accept an empty value.
 */
export class PipelineStack extends Stack {
  readonly fanOut: sfn.StateMachine;
  readonly pipeline: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const mapping = props.foundation.tenantStackMapping;
    // The CDK bootstrap assets bucket: the build publishes the template and its Lambda code there.
    const assetsBucketName = Fn.sub(
      DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
        '${Qualifier}',
        DefaultStackSynthesizer.DEFAULT_QUALIFIER,
      ),
    );
    const assetObjects = `arn:${this.partition}:s3:::${assetsBucketName}/*`;

    // --- The fan-out's steps.
    const stepFn = (fnId: string, handler: string) =>
      new AppFunction(this, fnId, {
        entry: 'functions/pipeline/handlers.ts',
        handler,
        description: `Release fan-out step ${handler}`,
        environment: { TENANT_STACK_MAPPING_TABLE: mapping.tableName },
      });
    const functions = {
      planRelease: stepFn('PlanReleaseFunction', 'planRelease'),
      recordDeployment: stepFn('RecordDeploymentFunction', 'recordTenantDeployment'),
      assessWave: stepFn('AssessWaveFunction', 'assessWave'),
      summarizeRelease: stepFn('SummarizeReleaseFunction', 'summarizeRelease'),
    };
    mapping.grant(functions.planRelease, 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem');
    mapping.grant(functions.recordDeployment, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    const taskTokens = new iam.PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: ['*'],
    });
    for (const fn of [functions.planRelease, functions.recordDeployment]) {
      fn.addToRolePolicy(taskTokens);
      acknowledge(fn.executionRole, [
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'X-Ray (Tracing.ACTIVE) and states:SendTaskSuccess/SendTaskFailure: task tokens are not resources, Step Functions has no resource-level permission for them. The token comes from the TenantStackMapping row the onboarding wrote.',
        },
      ]);
    }

    // --- CloudFormation's service role for tenant stacks: what the silo template creates, named tenantflow-silo-*.
    const cfnRole = new iam.Role(this, 'TenantStackDeployRole', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: 'CloudFormation service role for tenantflow-silo-* stacks (passed by the release fan-out)',
    });
    const arnOf = (service: string, resource: string, sep = '/') =>
      `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}${sep}${SILO_STACK_PREFIX}*`;
    const apigw = (path: string) => `arn:${this.partition}:apigateway:${this.region}::${path}`;
    const statements = [
      {
        actions: [
          'dynamodb:CreateTable',
          'dynamodb:DeleteTable',
          'dynamodb:DescribeTable',
          'dynamodb:UpdateTable',
          'dynamodb:DescribeContinuousBackups',
          'dynamodb:UpdateContinuousBackups',
          'dynamodb:TagResource',
          'dynamodb:UntagResource',
          'dynamodb:ListTagsOfResource',
        ],
        resources: [arnOf('dynamodb', 'table')],
      },
      {
        actions: [
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:GetFunction',
          'lambda:GetFunctionConfiguration',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:AddPermission',
          'lambda:RemovePermission',
          'lambda:TagResource',
          'lambda:UntagResource',
          'lambda:ListTags',
        ],
        resources: [arnOf('lambda', 'function', ':')],
      },
      // The tenant-context layer the silo template imports from the foundation.
      { actions: ['lambda:GetLayerVersion'], resources: [Fn.importValue(FOUNDATION_EXPORTS.tenantContextLayerArn)] },
      {
        actions: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:GetRole',
          'iam:PutRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:GetRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
        ],
        resources: [`arn:${this.partition}:iam::${this.account}:role/${SILO_STACK_PREFIX}*`],
      },
      {
        actions: ['iam:PassRole'],
        resources: [`arn:${this.partition}:iam::${this.account}:role/${SILO_STACK_PREFIX}*`],
        conditions: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'apigateway.amazonaws.com'] } },
      },
      {
        actions: [
          'logs:CreateLogGroup',
          'logs:DeleteLogGroup',
          'logs:PutRetentionPolicy',
          'logs:DeleteRetentionPolicy',
          'logs:DescribeLogGroups',
          'logs:TagResource',
          'logs:UntagResource',
          'logs:ListTagsForResource',
        ],
        resources: [arnOf('logs', 'log-group', ':'), `${arnOf('logs', 'log-group', ':')}:*`],
      },
      {
        actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
        resources: [
          apigw('/restapis'),
          apigw('/restapis/*'),
          apigw('/usageplans'),
          apigw('/usageplans/*'),
          apigw('/tags/*'),
        ],
      },
      { actions: ['s3:GetObject'], resources: [assetObjects] },
      {
        actions: ['ssm:GetParameters'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: `cdk-bootstrap/${DefaultStackSynthesizer.DEFAULT_QUALIFIER}/version`,
          }),
        ],
      },
    ];
    for (const statement of statements) cfnRole.addToPolicy(new iam.PolicyStatement(statement));

    // --- The fan-out state machine.
    const fanOutLogs = new logs.LogGroup(this, 'FanOutLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.fanOut = new sfn.StateMachine(this, 'FanOutStateMachine', {
      stateMachineName: FANOUT_STATE_MACHINE_NAME,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        deployFanOutDefinition(this, {
          functions,
          toleratedFailurePercentage: props.toleratedFailurePercentage,
          cloudFormationRole: cfnRole,
          // CloudFormation reads TemplateURL with the caller's rights.
          templateReadStatements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [assetObjects] })],
        }),
      ),
      tracingEnabled: true,
      timeout: Duration.hours(12),
      logs: { destination: fanOutLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'tenantflow release fan-out: deploys the silo template to every silo tenant stack, in waves',
    });

    // --- The pipeline.
    const sourceBucket = new s3.Bucket(this, 'SourceBucket', {
      versioned: true,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const buildKey = new kms.Key(this, 'BuildKey', {
      enableKeyRotation: true,
      description: 'tenantflow pipeline build artifacts',
    });
    const build = new codebuild.PipelineProject(this, 'TemplateBuild', {
      description: 'npm ci, npm test, synthesize and publish the silo tenant template, write the fan-out input',
      encryptionKey: buildKey,
      // Debian with Node 20, the machine the tests are written for: `npm test` includes the browser
      // tests, which drive Debian's Chromium (the standard images' Ubuntu only has a snap stub of it).
      environment: {
        buildImage: codebuild.LinuxBuildImage.fromDockerRegistry(BUILD_IMAGE),
        computeType: codebuild.ComputeType.MEDIUM,
      },
      timeout: Duration.minutes(60),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          install: {
            commands: ['apt-get update', 'apt-get install -y --no-install-recommends chromium', 'npm ci'],
          },
          build: {
            commands: [
              'npm test',
              'npx cdk synth --quiet',
              // The template and its Lambda code to the bootstrap assets bucket (cdk-assets assumes the bootstrap file-publishing role).
              `npx --yes cdk-assets@3 publish --path cdk.out/${props.siloTemplateAssetsManifest}`,
              `npx tsx scripts/fanout-input.ts --assets cdk.out/${props.siloTemplateAssetsManifest} --tenant-id "$TENANT_ID" --version "$RELEASE_VERSION" > ${FANOUT_INPUT_FILE}`,
            ],
          },
        },
        artifacts: { files: [FANOUT_INPUT_FILE] },
      }),
    });
    build.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [
          `arn:${this.partition}:iam::${this.account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-file-publishing-role-${this.account}-${this.region}`,
        ],
      }),
    );

    const source = new codepipeline.Artifact('Source');
    const built = new codepipeline.Artifact('FanOutInput');
    const tenantId = new codepipeline.Variable({
      variableName: 'tenantId',
      defaultValue: ALL_TENANTS,
      description: 'The tenant to deploy (onboarding), or ALL (a release to every silo tenant)',
    });
    this.pipeline = new codepipeline.Pipeline(this, 'TenantPipeline', {
      pipelineName: TENANT_PIPELINE_NAME,
      pipelineType: codepipeline.PipelineType.V2,
      variables: [tenantId],
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: 'Source',
          actions: [
            new actions.S3SourceAction({
              actionName: 'Source',
              bucket: sourceBucket,
              bucketKey: 'source.zip',
              output: source,
              // Releases start explicitly (npm run release, onboarding), not on every upload.
              trigger: actions.S3Trigger.NONE,
            }),
          ],
        },
        {
          stageName: 'Build',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'SynthesizeTenantTemplate',
              project: build,
              input: source,
              outputs: [built],
              environmentVariables: {
                TENANT_ID: { value: tenantId.reference() },
                RELEASE_VERSION: { value: '#{codepipeline.PipelineExecutionId}' },
              },
            }),
          ],
        },
        {
          stageName: 'Deploy',
          actions: [
            new actions.StepFunctionInvokeAction({
              actionName: 'FanOut',
              stateMachine: this.fanOut,
              stateMachineInput: actions.StateMachineInput.filePath(built.atPath(FANOUT_INPUT_FILE)),
              executionNamePrefix: 'release',
            }),
          ],
        },
      ],
    });

    // The StepFunctions action's FilePath Input is a path inside the input artifact; CDK renders
    // `<artifact>::<path>` (the artifact-location form other actions take), so name the file itself.
    (this.pipeline.node.defaultChild as codepipeline.CfnPipeline).addPropertyOverride(
      'Stages.2.Actions.0.Configuration.Input',
      FANOUT_INPUT_FILE,
    );

    this.acknowledgeFindings(functions, cfnRole, build, sourceBucket);
    new CfnOutput(this, 'FanOutStateMachineArn', { value: this.fanOut.stateMachineArn });
    new CfnOutput(this, 'TenantPipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'SourceBucketName', { value: sourceBucket.bucketName });
  }

  private acknowledgeFindings(
    functions: Record<string, AppFunction>,
    cfnRole: iam.Role,
    build: codebuild.PipelineProject,
    sourceBucket: s3.Bucket,
  ): void {
    const logicalId = (construct: Construct) => this.getLogicalId(construct.node.defaultChild as CfnElement);
    const fanOutId = logicalId(this.fanOut);
    const bucketId = logicalId(this.pipeline.artifactBucket);
    const assets = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${fanOutId}"}]}]}`;
    acknowledge(this.fanOut, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the statements Step Functions needs for X-Ray tracing and vended log delivery, which have no resource-level permissions.',
      },
      ...Object.values(functions).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
        reason: `Invoking ${fn.node.id} includes its versions and aliases (CDK LambdaInvoke grant); the wildcard never reaches another function.`,
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/tenantflow-silo-*/*]',
        reason:
          'Tenant stacks are created per tenant (tenantflow-silo-<tenantId>) and their stack ids are generated: describe/create/update/delete only stacks with that prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${assets}]`,
        reason:
          "CloudFormation reads TemplateURL with the caller's rights; the template is a content-hashed object in the CDK bootstrap assets bucket. Read only.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}:*]`,
        reason:
          'The Distributed Map runs each tenant as a child execution of this state machine (CDK DistributedMap grant): describe/stop its own executions only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}/*:*]`,
        reason: "Redrive of the Distributed Map's own child executions (CDK DistributedMap grant).",
      },
    ]);
    const apigw = (path: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${path}]`;
    acknowledge(cfnRole, [
      ...[
        'table/tenantflow-silo-*',
        'function:tenantflow-silo-*',
        'log-group:tenantflow-silo-*',
        'log-group:tenantflow-silo-*:*',
      ].map((resource) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${resource.startsWith('table') ? 'dynamodb' : resource.startsWith('function') ? 'lambda' : 'logs'}:<AWS::Region>:<AWS::AccountId>:${resource}]`,
        reason:
          'CloudFormation names what a tenant stack creates <stackName>-<logicalId>-<suffix>: this role reaches only resources of tenantflow-silo-* stacks.',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/tenantflow-silo-*]',
        reason: "The tenant stack's function roles (named after the stack); PassRole only to Lambda and API Gateway.",
      },
      ...['/restapis/*', '/usageplans/*', '/tags/*'].map((path) => ({
        id: apigw(path),
        reason:
          "API Gateway ids are generated and API Gateway has no name-based resource ARNs: the tenant stack's REST API, its stage/methods/authorizer and its usage plan.",
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${assets}]`,
        reason: 'Lambda reads the function code the build published to the CDK assets bucket. Read only.',
      },
    ]);
    const artifacts = (extra: string[]) => [
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', ...extra].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CDK grants on the pipeline artifact bucket (read, or read/write for the stages that produce artifacts); that bucket only.',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
        reason: 'Pipeline artifacts are objects with generated keys in the pipeline artifact bucket.',
      },
    ];
    acknowledge(this.pipeline, artifacts(['s3:DeleteObject*', 's3:Abort*']));
    acknowledge(build, [
      ...artifacts(['s3:DeleteObject*', 's3:Abort*']),
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'CDK grant to encrypt build artifacts with the build key; that key only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'CDK grant to encrypt build artifacts with the build key; that key only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${logicalId(build)}>:*]`,
        reason: "The build's own log group and its streams.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${logicalId(build)}>-*]`,
        reason: "The build's own test report groups (CDK default).",
      },
      {
        id: 'AwsSolutions-CB5',
        reason:
          "Not a CodeBuild-provided image on purpose: npm test runs browser tests on Debian's Chromium, which the Ubuntu-based standard images lack. The image is Docker's official node:20-bookworm from ECR Public; the container is not privileged.",
      },
    ]);
    acknowledge(this.pipeline, [
      {
        id: `AwsSolutions-IAM5[Resource::arn:{"Fn::Select":[1,{"Fn::Split":[":",{"Ref":"${fanOutId}"}]}]}:states:{"Fn::Select":[3,{"Fn::Split":[":",{"Ref":"${fanOutId}"}]}]}:{"Fn::Select":[4,{"Fn::Split":[":",{"Ref":"${fanOutId}"}]}]}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${fanOutId}"}]}]}:release*]`,
        reason:
          'The deploy action describes the fan-out executions it starts (named release-<pipeline execution>), of that state machine only.',
      },
      {
        id: 'AwsSolutions-S1',
        reason:
          'The artifact bucket holds transient build outputs written only by this pipeline; its access is audited with CloudTrail, not S3 server access logs.',
      },
    ]);
    acknowledge(sourceBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'Source bundles are uploaded by the release process and versioned; uploads are audited with CloudTrail, not S3 server access logs.',
      },
    ]);
  }
}
