import { DefaultStackSynthesizer, Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SILO_STACK_PREFIX } from '../../functions/pipeline/fanout';
import { FOUNDATION_EXPORTS } from '../stacks/foundation-stack';
import { apiGatewayArn, cdkAssetObjectsArn } from './arns';
import { acknowledge, CDK_ASSET_OBJECTS } from './nag';

/**
 * CloudFormation's service role for tenant stacks (passed by the release fan-out): what the silo
 * template creates, and only in stacks named tenantflow-silo-*.
 */
export function tenantStackDeployRole(stack: Stack): iam.Role {
  const role = new iam.Role(stack, 'TenantStackDeployRole', {
    assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
    description: 'CloudFormation service role for tenantflow-silo-* stacks (passed by the release fan-out)',
  });
  const arnOf = (service: string, resource: string, sep = '/') =>
    `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}${sep}${SILO_STACK_PREFIX}*`;
  const apigw = (path: string) => apiGatewayArn(stack, path);
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
      resources: [`arn:${stack.partition}:iam::${stack.account}:role/${SILO_STACK_PREFIX}*`],
    },
    {
      actions: ['iam:PassRole'],
      resources: [`arn:${stack.partition}:iam::${stack.account}:role/${SILO_STACK_PREFIX}*`],
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
    // The silo template's Lambda code, published by the build.
    { actions: ['s3:GetObject'], resources: [cdkAssetObjectsArn(stack)] },
    {
      actions: ['ssm:GetParameters'],
      resources: [
        stack.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: `cdk-bootstrap/${DefaultStackSynthesizer.DEFAULT_QUALIFIER}/version`,
        }),
      ],
    },
  ];
  for (const statement of statements) role.addToPolicy(new iam.PolicyStatement(statement));
  acknowledgeFindings(role);
  return role;
}

function acknowledgeFindings(role: iam.Role): void {
  const apigw = (path: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${path}]`;
  const service = (resource: string) =>
    resource.startsWith('table') ? 'dynamodb' : resource.startsWith('function') ? 'lambda' : 'logs';
  acknowledge(role, [
    ...[
      'table/tenantflow-silo-*',
      'function:tenantflow-silo-*',
      'log-group:tenantflow-silo-*',
      'log-group:tenantflow-silo-*:*',
    ].map((resource) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service(resource)}:<AWS::Region>:<AWS::AccountId>:${resource}]`,
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
      id: `AwsSolutions-IAM5[Resource::${CDK_ASSET_OBJECTS}]`,
      reason: 'Lambda reads the function code the build published to the CDK assets bucket. Read only.',
    },
  ]);
}
