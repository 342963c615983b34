/**
 * The tenant pipeline stack: CodePipeline V2 with the tenantId variable, S3 source → CodeBuild →
 * Step Functions (the release fan-out), and least-privilege roles for deploying tenant stacks.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TENANTS, FANOUT_STATE_MACHINE_NAME } from '../../functions/pipeline/fanout';
import { STACK_NAMES } from '../../infra/app';
import { BUILD_IMAGE, FANOUT_INPUT_FILE, TENANT_PIPELINE_NAME } from '../../infra/stacks/pipeline-stack';
import { synthForAssertions, type TestApp } from '../support/infra/synth';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

let built: TestApp;
let template: Template;

beforeAll(() => {
  built = synthForAssertions();
  template = built.template(STACK_NAMES.pipeline);
});

afterAll(() => built?.cleanup());

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOfRole(roleLogicalIdPrefix: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref.startsWith(roleLogicalIdPrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function pipeline(): Record<string, unknown> {
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipelines).toHaveLength(1);
  return (pipelines[0] as { Properties: Record<string, unknown> }).Properties;
}

describe('tenant pipeline', () => {
  it('is a CodePipeline V2 with the tenantId variable (ALL: CodePipeline rejects an empty default)', () => {
    expect(pipeline()).toMatchObject({
      Name: TENANT_PIPELINE_NAME,
      PipelineType: 'V2',
      Variables: [{ Name: 'tenantId', DefaultValue: ALL_TENANTS }],
    });
  });

  it('runs executions in PARALLEL mode, so concurrent onboardings never supersede each other', () => {
    // Absent, CodePipeline uses SUPERSEDED: a waiting onboarding run is dropped and its task token never sent.
    expect(pipeline().ExecutionMode).toBe('PARALLEL');
  });

  it('runs S3 source → CodeBuild → the fan-out state machine with the input file the build writes', () => {
    const stages = pipeline().Stages as {
      Name: string;
      Actions: { ActionTypeId: { Category: string; Provider: string }; Configuration: Record<string, unknown> }[];
    }[];

    expect(stages.map((stage) => [stage.Name, stage.Actions.map((a) => a.ActionTypeId.Provider)])).toEqual([
      ['Source', ['S3']],
      ['Build', ['CodeBuild']],
      ['Deploy', ['StepFunctions']],
    ]);
    expect(stages[0]?.Actions[0]?.Configuration).toMatchObject({
      S3ObjectKey: 'source.zip',
      PollForSourceChanges: false,
    });
    expect(JSON.stringify(stages[1]?.Actions[0]?.Configuration.EnvironmentVariables)).toContain(
      '#{variables.tenantId}',
    );
    expect(stages[2]?.Actions[0]?.Configuration).toMatchObject({
      StateMachineArn: expect.anything(),
      InputType: 'FilePath',
      Input: FANOUT_INPUT_FILE,
    });
  });

  it('builds with npm ci, npm test, then synthesizes and publishes the silo template and writes the fan-out input', () => {
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0] as {
      Properties: { Source: { BuildSpec: string } };
    };
    const spec = project.Properties.Source.BuildSpec;

    expect(spec).toContain('npm ci');
    expect(spec).toContain('npm test');
    expect(spec).toContain('cdk synth');
    expect(spec).toContain('cdk-assets@3 publish');
    expect(spec).toContain(`scripts/fanout-input.ts`);
    expect(spec).toContain(FANOUT_INPUT_FILE);
  });

  it('builds on Debian with Node 20 and installs Chromium, so the browser tests of npm test can run', () => {
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0] as {
      Properties: { Environment: { Image: string }; Source: { BuildSpec: string } };
    };

    expect(project.Properties.Environment.Image).toBe(BUILD_IMAGE);
    expect(project.Properties.Source.BuildSpec).toContain('apt-get install -y --no-install-recommends chromium');
  });

  it('keeps its source in a versioned bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
  });

  it('runs the fan-out as a named STANDARD state machine', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: FANOUT_STATE_MACHINE_NAME,
      StateMachineType: 'STANDARD',
    });
  });
});

describe('deploy roles', () => {
  it("let the fan-out's role change only tenantflow-silo-* stacks and pass only the CloudFormation role", () => {
    const statements = statementsOfRole('FanOutStateMachineRole');
    const cfn = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('cloudformation:')));

    expect([...new Set(cfn.flatMap((s) => asArray(s.Action)))].sort()).toEqual([
      'cloudformation:CreateStack',
      'cloudformation:DeleteStack',
      'cloudformation:DescribeStacks',
      'cloudformation:UpdateStack',
    ]);
    for (const s of cfn) expect(JSON.stringify(s.Resource)).toMatch(/:stack\/tenantflow-silo-\*\/\*"\]\]\}$/);
    const passRole = statements.filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(passRole.length).toBeGreaterThan(0);
    for (const s of passRole) {
      expect(JSON.stringify(s.Resource)).toContain('TenantStackDeployRole');
      expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
    }
  });

  it("limit CloudFormation's service role to named actions on tenantflow-silo-* resources (API Gateway by path)", () => {
    const statements = statementsOfRole('TenantStackDeployRole');
    expect(statements.length).toBeGreaterThan(0);

    for (const s of statements) {
      for (const action of asArray(s.Action)) expect(action, action).not.toMatch(/\*/);
      expect(JSON.stringify(s.Resource) === '"*"', JSON.stringify(s)).toBe(false);
    }
    // Data, identity, logs and functions: only the tenant's own (named tenantflow-silo-*).
    const named = statements.filter((s) =>
      asArray(s.Action).some((a) => /^(dynamodb|iam|logs):|^lambda:(?!GetLayerVersion)/.test(a)),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const s of named) expect(JSON.stringify(s.Resource), JSON.stringify(s.Action)).toContain('tenantflow-silo-*');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'cloudformation.amazonaws.com' } }] },
    });
  });

  it('let the record step read and update TenantStackMapping rows and send task tokens, nothing else', () => {
    const statements = statementsOfRole('RecordDeploymentFunction');
    const actions = statements
      .flatMap((s) => asArray(s.Action))
      .filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'));

    expect(actions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
    ]);
  });
});
