import type { Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, CDK_ASSET_OBJECTS, logicalIdOf } from './nag';

/**
 * CDK's BucketDeployment provider (a singleton Lambda and role at the stack root) is CDK's code,
 * not ours; these are its findings, each accepted for the reason given. Call it after the
 * stack's BucketDeployment into `site` exists.
 */
export function acknowledgeBucketDeploymentProvider(stack: Stack, site: s3.IBucket): void {
  const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) return;
  const s3Objects = 'copies the built site from the CDK asset bucket into the site bucket and prunes old files';
  acknowledge(provider, [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's BucketDeployment provider uses AWSLambdaBasicExecutionRole for its own logs; it runs only during deployments.",
    },
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `CDK's BucketDeployment grant (${action}) on the asset and site buckets only: it ${s3Objects}.`,
    })),
    {
      id: `AwsSolutions-IAM5[Resource::${CDK_ASSET_OBJECTS}]`,
      reason: `The CDK bootstrap asset bucket's objects: the provider ${s3Objects}.`,
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(site)}.Arn>/*]`,
      reason: `The site bucket's objects: the provider ${s3Objects}.`,
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        "CDK's BucketDeployment provider pins the Python runtime its handler is built and tested for; it runs only during deployments.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudfront:CreateInvalidation/GetInvalidation, which CDK grants on *, to invalidate the distribution after a deploy.',
    },
  ]);
}
