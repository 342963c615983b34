/**
 * Test support: a tiny cloud assembly with a nested assembly (a CDK Stage) holding one tenant
 * stack (a table, a function from an asset, a REST API with a stage, a usage plan), and fake
 * services that record what the deployer registers, so LocalCloudFormation is tested offline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalCloudFormation } from '../../../local/cloudformation';
import { ApiRegistry, type Services } from '../../../local/deployer/resource-handlers';
import type { RestApiModel, UsagePlanModel } from '../../../local/gateway';
import { LambdaRuntime } from '../../../local/lambda/runtime';

export const FIXTURE_STACK_NAME = 'fixture-silo-template';
export const FIXTURE_ASSET_HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** The tenant template; `version` changes the function's environment (a new release). */
export function fixtureTemplate(opts: { tablePolicy?: string; version?: string } = {}): Record<string, unknown> {
  return {
    Description: 'fixture tenant stack',
    Parameters: {
      TenantId: { Type: 'String' },
      BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
    },
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        DeletionPolicy: opts.tablePolicy ?? 'Retain',
        Properties: {
          TableName: { 'Fn::Join': ['', ['fixture-products-', { Ref: 'TenantId' }]] },
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { S3Bucket: 'cdk-assets', S3Key: `${FIXTURE_ASSET_HASH}.zip` },
          Handler: 'index.handler',
          Runtime: 'nodejs22.x',
          Environment: {
            Variables: {
              TABLE: { Ref: 'Table' },
              VERSION: opts.version ?? '1',
              SHARED: { 'Fn::ImportValue': 'fixture-shared-export' },
            },
          },
        },
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template.
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: { 'Fn::Sub': 'tenant-${TenantId}' } } },
      Method: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          HttpMethod: 'GET',
          AuthorizationType: 'NONE',
          Integration: {
            Type: 'AWS_PROXY',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template.
            Uri: { 'Fn::Sub': 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations' },
          },
        },
      },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
      Plan: {
        Type: 'AWS::ApiGateway::UsagePlan',
        Properties: {
          ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: 'prod' }],
          Throttle: { RateLimit: 300, BurstLimit: 300 },
        },
      },
      Bucket: { Type: 'AWS::S3::Bucket' },
    },
    Outputs: {
      TenantApiUrl: {
        Value: { 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.us-east-1.amazonaws.com/prod/']] },
      },
      UsagePlanId: { Value: { Ref: 'Plan' } },
      TableName: { Value: { Ref: 'Table' }, Description: 'the products table' },
      BucketArn: { Value: { 'Fn::GetAtt': ['Bucket', 'Arn'] } },
    },
  };
}

/**
 * Writes `<dir>/manifest.json` (root assembly: one `cdk:cloud-assembly` artifact) and
 * `<dir>/assembly-TenantTemplate/` (the stack, its asset manifest), plus the function asset.
 */
export function writeFixtureAssembly(
  dir: string,
  template: Record<string, unknown> = fixtureTemplate(),
): { templateFile: string } {
  const nested = path.join(dir, 'assembly-TenantTemplate');
  fs.mkdirSync(nested, { recursive: true });
  const assetDir = path.join(dir, `asset.${FIXTURE_ASSET_HASH}`);
  fs.mkdirSync(assetDir, { recursive: true });
  fs.writeFileSync(
    path.join(assetDir, 'index.js'),
    'exports.handler = async () => ({ statusCode: 200, body: process.env.VERSION });\n',
  );
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        TenantTemplate: {
          type: 'cdk:cloud-assembly',
          properties: { directoryName: 'assembly-TenantTemplate', displayName: 'TenantTemplate' },
        },
      },
    }),
  );
  const artifactId = 'TenantTemplateSilo1A2B3C4D';
  fs.writeFileSync(
    path.join(nested, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        [`${artifactId}.assets`]: { type: 'cdk:asset-manifest', properties: { file: `${artifactId}.assets.json` } },
        [artifactId]: {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: `${artifactId}.template.json`, stackName: FIXTURE_STACK_NAME },
          dependencies: [`${artifactId}.assets`],
        },
      },
    }),
  );
  fs.writeFileSync(
    path.join(nested, `${artifactId}.assets.json`),
    JSON.stringify({
      version: '48.0.0',
      files: {
        [FIXTURE_ASSET_HASH]: {
          source: { path: `../asset.${FIXTURE_ASSET_HASH}`, packaging: 'zip' },
          destinations: {},
        },
      },
    }),
  );
  const templateFile = path.join(nested, `${artifactId}.template.json`);
  fs.writeFileSync(templateFile, JSON.stringify(template));
  return { templateFile };
}

/** Services that record registrations; DynamoDB keeps a set of table names. */
export function fakeServices() {
  const tables = new Set<string>();
  const apis = new Map<string, RestApiModel>();
  const plans = new Map<string, UsagePlanModel>();
  const lambda = new LambdaRuntime();
  const services = {
    dynamodb: {
      send: async (command: { constructor: { name: string }; input: { TableName: string } }) => {
        const name = command.input.TableName;
        if (command.constructor.name === 'CreateTableCommand') {
          if (tables.has(name)) throw Object.assign(new Error('exists'), { name: 'ResourceInUseException' });
          tables.add(name);
        } else if (command.constructor.name === 'DeleteTableCommand') {
          if (!tables.delete(name)) throw Object.assign(new Error('missing'), { name: 'ResourceNotFoundException' });
        }
        return {};
      },
    },
    lambda,
    gateway: {
      registerRestApi: (api: RestApiModel) => apis.set(api.restApiId, api),
      unregisterRestApi: (id: string) => apis.delete(id),
      registerUsagePlan: (plan: UsagePlanModel) => plans.set(plan.id, plan),
      unregisterUsagePlan: (id: string) => plans.delete(id),
      urlOf: (id: string, stage: string) => `http://127.0.0.1:4000/restapis/${id}/${stage}/`,
    },
    apiRegistry: new ApiRegistry(),
    functionEnvironment: () => ({}),
    localizeUrl: (value: string) =>
      value.replace(
        /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+)\/?/g,
        'http://127.0.0.1:4000/restapis/$1/$2/',
      ),
  } as unknown as Services;
  return { services, tables, apis, plans, lambda };
}

/**
 * Writes the assembly of `template` under `dir/cdk.out` and creates the tenant stack `tenant-t1`
 * from it on a LocalCloudFormation over `services` (waited for), as the deployer tests need.
 */
export async function deployFixtureTenantStack(
  dir: string,
  template: Record<string, unknown>,
  services: Services,
): Promise<LocalCloudFormation> {
  const assemblyDir = path.join(dir, 'cdk.out');
  const { templateFile } = writeFixtureAssembly(assemblyDir, template);
  const cfn = new LocalCloudFormation({
    dataDir: path.join(dir, 'cloudformation'),
    services,
    exports: new Map([['fixture-shared-export', 'shared-value']]),
    assemblyDir,
    log: () => undefined,
  });
  await cfn.createStack({
    StackName: 'tenant-t1',
    TemplateURL: pathToFileURL(templateFile).href,
    Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 't1' }],
  });
  await cfn.idle();
  return cfn;
}
