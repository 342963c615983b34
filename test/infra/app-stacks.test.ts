/**
 * Targeted assertions on the synthesized tenantflow stacks: the properties the design and the
 * security model rely on. The app is built and synthesized once for the whole file.
 */

import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Template as CdkTemplate } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../contracts/routes';
import { TIERS } from '../../contracts/tiers';
import { buildApp, STACK_NAMES } from '../../infra/app';
import { synthForAssertions, type TestApp, withoutCfnValidation } from '../support/infra/synth';

type Json = Record<string, unknown>;
interface Resource {
  readonly Type: string;
  readonly Properties?: Json;
  readonly DeletionPolicy?: string;
}
interface IamStatement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
}

let built: TestApp;
let templates: Map<string, Template>;

beforeAll(() => {
  built = synthForAssertions();
  templates = built.templates();
});

afterAll(() => built?.cleanup());

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(
    ([, resource]) => resource.Type === type,
  );
}

/**
 * CDK's own BucketDeployment provider (console stack) runs CDK's code with CDK's runtime and
 * role, so the house rules for our functions below do not apply to it; console-stack.ts
 * acknowledges its cdk-nag findings with reasons, and test/infra/console-stack.test.ts checks it.
 */
const CDK_PROVIDED = /^CustomCDKBucketDeployment/;

function allResources(type: string): { stack: string; id: string; resource: Resource; template: Template }[] {
  return [...templates].flatMap(([stack, template]) =>
    resourcesOf(template, type)
      .filter(([id]) => !CDK_PROVIDED.test(id))
      .map(([id, resource]) => ({ stack, id, resource, template })),
  );
}

function tmpl(stackName: string): Template {
  const template = templates.get(stackName);
  if (!template) throw new Error(`No stack ${stackName}`);
  return template;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const refOf = (value: unknown) => (value as { Ref?: string } | undefined)?.Ref;
const getAttOf = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];

/** Every statement of every identity policy (inline policies of roles, IAM policies, managed policies). */
function iamStatements(): { where: string; statement: IamStatement }[] {
  const found: { where: string; statement: IamStatement }[] = [];
  for (const { stack, id, resource } of [
    ...allResources('AWS::IAM::Policy'),
    ...allResources('AWS::IAM::ManagedPolicy'),
    ...allResources('AWS::IAM::Role'),
  ]) {
    const documents =
      resource.Type === 'AWS::IAM::Role'
        ? asArray(resource.Properties?.Policies as { PolicyDocument: Json }[] | undefined).map(
            (policy) => policy.PolicyDocument,
          )
        : [resource.Properties?.PolicyDocument as Json];
    for (const document of documents) {
      for (const statement of asArray(document.Statement as IamStatement[]))
        found.push({ where: `${stack}/${id}`, statement });
    }
  }
  return found;
}

