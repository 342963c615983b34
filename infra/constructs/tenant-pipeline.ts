import { DefaultStackSynthesizer, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ALL_TENANTS } from '../../functions/pipeline/fanout';
import { acknowledge, logicalIdOf } from './nag';

/** The pipeline's name (the release script and the onboarding start it by name). */
export const TENANT_PIPELINE_NAME = 'tenantflow-tenant-pipeline';
/** The fan-out input file the build writes into its output artifact. */
export const FANOUT_INPUT_FILE = 'fanout-input.json';
/** The build's image: Node 20 on Debian bookworm, from the Docker official images on ECR Public. */
export const BUILD_IMAGE = 'public.ecr.aws/docker/library/node:20-bookworm';

export interface TenantPipelineProps {
  /** The release fan-out the Deploy stage starts. */
  readonly fanOut: sfn.IStateMachine;
  /** The silo template's assets manifest, relative to cdk.out (what the build publishes). */
  readonly siloTemplateAssetsManifest: string;
}

/** What `tenantPipeline` creates. */
export interface TenantPipeline {
  readonly pipeline: codepipeline.Pipeline;
  /** The versioned bucket the release process uploads `source.zip` to. */
  readonly sourceBucket: s3.Bucket;
}

/**
 * The tenant pipeline (CodePipeline V2), created in the stack's own scope:
 * S3 source (versioned bucket, `source.zip`) → CodeBuild (`npm ci`, `npm test`, synthesize the
 * silo template, publish it and its assets with cdk-assets, write the fan-out input) →
 * Step Functions (the fan-out, input from the build's `fanout-input.json`).
 *
 * The pipeline variable `tenantId` names one tenant (onboarding) or is `ALL` (a release);
 * CodePipeline does not accept an empty value.
 */
export function tenantPipeline(stack: Stack, props: TenantPipelineProps): TenantPipeline {
  const sourceBucket = new s3.Bucket(stack, 'SourceBucket', {
    versioned: true,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const build = templateBuild(stack, props.siloTemplateAssetsManifest);
  const source = new codepipeline.Artifact('Source');
  const built = new codepipeline.Artifact('FanOutInput');
  const tenantId = new codepipeline.Variable({
    variableName: 'tenantId',
    defaultValue: ALL_TENANTS,
    description: 'The tenant to deploy (onboarding), or ALL (a release to every silo tenant)',
  });
  const pipeline = new codepipeline.Pipeline(stack, 'TenantPipeline', {
    pipelineName: TENANT_PIPELINE_NAME,
    pipelineType: codepipeline.PipelineType.V2,
    // PARALLEL, not the default SUPERSEDED: each PLATINUM onboarding starts its own run and waits
    // (task token, 1 h) for that run's fan-out to deploy its stack; SUPERSEDED drops a run still
    // waiting at a stage when a newer one arrives, so concurrent sign-ups lose their runs and time
    // out. QUEUED would put each onboarding behind every earlier run's whole build (npm ci,
    // npm test) and behind whole releases, past that hour after a few sign-ups. The stage lock
    // that serialized fan-outs goes with it: overlapping releases are an operator's call
    // (docs/releases.md, "Execution mode").
    executionMode: codepipeline.ExecutionMode.PARALLEL,
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
            stateMachine: props.fanOut,
            stateMachineInput: actions.StateMachineInput.filePath(built.atPath(FANOUT_INPUT_FILE)),
            executionNamePrefix: 'release',
          }),
        ],
      },
    ],
  });
  // The StepFunctions action's FilePath Input is a path inside the input artifact; CDK renders
  // `<artifact>::<path>` (the artifact-location form other actions take), so name the file itself.
  (pipeline.node.defaultChild as codepipeline.CfnPipeline).addPropertyOverride(
    'Stages.2.Actions.0.Configuration.Input',
    FANOUT_INPUT_FILE,
  );
  acknowledgeFindings({ pipeline, build, sourceBucket, fanOut: props.fanOut });
  return { pipeline, sourceBucket };
}

/** The build: synthesizes the silo template, publishes it with its assets, writes the fan-out input. */
function templateBuild(stack: Stack, assetsManifest: string): codebuild.PipelineProject {
  const buildKey = new kms.Key(stack, 'BuildKey', {
    enableKeyRotation: true,
    description: 'tenantflow pipeline build artifacts',
  });
  const build = new codebuild.PipelineProject(stack, 'TemplateBuild', {
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
            `npx --yes cdk-assets@3 publish --path cdk.out/${assetsManifest}`,
            `npx tsx scripts/fanout-input.ts --assets cdk.out/${assetsManifest} --tenant-id "$TENANT_ID" --version "$RELEASE_VERSION" > ${FANOUT_INPUT_FILE}`,
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
        `arn:${stack.partition}:iam::${stack.account}:role/cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-file-publishing-role-${stack.account}-${stack.region}`,
      ],
    }),
  );
  return build;
}

function acknowledgeFindings(resources: {
  readonly pipeline: codepipeline.Pipeline;
  readonly build: codebuild.PipelineProject;
  readonly sourceBucket: s3.Bucket;
  readonly fanOut: sfn.IStateMachine;
}): void {
  const { pipeline, build, sourceBucket } = resources;
  // CDK grants the stages read, or read/write for those that produce artifacts, on the artifact bucket.
  const artifacts = [
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        'CDK grants on the pipeline artifact bucket (read, or read/write for the stages that produce artifacts); that bucket only.',
    })),
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(pipeline.artifactBucket)}.Arn>/*]`,
      reason: 'Pipeline artifacts are objects with generated keys in the pipeline artifact bucket.',
    },
  ];
  acknowledge(pipeline, artifacts);
  acknowledge(build, [
    ...artifacts,
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'CDK grant to encrypt build artifacts with the build key; that key only.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: 'CDK grant to encrypt build artifacts with the build key; that key only.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${logicalIdOf(build)}>:*]`,
      reason: "The build's own log group and its streams.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${logicalIdOf(build)}>-*]`,
      reason: "The build's own test report groups (CDK default).",
    },
    {
      id: 'AwsSolutions-CB5',
      reason:
        "Not a CodeBuild-provided image on purpose: npm test runs browser tests on Debian's Chromium, which the Ubuntu-based standard images lack. The image is Docker's official node:20-bookworm from ECR Public; the container is not privileged.",
    },
  ]);
  // How cdk-nag renders the executions the deploy action may describe: the fan-out's ARN, split.
  const part = (index: number) =>
    `{"Fn::Select":[${index},{"Fn::Split":[":",{"Ref":"${logicalIdOf(resources.fanOut)}"}]}]}`;
  acknowledge(pipeline, [
    {
      id: `AwsSolutions-IAM5[Resource::arn:${part(1)}:states:${part(3)}:${part(4)}:execution:${part(6)}:release*]`,
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
