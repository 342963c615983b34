/**
 * How each CloudFormation resource type that matters is created on the local cloud. A
 * handler receives the resource's resolved properties and returns its Ref value and
 * attributes (what Fn::GetAtt can read).
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CognitoService } from '../cognito';
import type { LocalEventBus } from '../events/event-bus';
import type { LocalApiGateway, MethodModel, RestApiModel } from '../gateway';
import type { IamRegistry } from '../iam/iam-registry';
import type { LambdaRuntime } from '../lambda/runtime';
import type { LocalLogs } from '../logs';
import type { Outbox } from '../mail/outbox';
import { stableId } from '../stable-id';
import type { StepFunctionsService } from '../stepfunctions';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './constants';

export interface DeployedResource {
  readonly ref: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** True for a resource type the local cloud does not deploy. */
  readonly skipped?: boolean;
}

export interface Services {
  readonly dynamodb: DynamoDBClient;
  readonly cognito: CognitoService;
  readonly lambda: LambdaRuntime;
  readonly stepFunctions: StepFunctionsService;
  readonly gateway: LocalApiGateway;
  readonly outbox: Outbox;
  readonly events: LocalEventBus;
  readonly apiRegistry: ApiRegistry;
  /** Roles and policies of the deployed templates, for the local IAM enforcement (absent: recorded nowhere). */
  readonly iam?: IamRegistry;
  /** The local part of a function's environment: endpoints, region, credentials of its role. */
  functionEnvironment(fn: { functionName: string; roleArn?: string; memorySize: number }): Record<string, string>;
  /** Rewrites AWS URLs (execute-api) to their local equivalent. */
  localizeUrl(value: string): string;
  /** The local CodePipeline (absent: `AWS::CodePipeline::Pipeline` resources are recorded nowhere). */
  readonly codePipeline?: PipelineRegistry;
  /** The local CloudWatch Logs (absent: log groups and filters are recorded nowhere). */
  readonly logs?: LogsRegistry;
  /** The local X-Ray's groups and sampling rules (absent: `AWS::XRay::*` resources are recorded nowhere). */
  readonly xray?: XRayRegistry;
  /** The local S3 (absent: `AWS::S3::Bucket` resources are recorded nowhere). */
  readonly s3?: BucketRegistry;
}

/** Where the deployer creates buckets (implemented by local/s3). */
export interface BucketRegistry {
  /** Creates the bucket unless it exists (its objects are kept) and replaces its lifecycle rules. */
  ensureBucket(name: string, lifecycleRules?: readonly Record<string, unknown>[]): void;
  /** Deletes an empty bucket; throws for one that still holds objects, as S3 does. */
  deleteBucket(name: string): void;
}