describe('Lambda functions', () => {
  it('all run nodejs22.x on arm64 with active tracing and a log group that has a retention', () => {
    const functions = allResources('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);

    for (const { stack, id, resource, template } of functions) {
      const props = resource.Properties ?? {};
      const where = `${stack}/${id}`;
      expect(props.Runtime, where).toBe('nodejs22.x');
      expect(props.Architectures, where).toEqual(['arm64']);
      expect(props.TracingConfig, where).toEqual({ Mode: 'Active' });
      const logGroupId = refOf((props.LoggingConfig as Json | undefined)?.LogGroup);
      expect(logGroupId, `${where} has its own log group`).toBeDefined();
      const logGroup = template.toJSON().Resources[logGroupId as string] as Resource;
      expect(logGroup.Type, where).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties?.RetentionInDays, where).toBeGreaterThan(0);
    }
  });

  it("have roles without AWS managed policies that may write logs only to the function's own log group", () => {
    const functions = allResources('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);

    for (const { stack, id, resource, template } of functions) {
      const props = resource.Properties ?? {};
      const roleId = getAttOf(props.Role)?.[0] as string;
      const logGroupId = refOf((props.LoggingConfig as Json).LogGroup);
      const role = template.toJSON().Resources[roleId] as Resource;
      expect(role.Properties?.ManagedPolicyArns, `${stack}/${id}`).toBeUndefined();

      const logStatements = statementsOfRole(template, roleId).filter((statement) =>
        asArray(statement.Action).some((action) => action.startsWith('logs:') && !LOG_READS.includes(action)),
      );
      expect(logStatements, `${stack}/${id}`).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
    }
  });
});

/** The log reads of the telemetry view (checked on their own below). */
const LOG_READS = ['logs:FilterLogEvents', 'logs:DescribeLogGroups'];

describe('telemetry function', () => {
  it('reads log events only of the control plane’s, the onboarding’s, the pooled API’s and silo stacks’ log groups', () => {
    const controlPlane = tmpl(STACK_NAMES.controlPlane);
    const telemetry = resourcesOf(controlPlane, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('TelemetryFunction'),
    );
    expect(telemetry).toBeDefined();
    const roleId = getAttOf(telemetry?.[1].Properties?.Role)?.[0] as string;
    const reads = statementsOfRole(controlPlane, roleId).filter((statement) =>
      asArray(statement.Action).some((action) => LOG_READS.includes(action)),
    );

    // Every other function's log group of this stack but the operators' authorizer's, none of its own, plus the pooled stack's imports.
    const ownGroups = resourcesOf(controlPlane, 'AWS::Logs::LogGroup')
      .map(([id]) => id)
      .filter((id) => id.endsWith('FunctionLogGroup') || /FunctionLogGroup[0-9A-F]{8}$/.test(id));
    const resources = reads.flatMap((statement) => asArray(statement.Resource as Json | Json[]));
    const named = JSON.stringify(resources);
    expect(named).not.toContain('TelemetryFunctionLogGroup');
    for (const id of ownGroups.filter(
      (id) => !id.startsWith('TelemetryFunction') && !id.startsWith('AuthorizerFunction'),
    ))
      expect(named, id).toContain(id);
    expect(named).toContain('Fn::ImportValue');
    expect(named).toContain(':log-group:tenantflow-silo-*');
    for (const statement of reads) {
      const actions = asArray(statement.Action);
      if (actions.includes('logs:DescribeLogGroups')) expect(actions).toEqual(['logs:DescribeLogGroups']);
      else expect(actions).toEqual(['logs:FilterLogEvents']);
    }
  });
});

describe('onboarding step functions', () => {
  it('each have their own entry (functions/onboarding-steps/<step>.ts) that exports their handler', async () => {
    const steps = resourcesOf(tmpl(STACK_NAMES.controlPlane), 'AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties?.Description ?? '').startsWith('Onboarding step '),
    );
    expect(steps.length).toBeGreaterThanOrEqual(10);

    for (const [id, fn] of steps) {
      const handler = String(fn.Properties?.Handler).replace(/^index\./, '');
      const file = handler.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const module = (await import(`../../functions/onboarding-steps/${file}`)) as Record<string, unknown>;
      expect(typeof module[handler], `${id}: ${file}.ts exports ${handler}`).toBe('function');
    }
  });
});

describe('IAM', () => {
  it("never allows Action '*' or a service-wide 'service:*' action, and never uses NotAction", () => {
    const statements = iamStatements();
    expect(statements.length).toBeGreaterThan(0);

    const offending = statements.filter(
      ({ statement }) =>
        statement.NotAction !== undefined ||
        asArray(statement.Action).some((action) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action)),
    );

    expect(offending).toEqual([]);
  });

  it("uses Resource '*' only for actions without resource-level permissions (X-Ray, log delivery, CreateUserPool, SendTaskSuccess)", () => {
    const allowed =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets|GetTraceSummaries|BatchGetTraces)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|cognito-idp:CreateUserPool|states:(SendTaskSuccess|SendTaskFailure))$/;

    const offending = iamStatements().filter(
      ({ statement }) =>
        asArray(statement.Resource).includes('*') && asArray(statement.Action).some((action) => !allowed.test(action)),
    );

    expect(offending).toEqual([]);
  });

  it('lets the CreateApiKey step list and create keys and add them to usage plans, nothing more', () => {
    const controlPlane = tmpl(STACK_NAMES.controlPlane);
    const createApiKey = resourcesOf(controlPlane, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('CreateApiKeyFunction'),
    );
    expect(createApiKey).toBeDefined();
    const roleId = getAttOf(createApiKey?.[1].Properties?.Role)?.[0] as string;
    const apiGatewayStatements = statementsOfRole(controlPlane, roleId).filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('apigateway:')),
    );

    const rendered = JSON.stringify(apiGatewayStatements);
    expect(apiGatewayStatements).toHaveLength(2);
    expect(rendered).toContain('::/apikeys"');
    expect(rendered).not.toContain('/apikeys/*');
    // A PLATINUM tenant's plan is created by its own stack, so the plan id is a wildcard.
    expect(rendered.match(/\/usageplans\//g)).toHaveLength(1);
    expect(rendered).toContain('/usageplans/*/keys');
    expect(apiGatewayStatements.flatMap((statement) => asArray(statement.Action)).sort()).toEqual([
      'apigateway:GET',
      'apigateway:POST',
      'apigateway:POST',
    ]);
  });

  it('lets the releases function read the fan-out state machine and its executions only, without a stack reference', () => {
    const controlPlane = tmpl(STACK_NAMES.controlPlane);
    const releases = resourcesOf(controlPlane, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('ReleasesFunction'),
    );
    expect(releases).toBeDefined();
    const roleId = getAttOf(releases?.[1].Properties?.Role)?.[0] as string;
    const states = statementsOfRole(controlPlane, roleId).filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('states:')),
    );
    const rendered = (value: unknown) => JSON.stringify(value).replace(/\{"Ref":"AWS::(\w+)"\}/g, '$1');

    expect(
      states.map((statement) => ({
        actions: asArray(statement.Action).sort(),
        resource: rendered(statement.Resource),
      })),
    ).toEqual([
      {
        actions: ['states:ListExecutions'],
        resource: expect.stringMatching(/states:",Region,":",AccountId,":stateMachine:tenantflow-release-fanout"/),
      },
      {
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resource: expect.stringMatching(/:execution:tenantflow-release-fanout:\*"/),
      },
    ]);
    // The ARN is built from the fixed name: no import from the pipeline stack (which may depend on this one).
    expect(JSON.stringify(controlPlane.toJSON())).not.toContain(`${STACK_NAMES.pipeline}:`);
  });
});

