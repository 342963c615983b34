import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { releaseFanOutFunctions } from '../../functions/pipeline/infra';
import { deployFanOutStateMachine } from '../../workflows/deploy-fanout-state-machine';
import { tenantPipeline } from '../constructs/tenant-pipeline';
import { tenantStackDeployRole } from '../constructs/tenant-stack-deploy-role';
import type { FoundationStack } from './foundation-stack';

export { BUILD_IMAGE, FANOUT_INPUT_FILE, TENANT_PIPELINE_NAME } from '../constructs/tenant-pipeline';

export interface PipelineStackProps extends StackProps {
  readonly foundation: FoundationStack;
  /** The silo template's stack name in the cloud assembly (what the build synthesizes and publishes). */
  readonly siloTemplateStackName: string;
  /** The silo template's assets manifest, relative to cdk.out (e.g. `assembly-TenantTemplate/TenantTemplateSilo….assets.json`). */
  readonly siloTemplateAssetsManifest: string;
  /** Share of a wave's tenants that may fail before the release stops. @default 10 */
  readonly toleratedFailurePercentage?: number;
}

/**
 * The tenant pipeline (CodePipeline V2, see `tenantPipeline`) and the release fan-out it ends
 * with, which deploys the silo template to the silo tenant stacks with CloudFormation's own
 * service role for them. Each piece is built in this stack's scope, so logical ids stay the stack's.
 */
export class PipelineStack extends Stack {
  readonly fanOut: sfn.StateMachine;
  readonly pipeline: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.fanOut = deployFanOutStateMachine(this, {
      functions: releaseFanOutFunctions(this, { tenantStackMapping: props.foundation.tenantStackMapping }),
      cloudFormationRole: tenantStackDeployRole(this),
      toleratedFailurePercentage: props.toleratedFailurePercentage,
    });
    const { pipeline, sourceBucket } = tenantPipeline(this, {
      fanOut: this.fanOut,
      siloTemplateAssetsManifest: props.siloTemplateAssetsManifest,
    });
    this.pipeline = pipeline;
    new CfnOutput(this, 'FanOutStateMachineArn', { value: this.fanOut.stateMachineArn });
    new CfnOutput(this, 'TenantPipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'SourceBucketName', { value: sourceBucket.bucketName });
  }
}
