/**
 * State JSON tests of the onboarding workflow: the definition is rendered in a small stack with
 * inline-code Lambda fakes (no bundling), and the synthesized DefinitionString is read back
 * as the Amazon States Language document that Step Functions and the local cloud both run.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ONBOARDING_STATES as S } from '../../functions/shared/onboarding-states';
import { type OnboardingStepFunctions, onboardingDefinition } from '../../workflows/onboarding';
import { withoutCfnValidation } from './support/synth';

interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { Variable?: string; StringEquals?: string; Next: string }[];
  readonly Resource?: string;
  readonly ResultPath?: string | null;
  readonly QueryLanguage?: string;
  readonly Retry?: readonly {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    BackoffRate?: number;
    MaxAttempts?: number;
    MaxDelaySeconds?: number;
    JitterStrategy?: string;
  }[];
  readonly Catch?: readonly { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}

interface Asl {
  readonly StartAt: string;
  readonly QueryLanguage?: string;
  readonly States: Readonly<Record<string, AslState>>;
}

const STEP_KEYS = [
  'validate',
  'storeTenant',
  'createTenantAdmin',
  'createApiKey',
  'writeStackMapping',
  'sendWelcome',
  'activateTenant',
] as const satisfies readonly (keyof OnboardingStepFunctions)[];

const POOL_PATH = [
  S.validate,
  S.routeByTier,
  S.storeTenant,
  S.createTenantAdmin,
  S.createApiKey,
  S.writeStackMapping,
  S.sendWelcome,
  S.activateTenant,
  S.succeeded,
];

/** Joins the Fn::Join parts, replacing each intrinsic with a quote-free placeholder naming its logical id. */
function resolveJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`Unexpected DefinitionString: ${JSON.stringify(value)}`);
  const [separator, parts] = join;
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt) return `GetAtt:${getAtt.join('.')}`;
      const ref = (part as { Ref?: string }).Ref;
      if (ref) return `Ref:${ref}`;
      throw new Error(`Unexpected intrinsic in definition: ${JSON.stringify(part)}`);
    })
    .join(separator);
}

let asl: Asl;
let functionLogicalIds: Record<string, string>;

beforeAll(() => {
  const stack = new Stack(new App(), 'OnboardingTest');
  const fns = Object.fromEntries(
    STEP_KEYS.map((key) => [
      key,
      new lambda.Function(stack, `${key}Fn`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      }),
    ]),
  ) as unknown as OnboardingStepFunctions;
  new sfn.StateMachine(stack, 'Sm', {
    definitionBody: sfn.DefinitionBody.fromChainable(onboardingDefinition(stack, fns)),
  });
  // CDK's CloudFormation validation runs in the cdk-nag test; here it would cost seconds.
  const template = withoutCfnValidation(() => Template.fromStack(stack));
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  asl = JSON.parse(resolveJoin(machines[0]?.Properties.DefinitionString)) as Asl;
  functionLogicalIds = Object.fromEntries(
    STEP_KEYS.map((key) => [key, stack.getLogicalId(fns[key].node.defaultChild as lambda.CfnFunction)]),
  );
});

function state(name: string): AslState {
  const found = asl.States[name];
  if (!found) throw new Error(`No state ${name}; states: ${Object.keys(asl.States).join(', ')}`);
  return found;
}

const taskNames = () =>
  Object.entries(asl.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([name]) => name);

describe('onboarding state machine definition', () => {
  it('starts at ValidateRegistration and stores its plan where RouteByTier reads it', () => {
    expect(asl.StartAt).toBe(S.validate);
    expect(state(S.validate).ResultPath).toBe('$.plan');
    expect(state(S.validate).Next).toBe(S.routeByTier);
  });

  it('routes silo tenants on $.plan.deploymentModel and everyone else to the pool branch', () => {
    const route = state(S.routeByTier);

    expect(route.Type).toBe('Choice');
    expect(route.Choices).toEqual([
      { Variable: '$.plan.deploymentModel', StringEquals: 'silo', Next: S.siloNotAvailable },
    ]);
    expect(state(S.siloNotAvailable).Type).toBe('Fail');
    expect(route.Default).toBe(S.storeTenant);
  });

  it('runs the pool branch in order and ends in TenantOnboarded, within 15 state transitions', () => {
    const visited: string[] = [asl.StartAt];
    let current = state(asl.StartAt);
    while (current.Type !== 'Succeed' && current.Type !== 'Fail' && visited.length < 50) {
      const next = current.Type === 'Choice' ? current.Default : current.Next;
      if (!next) throw new Error(`State ${visited.at(-1)} has no next state`);
      visited.push(next);
      current = state(next);
    }

    expect(visited).toEqual(POOL_PATH);
    expect(state(S.succeeded).Type).toBe('Succeed');
    expect(visited.length - 1).toBeLessThanOrEqual(15);
  });

  it('invokes each step through its own function', () => {
    const resources = Object.fromEntries(taskNames().map((name) => [name, state(name).Resource]));

    expect(resources).toEqual({
      [S.validate]: `GetAtt:${functionLogicalIds.validate}.Arn`,
      [S.storeTenant]: `GetAtt:${functionLogicalIds.storeTenant}.Arn`,
      [S.createTenantAdmin]: `GetAtt:${functionLogicalIds.createTenantAdmin}.Arn`,
      [S.createApiKey]: `GetAtt:${functionLogicalIds.createApiKey}.Arn`,
      [S.writeStackMapping]: `GetAtt:${functionLogicalIds.writeStackMapping}.Arn`,
      [S.sendWelcome]: `GetAtt:${functionLogicalIds.sendWelcome}.Arn`,
      [S.activateTenant]: `GetAtt:${functionLogicalIds.activateTenant}.Arn`,
    });
  });

  it('retries TransientStepError on every task with exponential backoff, a delay cap and full jitter', () => {
    expect(taskNames()).toHaveLength(7);
    for (const name of taskNames()) {
      const transient = state(name).Retry?.find((retry) => retry.ErrorEquals.includes('TransientStepError'));
      expect(transient, name).toMatchObject({
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 3,
        JitterStrategy: 'FULL',
      });
      expect(transient?.MaxDelaySeconds, name).toBeGreaterThan(0);
    }
  });

  it('does not retry permanent errors', () => {
    for (const name of taskNames()) {
      const retried = (state(name).Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      expect(retried, name).not.toContain('States.ALL');
      expect(retried, name).not.toContain('InvalidRegistrationError');
    }
  });

  it('catches nothing, so an error fails the execution at its step and a redrive resumes there', () => {
    for (const name of taskNames()) expect(state(name).Catch, name).toBeUndefined();
    expect(Object.values(asl.States).filter((s) => s.Type === 'Fail').map((s) => s)).toHaveLength(1);
    expect(state(S.siloNotAvailable).Type).toBe('Fail');
  });

  it('is written in JSONPath (the local interpreter ignores JSONata)', () => {
    expect([undefined, 'JSONPath']).toContain(asl.QueryLanguage);
    for (const [name, s] of Object.entries(asl.States))
      expect([undefined, 'JSONPath'], name).toContain(s.QueryLanguage);
  });

  it('uses exactly the shared state names', () => {
    expect(Object.keys(asl.States).sort()).toEqual(Object.values(S).sort());
  });
});