describe('tenant API (pooled stack)', () => {
  it('takes API keys from the authorizer', () => {
    tmpl(STACK_NAMES.pooled).hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  it('has one usage plan per pool tier with exactly the catalog limits, on the API stage', () => {
    const template = tmpl(STACK_NAMES.pooled);
    const plans = resourcesOf(template, 'AWS::ApiGateway::UsagePlan').map(([, plan]) => plan.Properties ?? {});
    const poolTiers = Object.values(TIERS).filter((tier) => tier.deploymentModel === 'pool');
    const [[apiId], [stageId]] = [
      resourcesOf(template, 'AWS::ApiGateway::RestApi'),
      resourcesOf(template, 'AWS::ApiGateway::Stage'),
    ] as [[string, Resource][], [string, Resource][]];

    expect(plans).toHaveLength(poolTiers.length);
    for (const tier of poolTiers) {
      const plan = plans.find((candidate) => JSON.stringify(candidate.UsagePlanName).includes(`-${tier.name}`));
      expect(plan, tier.name).toMatchObject({
        Throttle: { RateLimit: tier.usagePlan.rateLimit, BurstLimit: tier.usagePlan.burstLimit },
        Quota: { Limit: tier.usagePlan.quotaPerDay, Period: 'DAY' },
        ApiStages: [{ ApiId: { Ref: apiId?.[0] }, Stage: { Ref: stageId?.[0] } }],
      });
    }
    expect(plans.some((plan) => JSON.stringify(plan.UsagePlanName).includes('-PLATINUM'))).toBe(false);
  });

  it('requires the authorizer and an API key on every route of the route table', () => {
    const methods = apiMethods(tmpl(STACK_NAMES.pooled));

    expect([...methods.keys()].sort()).toEqual(
      routesOf('tenant')
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
    for (const [route, method] of methods) {
      expect(method, route).toMatchObject({ AuthorizationType: 'CUSTOM', ApiKeyRequired: true });
    }
  });

  it('caches authorizer results by the Authorization header', () => {
    tmpl(STACK_NAMES.pooled).hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
    });
  });
});

describe('control-plane API', () => {
  it('leaves exactly the public routes of the route table without authorizer and without API key', () => {
    const methods = apiMethods(tmpl(STACK_NAMES.controlPlane));

    expect([...methods.keys()].sort()).toEqual(
      routesOf('control-plane')
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
    for (const route of routesOf('control-plane')) {
      const method = methods.get(`${route.method} ${route.path}`);
      expect(method, route.path).toMatchObject({
        AuthorizationType: route.access === 'public' ? 'NONE' : 'CUSTOM',
        ApiKeyRequired: false,
      });
    }
  });

  it('trusts silo tenants’ pools from the tenant registry with nothing but GetItem on TenantDetails', () => {
    const controlPlane = tmpl(STACK_NAMES.controlPlane);
    const authorizer = resourcesOf(controlPlane, 'AWS::Lambda::Function').find(([logicalId]) =>
      logicalId.startsWith('AuthorizerFunction'),
    )?.[1].Properties;
    if (!authorizer) throw new Error('no control-plane authorizer');
    const roleId = getAttOf(authorizer.Role)?.[0] as string;
    const variables = (authorizer.Environment as Json).Variables as Json;
    // Tracing and its own log group aside, the role may read one table's items, nothing else.
    const access = statementsOfRole(controlPlane, roleId).filter(
      (statement) => !asArray(statement.Action).every((action) => /^(xray|logs):/.test(action)),
    );

    expect(variables.TRUST_SILO_USER_POOLS).toBe('true');
    expect(access).toHaveLength(1);
    expect(asArray(access[0]?.Action)).toEqual(['dynamodb:GetItem']);
    expect(JSON.stringify(access[0]?.Resource)).toMatch(
      /^\[\{"Fn::ImportValue":"tenantflow-foundation:[^"]*TenantDetails[^"]*"\}\]$/,
    );
  });
});

describe('onboarding state machine', () => {
  it('are STANDARD state machines (onboarding, stopped-onboarding cleanup) with tracing and full logging to a retained log group', () => {
    const template = tmpl(STACK_NAMES.controlPlane);
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
    expect(machines.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'OnboardingStateMachine',
      'StoppedOnboardingCleanup',
    ]);

    for (const [, machine] of machines) {
      const props = machine.Properties ?? {};
      expect(props).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ALL',
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: expect.anything() } }],
        },
      });
      const destination = (
        props.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[] }
      ).Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn;
      const logGroup = template.toJSON().Resources[getAttOf(destination)?.[0] as string] as Resource;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('let the stopped-onboarding cleanup delete only silo stacks and tenant-tagged user pools', () => {
    const template = tmpl(STACK_NAMES.controlPlane);
    const [, cleanup] = resourcesOf(template, 'AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('StoppedOnboardingCleanup'),
    ) as [string, Resource];
    const statements = statementsOfRole(template, getAttOf(cleanup.Properties?.RoleArn)?.[0] as string);
    const about = (action: string) => statements.filter((statement) => asArray(statement.Action).includes(action));

    expect(about('cloudformation:DeleteStack')).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }),
      }),
    ]);
    expect(JSON.stringify(about('cloudformation:DeleteStack'))).toContain(':stack/tenantflow-silo-*/*');
    expect(about('cognito-idp:DeleteUserPool')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Allow' }),
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Null: { 'aws:ResourceTag/tenantflow:tenantId': 'true' } },
        }),
      ]),
    );
    expect(statements.flatMap((statement) => asArray(statement.Action))).not.toContain('*');
  });
});