/** A bucket name as CloudFormation generates one: lower case, at most 63 characters. */
function bucketNameOf(ctx: HandlerContext, explicit: unknown): string {
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  const base = `${ctx.stackName}-${ctx.logicalId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const suffix = stableId(ctx.stackName, ctx.logicalId, 12).toLowerCase();
  return `${base.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

/** What the deployer creates in the local CloudWatch Logs (implemented by local/logs). */
export type LogsRegistry = Pick<
  LocalLogs,
  | 'ensureLogGroup'
  | 'deleteLogGroup'
  | 'putSubscriptionFilter'
  | 'deleteSubscriptionFilter'
  | 'putMetricFilter'
  | 'deleteMetricFilter'
  | 'putQueryDefinition'
  | 'deleteQueryDefinition'
>;

/**
 * The Ref of a subscription or metric filter: its primary identifier, filter name and log group
 * name joined by `|` (how CloudFormation and Cloud Control name resources with a composite id),
 * so a stack's deletion finds the group again.
 */
export function filterRefOf(filterName: string, logGroupName: string): string {
  return `${filterName}|${logGroupName}`;
}

/** The filter name and log group of a {@link filterRefOf} value. */
export function parseFilterRef(ref: string): { filterName: string; logGroupName: string } {
  const bar = ref.indexOf('|');
  return { filterName: ref.slice(0, bar), logGroupName: ref.slice(bar + 1) };
}

/** Where the deployer puts X-Ray groups and sampling rules (implemented by local/xray). */
export interface XRayRegistry {
  /** Throws for a filter expression X-Ray would refuse. */
  putGroup(
    name: string,
    filterExpression?: string,
    insights?: { InsightsEnabled?: boolean; NotificationsEnabled?: boolean },
  ): { readonly GroupARN: string };
  putSamplingRule(rule: Record<string, unknown>): { readonly RuleARN: string; readonly RuleName: string };
}

/** CodePipeline's execution modes (`ExecutionMode` of `AWS::CodePipeline::Pipeline`). */
export const PIPELINE_EXECUTION_MODES = ['SUPERSEDED', 'QUEUED', 'PARALLEL'] as const;
export type PipelineExecutionMode = (typeof PIPELINE_EXECUTION_MODES)[number];

/** A pipeline as the local cloud runs it: its deploy stage starts one state machine. */
export interface LocalPipelineModel {
  readonly name: string;
  /** How concurrent executions share the pipeline's stages (AWS's default when absent: SUPERSEDED). */
  readonly executionMode: PipelineExecutionMode;
  /** The state machine of the deploy stage's `StepFunctions` action (undefined if it has none). */
  readonly stateMachineArn?: string;
  /** The action's ExecutionNamePrefix: executions are named `<prefix>-<pipelineExecutionId>`. */
  readonly executionNamePrefix?: string;
  /** Pipeline-level variables (CodePipeline V2) and their defaults. */
  readonly variables: readonly { readonly name: string; readonly defaultValue?: string }[];
}

/** Where the deployer registers pipelines (implemented by local/codepipeline). */
export interface PipelineRegistry {
  registerPipeline(pipeline: LocalPipelineModel): void;
  unregisterPipeline?(name: string): void;
}

export interface HandlerContext {
  readonly stackName: string;
  readonly logicalId: string;
  readonly properties: Readonly<Record<string, any>>;
  readonly services: Services;
  readonly assetDirs: ReadonlyMap<string, string>;
  readonly apis: ApiRegistry;
}

export type ResourceHandler = (ctx: HandlerContext) => Promise<DeployedResource>;

function physicalName(ctx: HandlerContext, explicit: unknown, maxLength = 64): string {
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  const base = `${ctx.stackName}-${ctx.logicalId}`;
  return base.length <= maxLength ? base : `${base.slice(0, maxLength - 11)}-${stableId(ctx.stackName, ctx.logicalId)}`;
}

const arn = (service: string, resource: string, region = LOCAL_REGION) =>
  `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;

function assetDirOf(ctx: HandlerContext, s3Key: unknown): string {
  const hash =
    String(s3Key)
      .replace(/\.zip$/, '')
      .split('/')
      .pop() ?? '';
  const dir = ctx.assetDirs.get(hash);
  if (!dir) throw new Error(`Asset ${String(s3Key)} is not in the cloud assembly`);
  return dir;
}

/** Collects the parts of REST APIs (resources, methods, authorizers, stages) and hands complete models to the gateway. */
export class ApiRegistry {
  private readonly apis = new Map<
    string,
    {
      name: string;
      apiKeySource: 'HEADER' | 'AUTHORIZER';
      rootId: string;
      stageName?: string;
      tracingEnabled?: boolean;
    }
  >();
  private readonly resources = new Map<string, { parentId: string; pathPart: string }>();
  private readonly methods: Array<{
    restApiId: string;
    resourceId: string;
    method: Omit<MethodModel, 'resourcePath'>;
  }> = [];
  private readonly authorizers = new Map<string, { restApiId: string; model: RestApiModel['authorizers'][string] }>();
  private readonly layers = new Map<string, string>();

  addApi(id: string, api: { name: string; apiKeySource: 'HEADER' | 'AUTHORIZER'; rootId: string }) {
    this.apis.set(id, api);
  }
  addResource(id: string, parentId: string, pathPart: string) {
    this.resources.set(id, { parentId, pathPart });
  }
  addMethod(restApiId: string, resourceId: string, method: Omit<MethodModel, 'resourcePath'>) {
    this.methods.push({ restApiId, resourceId, method });
  }
  addAuthorizer(id: string, restApiId: string, model: RestApiModel['authorizers'][string]) {
    this.authorizers.set(id, { restApiId, model });
  }
  setStage(restApiId: string, stageName: string, tracingEnabled = false) {
    const api = this.apis.get(restApiId);
    if (api) {
      api.stageName = stageName;
      api.tracingEnabled = tracingEnabled;
    }
  }
  addLayer(layerArn: string, dir: string) {
    this.layers.set(layerArn, dir);
  }
  layerDir(layerArn: string): string {
    const dir = this.layers.get(layerArn);
    if (!dir) throw new Error(`Unknown layer ${layerArn}`);
    return dir;
  }

  /** Forgets an API and its resources, methods and authorizers (its stack was deleted or rolled back). */
  removeApi(restApiId: string): void {
    const api = this.apis.get(restApiId);
    if (!api) return;
    this.apis.delete(restApiId);
    const methods = this.methods.filter((m) => m.restApiId !== restApiId);
    this.methods.splice(0, this.methods.length, ...methods);
    for (const [id, authorizer] of this.authorizers)
      if (authorizer.restApiId === restApiId) this.authorizers.delete(id);
    // Resources carry no API id: drop those that hang under this API's root.
    const owned = new Set([api.rootId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [id, resource] of this.resources) {
        if (!owned.has(id) && owned.has(resource.parentId)) {
          owned.add(id);
          grew = true;
        }
      }
    }
    for (const id of owned) this.resources.delete(id);
  }

  private pathOf(restApiId: string, resourceId: string): string {
    const api = this.apis.get(restApiId);
    if (!api || resourceId === api.rootId) return '/';
    const resource = this.resources.get(resourceId);
    if (!resource) throw new Error(`Unknown API resource ${resourceId}`);
    const parent = this.pathOf(restApiId, resource.parentId);
    return `${parent === '/' ? '' : parent}/${resource.pathPart}`;
  }

  /** Registers every API that has a stage with the gateway (idempotent). */
  publish(services: Pick<Services, 'gateway'>): void {
    for (const [restApiId, api] of this.apis) {
      if (!api.stageName) continue;
      const authorizers: Record<string, RestApiModel['authorizers'][string]> = {};
      for (const [id, authorizer] of this.authorizers)
        if (authorizer.restApiId === restApiId) authorizers[id] = authorizer.model;
      services.gateway.registerRestApi({
        restApiId,
        name: api.name,
        stageName: api.stageName,
        apiKeySource: api.apiKeySource,
        tracingEnabled: api.tracingEnabled === true,
        authorizers,
        methods: this.methods
          .filter((m) => m.restApiId === restApiId)
          .map((m) => ({ ...m.method, resourcePath: this.pathOf(restApiId, m.resourceId) }) as MethodModel),
      });
    }
  }
}

/** The function ARN inside an API Gateway Lambda integration URI. */
export function functionOfIntegrationUri(uri: string): string {
  const match = uri.match(/functions\/(.+?)\/invocations/);
  if (!match?.[1]) throw new Error(`Unsupported integration URI ${uri}`);
  return match[1];
}

const noop: ResourceHandler = async (ctx) => ({ ref: `${ctx.stackName}-${ctx.logicalId}`, attributes: {} });

export const RESOURCE_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'AWS::DynamoDB::Table': async (ctx) => {
    const p = ctx.properties;
    const tableName = physicalName(ctx, p.TableName, 255);
    try {
      await ctx.services.dynamodb.send(
        new CreateTableCommand({
          TableName: tableName,
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
          LocalSecondaryIndexes: p.LocalSecondaryIndexes,
          BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
          ProvisionedThroughput: p.ProvisionedThroughput,
        }),
      );
    } catch (error) {
      // Already there from an earlier start: the data is kept.
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
    const tableArn = arn('dynamodb', `table/${tableName}`);
    return { ref: tableName, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/local` } };
  },

  'AWS::Cognito::UserPool': async (ctx) => {
    const p = ctx.properties;
    const customAttributes = ((p.Schema ?? []) as Array<{ Name: string }>).map((a) => a.Name);
    const userPoolId = await ctx.services.cognito.ensureUserPool(`${ctx.stackName}/${ctx.logicalId}`, {
      poolName: p.UserPoolName ?? `${ctx.stackName}-${ctx.logicalId}`,
      usernameAttributes: p.UsernameAttributes,
      customAttributes,
      passwordPolicy: p.Policies?.PasswordPolicy,
    });
    return {
      ref: userPoolId,
      attributes: {
        Arn: arn('cognito-idp', `userpool/${userPoolId}`),
        ProviderName: `cognito-idp.${LOCAL_REGION}.amazonaws.com/${userPoolId}`,
        ProviderURL: `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${userPoolId}`,
        UserPoolId: userPoolId,
      },
    };
  },

  'AWS::Cognito::UserPoolClient': async (ctx) => {
    const p = ctx.properties;
    const clientId = await ctx.services.cognito.ensureUserPoolClient(
      `${ctx.stackName}/${ctx.logicalId}`,
      p.UserPoolId,
      {
        clientName: p.ClientName ?? ctx.logicalId,
        explicitAuthFlows: p.ExplicitAuthFlows,
        readAttributes: p.ReadAttributes,
        writeAttributes: p.WriteAttributes,
      },
    );
    return { ref: clientId, attributes: { ClientId: clientId, Name: p.ClientName ?? ctx.logicalId } };
  },

  'AWS::Lambda::LayerVersion': async (ctx) => {
    const layerArn = arn('lambda', `layer:${physicalName(ctx, ctx.properties.LayerName, 140)}:1`);
    ctx.apis.addLayer(layerArn, assetDirOf(ctx, ctx.properties.Content?.S3Key));
    return { ref: layerArn, attributes: { LayerVersionArn: layerArn } };
  },

  'AWS::Lambda::Function': async (ctx) => {
    const p = ctx.properties;
    const functionName = physicalName(ctx, p.FunctionName);
    const functionArn = arn('lambda', `function:${functionName}`);
    // Inline code (CDK's own helper functions, e.g. in S3/CodePipeline stacks) or a non-Node
    // runtime cannot run here: the function is skipped rather than breaking the deployment.
    if (p.Code?.S3Key === undefined || (typeof p.Runtime === 'string' && !p.Runtime.startsWith('nodejs'))) {
      return { ref: functionName, attributes: { Arn: functionArn }, skipped: true };
    }
    const memorySize = Number(p.MemorySize ?? 128);
    ctx.services.lambda.register({
      functionName,
      arn: functionArn,
      codeDir: assetDirOf(ctx, p.Code?.S3Key),
      handler: p.Handler ?? 'index.handler',
      environment: {
        ...(p.Environment?.Variables ?? {}),
        ...ctx.services.functionEnvironment({ functionName, roleArn: p.Role, memorySize }),
      },
      layerDirs: ((p.Layers ?? []) as string[]).map((layer) => ctx.apis.layerDir(layer)),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memorySize,
      logging: {
        logGroup: typeof p.LoggingConfig?.LogGroup === 'string' ? p.LoggingConfig.LogGroup : undefined,
        logFormat: p.LoggingConfig?.LogFormat === 'JSON' ? 'JSON' : 'Text',
        applicationLogLevel: p.LoggingConfig?.ApplicationLogLevel,
      },
      tracingMode: p.TracingConfig?.Mode === 'Active' ? 'Active' : 'PassThrough',
    });
    return { ref: functionName, attributes: { Arn: functionArn } };
  },

  'AWS::IAM::Role': async (ctx) => {
    const p = ctx.properties;
    const roleName = physicalName(ctx, p.RoleName);
    ctx.services.iam?.putRole({
      roleName,
      arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${roleName}`,
      trustPolicy: p.AssumeRolePolicyDocument,
      inlinePolicies: ((p.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: { Statement: unknown } }>).map(
        (policy) => ({
          name: policy.PolicyName,
          policy: policy.PolicyDocument,
        }),
      ),
      managedPolicyArns: (p.ManagedPolicyArns ?? []) as string[],
      maxSessionDuration: Number(p.MaxSessionDuration ?? 3600),
    });
    return {
      ref: roleName,
      attributes: {
        Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${roleName}`,
        RoleId: stableId(ctx.stackName, ctx.logicalId, 21).toUpperCase(),
      },
    };
  },

  'AWS::StepFunctions::StateMachine': async (ctx) => {
    const p = ctx.properties;
    const name = physicalName(ctx, p.StateMachineName, 80);
    const stateMachineArn = arn('states', `stateMachine:${name}`);
    let definition = typeof p.DefinitionString === 'string' ? p.DefinitionString : JSON.stringify(p.Definition);
    for (const [key, value] of Object.entries((p.DefinitionSubstitutions ?? {}) as Record<string, string>)) {
      definition = definition.split(`\${${key}}`).join(value);
    }
    ctx.services.stepFunctions.registerStateMachine({
      arn: stateMachineArn,
      name,
      definition,
      roleArn: p.RoleArn,
      type: p.StateMachineType ?? 'STANDARD',
    });
    return { ref: stateMachineArn, attributes: { Arn: stateMachineArn, Name: name } };
  },

  'AWS::ApiGateway::RestApi': async (ctx) => {
    const restApiId = stableId(ctx.stackName, ctx.logicalId);
    const rootId = stableId(ctx.stackName, `${ctx.logicalId}/root`);
    ctx.apis.addApi(restApiId, {
      name: ctx.properties.Name ?? ctx.logicalId,
      apiKeySource: ctx.properties.ApiKeySourceType === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      rootId,
    });
    return { ref: restApiId, attributes: { RootResourceId: rootId, RestApiId: restApiId } };
  },

  'AWS::ApiGateway::Resource': async (ctx) => {
    const id = stableId(ctx.stackName, ctx.logicalId);
    ctx.apis.addResource(id, ctx.properties.ParentId, ctx.properties.PathPart);
    return { ref: id, attributes: { ResourceId: id } };
  },

  'AWS::ApiGateway::Method': async (ctx) => {
    const p = ctx.properties;
    const integration = p.Integration ?? {};
    ctx.apis.addMethod(p.RestApiId, p.ResourceId, {
      httpMethod: p.HttpMethod,
      authorizationType: p.AuthorizationType ?? 'NONE',
      authorizerId: p.AuthorizerId,
      apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
      integration:
        integration.Type === 'MOCK'
          ? {
              type: 'MOCK',
              statusCode: Number(integration.IntegrationResponses?.[0]?.StatusCode ?? 200),
              responseHeaders: Object.fromEntries(
                Object.entries(
                  (integration.IntegrationResponses?.[0]?.ResponseParameters ?? {}) as Record<string, string>,
                ).map(([key, value]) => [key.replace(/^method\.response\.header\./, ''), value]),
              ),
            }
          : { type: 'AWS_PROXY', functionName: functionOfIntegrationUri(String(integration.Uri)) },
    });
    return { ref: stableId(ctx.stackName, ctx.logicalId), attributes: {} };
  },

  'AWS::ApiGateway::Authorizer': async (ctx) => {
    const p = ctx.properties;
    const id = stableId(ctx.stackName, ctx.logicalId, 6);
    ctx.apis.addAuthorizer(id, p.RestApiId, {
      type: p.Type === 'TOKEN' ? 'TOKEN' : 'REQUEST',
      functionName: functionOfIntegrationUri(String(p.AuthorizerUri)),
      identitySource: p.IdentitySource ?? 'method.request.header.Authorization',
      resultTtlSeconds: p.AuthorizerResultTtlInSeconds === undefined ? 300 : Number(p.AuthorizerResultTtlInSeconds),
    });
    return { ref: id, attributes: { AuthorizerId: id } };
  },

  'AWS::ApiGateway::Stage': async (ctx) => {
    const tracing = ctx.properties.TracingEnabled;
    ctx.apis.setStage(ctx.properties.RestApiId, ctx.properties.StageName, tracing === true || tracing === 'true');
    return { ref: ctx.properties.StageName, attributes: {} };
  },

  'AWS::ApiGateway::UsagePlan': async (ctx) => {
    const p = ctx.properties;
    const id = stableId(ctx.stackName, ctx.logicalId);
    ctx.services.gateway.registerUsagePlan({
      id,
      name: p.UsagePlanName ?? ctx.logicalId,
      throttle: p.Throttle
        ? { rateLimit: Number(p.Throttle.RateLimit), burstLimit: Number(p.Throttle.BurstLimit) }
        : undefined,
      quota: p.Quota ? { limit: Number(p.Quota.Limit), period: p.Quota.Period } : undefined,
      apiStages: ((p.ApiStages ?? []) as Array<{ ApiId: string; Stage: string }>).map((s) => ({
        restApiId: s.ApiId,
        stage: s.Stage,
      })),
    });
    return { ref: id, attributes: { Id: id } };
  },

  'AWS::SES::Template': async (ctx) => {
    const t = ctx.properties.Template ?? {};
    const name = physicalName(ctx, t.TemplateName);
    ctx.services.outbox.registerTemplate({ name, subject: t.SubjectPart ?? '', text: t.TextPart ?? '' });
    return { ref: name, attributes: {} };
  },

  'AWS::Events::EventBus': async (ctx) => {
    const bus = ctx.services.events.createBus(String(ctx.properties.Name));
    return { ref: bus.Name, attributes: { Arn: bus.Arn, Name: bus.Name } };
  },

  // Archives keep events for replay; the local bus keeps its recent events anyway.
  'AWS::Events::Archive': async (ctx) => {
    const name = physicalName(ctx, ctx.properties.ArchiveName, 48);
    return { ref: name, attributes: { Arn: arn('events', `archive/${name}`), ArchiveName: name } };
  },

  'AWS::Events::Rule': async (ctx) => {
    const p = ctx.properties;
    const name = physicalName(ctx, p.Name);
    const bus = ctx.services.events.bus(typeof p.EventBusName === 'string' ? p.EventBusName : 'default');
    if (!bus) throw new Error(`Event bus ${String(p.EventBusName)} of rule ${name} is not deployed`);
    if (p.State !== 'DISABLED' && p.EventPattern) {
      const targets = ((p.Targets ?? []) as Array<{ Arn: string }>).map((target) => target.Arn);
      const unsupported = targets.filter((t) => ![':lambda:', ':states:', ':logs:'].some((kind) => t.includes(kind)));
      if (unsupported.length > 0)
        throw new Error(
          `Only Lambda, Step Functions and CloudWatch Logs targets are supported locally, not ${unsupported.join(', ')}`,
        );
      ctx.services.events.putRule({ name, eventBusName: bus.Name, eventPattern: p.EventPattern, targets });
    }
    const ruleArn = bus.Name === 'default' ? arn('events', `rule/${name}`) : arn('events', `rule/${bus.Name}/${name}`);
    // The Ref of a rule on a custom bus is `<bus>|<rule>`, as CloudFormation has it.
    return { ref: bus.Name === 'default' ? name : `${bus.Name}|${name}`, attributes: { Arn: ruleArn } };
  },

  'AWS::S3::Bucket': async (ctx) => {
    const name = bucketNameOf(ctx, ctx.properties.BucketName);
    const rules = ctx.properties.LifecycleConfiguration?.Rules as Record<string, unknown>[] | undefined;
    // Encryption, public access block, ownership controls and versioning are accepted: they
    // change nothing a local client can observe (objects are stored unencrypted, versions are not kept).
    ctx.services.s3?.ensureBucket(name, rules ?? []);
    return {
      ref: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${LOCAL_REGION}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${LOCAL_REGION}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${LOCAL_REGION}.amazonaws.com`,
      },
    };
  },

  'AWS::Logs::LogGroup': async (ctx) => {
    const name = physicalName(ctx, ctx.properties.LogGroupName, 512);
    const retention = ctx.properties.RetentionInDays;
    ctx.services.logs?.ensureLogGroup(name, retention === undefined ? undefined : Number(retention));
    return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
  },

  'AWS::Logs::SubscriptionFilter': async (ctx) => {
    const p = ctx.properties;
    const filterName = physicalName(ctx, p.FilterName, 512);
    ctx.services.logs?.putSubscriptionFilter({
      logGroupName: String(p.LogGroupName),
      filterName,
      filterPattern: String(p.FilterPattern ?? ''),
      destinationArn: String(p.DestinationArn),
      roleArn: p.RoleArn,
      distribution: p.Distribution,
    });
    return { ref: filterRefOf(filterName, String(p.LogGroupName)), attributes: {} };
  },

  'AWS::Logs::MetricFilter': async (ctx) => {
    const p = ctx.properties;
    const filterName = physicalName(ctx, p.FilterName, 512);
    ctx.services.logs?.putMetricFilter({
      logGroupName: String(p.LogGroupName),
      filterName,
      filterPattern: String(p.FilterPattern ?? ''),
      metricTransformations: ((p.MetricTransformations ?? []) as Array<Record<string, unknown>>).map((t) => ({
        metricName: t.MetricName,
        metricNamespace: t.MetricNamespace,
        metricValue: String(t.MetricValue),
        defaultValue: t.DefaultValue === undefined ? undefined : Number(t.DefaultValue),
        unit: t.Unit,
        dimensions: t.Dimensions
          ? Object.fromEntries((t.Dimensions as Array<{ Key: string; Value: string }>).map((d) => [d.Key, d.Value]))
          : undefined,
      })),
    });
    return { ref: filterRefOf(filterName, String(p.LogGroupName)), attributes: {} };
  },

  // Saved Logs Insights queries: listed by DescribeQueryDefinitions; Logs Insights itself is not emulated.
  'AWS::Logs::QueryDefinition': async (ctx) => {
    const p = ctx.properties;
    const id = stableId(ctx.stackName, ctx.logicalId, 32);
    ctx.services.logs?.putQueryDefinition({
      queryDefinitionId: id,
      name: String(p.Name),
      queryString: String(p.QueryString),
      logGroupNames: (p.LogGroupNames ?? []) as string[],
      lastModified: Date.now(),
    });
    return { ref: id, attributes: { QueryDefinitionId: id } };
  },

  'AWS::IAM::Policy': async (ctx) => {
    const p = ctx.properties;
    ctx.services.iam?.putPolicy(`${ctx.stackName}/${ctx.logicalId}`, {
      name: String(p.PolicyName ?? ctx.logicalId),
      policy: p.PolicyDocument,
      roles: (p.Roles ?? []) as string[],
    });
    return { ref: `${ctx.stackName}-${ctx.logicalId}`, attributes: {} };
  },

  'AWS::IAM::ManagedPolicy': async (ctx) => {
    const p = ctx.properties;
    const name = physicalName(ctx, p.ManagedPolicyName, 128);
    const policyArn = `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${name}`;
    ctx.services.iam?.putPolicy(`${ctx.stackName}/${ctx.logicalId}`, {
      name,
      policy: p.PolicyDocument,
      roles: (p.Roles ?? []) as string[],
      arn: policyArn,
    });
    return { ref: policyArn, attributes: { PolicyArn: policyArn } };
  },

  'AWS::CodePipeline::Pipeline': async (ctx) => {
    const p = ctx.properties;
    const name = physicalName(ctx, p.Name, 100);
    let stateMachineArn: string | undefined;
    let executionNamePrefix: string | undefined;
    for (const stage of (p.Stages ?? []) as Array<{
      Actions?: Array<{ ActionTypeId?: { Provider?: string }; Configuration?: Record<string, unknown> }>;
    }>) {
      for (const action of stage.Actions ?? []) {
        if (
          action.ActionTypeId?.Provider === 'StepFunctions' &&
          typeof action.Configuration?.StateMachineArn === 'string'
        ) {
          if (stateMachineArn === undefined) {
            stateMachineArn = action.Configuration.StateMachineArn;
            const prefix = action.Configuration.ExecutionNamePrefix;
            executionNamePrefix = typeof prefix === 'string' && prefix !== '' ? prefix : undefined;
          }
        }
      }
    }
    const executionMode = p.ExecutionMode ?? 'SUPERSEDED';
    if (!PIPELINE_EXECUTION_MODES.includes(executionMode))
      throw new Error(`ExecutionMode ${String(executionMode)} is not one of ${PIPELINE_EXECUTION_MODES.join(', ')}`);
    ctx.services.codePipeline?.registerPipeline({
      name,
      executionMode,
      stateMachineArn,
      executionNamePrefix,
      variables: ((p.Variables ?? []) as Array<{ Name: string; DefaultValue?: unknown }>).map((v) => ({
        name: String(v.Name),
        defaultValue: v.DefaultValue === undefined ? undefined : String(v.DefaultValue),
      })),
    });
    return { ref: name, attributes: { Version: '1' } };
  },

  'AWS::XRay::Group': async (ctx) => {
    const p = ctx.properties;
    const name = physicalName(ctx, p.GroupName, 32);
    const group = ctx.services.xray?.putGroup(name, p.FilterExpression, p.InsightsConfiguration) ?? {
      GroupARN: arn('xray', `group/${name}`),
    };
    return { ref: group.GroupARN, attributes: { GroupARN: group.GroupARN } };
  },

  'AWS::XRay::SamplingRule': async (ctx) => {
    const rule = (ctx.properties.SamplingRule ?? {}) as Record<string, unknown>;
    const name = physicalName(ctx, rule.RuleName, 32);
    const stored = ctx.services.xray?.putSamplingRule({ ...rule, RuleName: name }) ?? {
      RuleARN: arn('xray', `sampling-rule/${name}`),
      RuleName: name,
    };
    return { ref: stored.RuleARN, attributes: { RuleARN: stored.RuleARN, RuleName: stored.RuleName } };
  },

  // Accepted and ignored: they change nothing observable on the local cloud.
  'AWS::Lambda::Permission': noop,
  // Bucket policies are not enforced locally (identity policies are): see docs/local-cloud.md.
  'AWS::S3::BucketPolicy': noop,
  'AWS::ApiGateway::Deployment': noop,
  'AWS::ApiGateway::Account': noop,
  // CORS headers on API Gateway's own errors; locally the apps share the APIs' origin.
  'AWS::ApiGateway::GatewayResponse': noop,
  'AWS::CDK::Metadata': noop,
};