describe('user pools', () => {
  it('let app clients read but never write custom:tenantId and custom:userRole', () => {
    const clients = allResources('AWS::Cognito::UserPoolClient');
    expect(clients.length).toBe(2);

    for (const { stack, id, resource } of clients) {
      const props = resource.Properties ?? {};
      // Absent WriteAttributes would mean "every writable attribute".
      expect(props.WriteAttributes, `${stack}/${id}`).toEqual(expect.any(Array));
      expect(props.WriteAttributes, `${stack}/${id}`).not.toEqual(expect.arrayContaining(['custom:tenantId']));
      expect(props.WriteAttributes, `${stack}/${id}`).not.toEqual(expect.arrayContaining(['custom:userRole']));
      expect(props.ReadAttributes, `${stack}/${id}`).toEqual(
        expect.arrayContaining(['custom:tenantId', 'custom:userRole']),
      );
      expect(props.ExplicitAuthFlows, `${stack}/${id}`).toEqual(
        expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
      );
    }
  });

  it('allow no self sign-up', () => {
    const pools = allResources('AWS::Cognito::UserPool');
    expect(pools.length).toBeGreaterThan(0);

    for (const { stack, id, resource } of pools) {
      expect(resource.Properties?.AdminCreateUserConfig, `${stack}/${id}`).toMatchObject({
        AllowAdminCreateUserOnly: true,
      });
    }
  });
});

describe('DynamoDB tables', () => {
  it('all have point-in-time recovery, encryption, on-demand billing and are retained', () => {
    const tables = allResources('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(6);

    for (const { stack, id, resource } of tables) {
      expect(resource.Properties, `${stack}/${id}`).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      });
      expect(resource.DeletionPolicy, `${stack}/${id}`).toBe('Retain');
    }
  });

  it('key the pooled application tables by tenant first', () => {
    const tables = resourcesOf(tmpl(STACK_NAMES.pooled), 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);

    for (const [id, table] of tables) {
      expect((table.Properties?.KeySchema as Json[] | undefined)?.[0], id).toEqual({
        AttributeName: 'tenantId',
        KeyType: 'HASH',
      });
    }
  });
});

/** Statements of the IAM policies attached to a role of the template. */
function statementsOfRole(template: Template, roleId: string): IamStatement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties?.Roles as unknown[]).some((role) => refOf(role) === roleId))
    .flatMap(([, policy]) =>
      asArray((policy.Properties?.PolicyDocument as Json | undefined)?.Statement as IamStatement[] | undefined),
    );
}

/** Methods of the stack's one REST API by `METHOD /path` (OPTIONS preflights left out). */
function apiMethods(template: Template): Map<string, Json> {
  const resources = Object.fromEntries(resourcesOf(template, 'AWS::ApiGateway::Resource'));
  const pathOf = (resourceId: unknown): string => {
    const id = refOf(resourceId);
    const resource = id ? resources[id] : undefined;
    if (!resource) return ''; // the API root (GetAtt RootResourceId)
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  const methods = new Map<string, Json>();
  for (const [, method] of resourcesOf(template, 'AWS::ApiGateway::Method')) {
    const props = method.Properties ?? {};
    if (props.HttpMethod === 'OPTIONS') continue;
    methods.set(`${String(props.HttpMethod)} ${pathOf(props.ResourceId) || '/'}`, props);
  }
  return methods;
}

describe('tenant-scoped data access (pooled stack)', () => {
  type Json = Record<string, any>;
  const pooled = () => tmpl(STACK_NAMES.pooled).toJSON().Resources as Record<string, Json>;
  const idOf = (prefix: string, type: string) => {
    const found = Object.entries(pooled()).filter(([id, r]) => id.startsWith(prefix) && r.Type === type);
    expect(found).toHaveLength(1);
    return found[0]?.[0] as string;
  };
  const statementsOfRole = (roleId: string) =>
    Object.values(pooled())
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((role) => role.Ref === roleId),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
  const actionsOf = (statements: Json[]) => statements.flatMap((s) => asArray(s.Action as string | string[]));

  it('has a tenant data role that only the authorizer’s role may assume', () => {
    const dataRole = idOf('TenantDataAccessRole', 'AWS::IAM::Role');
    const authorizerRole = idOf('AuthorizerFunctionServiceRole', 'AWS::IAM::Role');

    expect(pooled()[dataRole]?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [authorizerRole, 'Arn'] } } },
    ]);
    expect(pooled()[dataRole]?.Properties.MaxSessionDuration).toBe(3600);
  });

  it('lets the tenant data role use DynamoDB item actions on the products and orders tables only', () => {
    const statements = statementsOfRole(idOf('TenantDataAccessRole', 'AWS::IAM::Role'));
    const tables = [idOf('Products', 'AWS::DynamoDB::Table'), idOf('Orders', 'AWS::DynamoDB::Table')];

    expect(statements.flatMap((s) => asArray(s.Resource as Json)).map((r) => getAttOf(r))).toEqual(
      tables.map((t) => [t, 'Arn']),
    );
    expect(new Set(actionsOf(statements))).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ]),
    );
  });

  it('lets the authorizer assume exactly the tenant data role', () => {
    const statements = statementsOfRole(idOf('AuthorizerFunctionServiceRole', 'AWS::IAM::Role')).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('sts:')),
    );

    expect(statements).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf('TenantDataAccessRole', 'AWS::IAM::Role'), 'Arn'] },
      },
    ]);
  });

  it('gives the products and orders functions no table access of their own', () => {
    for (const fn of ['ProductsFunctionServiceRole', 'OrdersFunctionServiceRole']) {
      expect(actionsOf(statementsOfRole(idOf(fn, 'AWS::IAM::Role'))).filter((a) => a.startsWith('dynamodb:'))).toEqual(
        [],
      );
    }
  });

  it('configures the authorizer with the role, the tables and the result cache TTL it must outlive', () => {
    const authorizerFn = pooled()[idOf('AuthorizerFunction', 'AWS::Lambda::Function')] as Json;
    const variables = authorizerFn.Properties.Environment.Variables as Json;
    const apiAuthorizer = Object.values(pooled()).find((r) => r.Type === 'AWS::ApiGateway::Authorizer') as Json;

    expect(getAttOf(variables.TENANT_DATA_ROLE_ARN)).toEqual([idOf('TenantDataAccessRole', 'AWS::IAM::Role'), 'Arn']);
    expect(JSON.stringify(variables.TENANT_TABLE_ARNS)).toContain(idOf('Products', 'AWS::DynamoDB::Table'));
    expect(JSON.stringify(variables.TENANT_TABLE_ARNS)).toContain(idOf('Orders', 'AWS::DynamoDB::Table'));
    expect(variables.AUTHORIZER_RESULT_TTL_SECONDS).toBe('60');
    expect(apiAuthorizer.Properties.AuthorizerResultTtlInSeconds).toBe(60);
  });
});

describe('authorizer result cache TTL (context authorizerCacheTtlSeconds)', () => {
  const pooledWith = (context: Record<string, unknown>) =>
    withoutCfnValidation(() => {
      const app = buildApp({ context: { ...context, [BUNDLING_STACKS]: [] } });
      const stack = app.node.children.find((c) => Stack.isStack(c) && c.stackName === STACK_NAMES.pooled) as Stack;
      return CdkTemplate.fromStack(stack).toJSON().Resources as Record<string, Record<string, any>>;
    });

  it('sets the API authorizer TTL and the authorizer’s credential margin from context', () => {
    const resources = pooledWith({ authorizerCacheTtlSeconds: '300' });

    const authorizer = Object.values(resources).find((r) => r.Type === 'AWS::ApiGateway::Authorizer');
    const fn = Object.entries(resources).find(
      ([id, r]) => id.startsWith('AuthorizerFunction') && r.Type === 'AWS::Lambda::Function',
    )?.[1];
    expect(authorizer?.Properties.AuthorizerResultTtlInSeconds).toBe(300);
    expect(fn?.Properties.Environment.Variables.AUTHORIZER_RESULT_TTL_SECONDS).toBe('300');
  });

  it.each([['1801'], ['-1'], ['soon']])('refuses %s seconds', (value) => {
    expect(() => pooledWith({ authorizerCacheTtlSeconds: value })).toThrow(/authorizerCacheTtl/);
  });
});
