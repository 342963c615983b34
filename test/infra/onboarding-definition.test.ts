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
import { ONBOARDING_STATES as S } from '../../contracts/onboarding-states';
import {
  type OnboardingDefinitionProps,
  type OnboardingStepFunctions,
  onboardingDefinition,
} from '../../workflows/onboarding';
import { withoutCfnValidation } from '../support/infra/synth';

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
  'deployTenantStack',
  'requestApproval',
  'closeRejectedRegistration',
] as const satisfies readonly (keyof OnboardingStepFunctions)[];

const POOL_PATH = [
  S.validate,
  S.storeTenant,
  S.needsApproval,
  S.routeByTier,
  S.createTenantAdmin,
  S.writeStackMapping,
  S.needsTenantStack,
  S.createApiKey,
  S.sendWelcome,
  S.activateTenant,
  S.succeeded,
];

const SILO_PATH = [
  S.validate,
  S.storeTenant,
  S.needsApproval,
  S.awaitApproval,
  S.routeByTier,
  S.createTenantUserPool,
  S.createTenantAppClient,
  S.createTenantAdmin,
  S.writeStackMapping,
  S.needsTenantStack,
  S.deployTenantStack,
  S.createApiKey,
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

/** The ASL the definition renders to, with inline fakes for the step functions. */
function render(props: OnboardingDefinitionProps = {}): { asl: Asl; functionLogicalIds: Record<string, string> } {
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
    definitionBody: sfn.DefinitionBody.fromChainable(onboardingDefinition(stack, fns, props)),
  });
  // CDK's CloudFormation validation runs in the cdk-nag test; here it would cost seconds.
  const template = withoutCfnValidation(() => Template.fromStack(stack));
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  return {
    asl: JSON.parse(resolveJoin(machines[0]?.Properties.DefinitionString)) as Asl,
    functionLogicalIds: Object.fromEntries(
      STEP_KEYS.map((key) => [key, stack.getLogicalId(fns[key].node.defaultChild as lambda.CfnFunction)]),
    ),
  };
}

beforeAll(() => {
  ({ asl, functionLogicalIds } = render());
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

/** Follows the definition from StartAt, taking the silo branch of Choices when `silo`. */
function walk(silo: boolean): string[] {
  const visited: string[] = [asl.StartAt];
  let current = state(asl.StartAt);
  while (current.Type !== 'Succeed' && current.Type !== 'Fail' && visited.length < 50) {
    const next = current.Type === 'Choice' ? (silo ? current.Choices?.[0]?.Next : current.Default) : current.Next;
    if (!next) throw new Error(`State ${visited.at(-1)} has no next state`);
    visited.push(next);
    current = state(next);
  }
  return visited;
}

describe('onboarding state machine definition', () => {
  it('validates, stores the tenant, then routes on the plan ValidateRegistration stored', () => {
    expect(asl.StartAt).toBe(S.validate);
    expect(state(S.validate).ResultPath).toBe('$.plan');
    expect(state(S.validate).Next).toBe(S.storeTenant);
    expect(state(S.storeTenant).Next).toBe(S.needsApproval);
  });

  it('sends PLATINUM (the default approval tier) to wait for an operator before anything is created', () => {
    expect(state(S.needsApproval).Choices).toEqual([
      { Variable: '$.tier', StringEquals: 'PLATINUM', Next: S.awaitApproval },
    ]);
    expect(state(S.needsApproval).Default).toBe(S.routeByTier);
    expect(state(S.awaitApproval).Next).toBe(S.routeByTier);
  });

  it('waits for the approval with a task token and a 7-day timeout, and records the execution and kind', () => {
    const wait = state(S.awaitApproval) as AslState & {
      TimeoutSeconds?: number;
      Parameters: { Payload: Record<string, string> };
    };

    expect(wait.Resource).toBe('arn:Ref:AWS::Partition:states:::lambda:invoke.waitForTaskToken');
    expect(wait.Parameters.Payload).toMatchObject({
      'taskToken.$': '$$.Task.Token',
      'executionId.$': '$$.Execution.Name',
      kind: 'onboarding',
    });
    expect(wait.TimeoutSeconds).toBe(7 * 86_400);
  });

  it('ends a rejected or timed-out approval through CloseRejectedRegistration in a Fail state, nothing else created', () => {
    expect(state(S.awaitApproval).Catch).toEqual([
      { ErrorEquals: ['ApprovalRejected', 'States.Timeout'], ResultPath: '$.rejection', Next: S.closeRejected },
    ]);
    expect(state(S.closeRejected).Next).toBe(S.rejected);
    expect(state(S.rejected)).toMatchObject({ Type: 'Fail', Error: 'RegistrationRejected' });
  });

  it('asks for approval of every tier of context approvalTiers, and of none when it is empty', () => {
    const two = render({ approvalTiers: ['PREMIUM', 'PLATINUM'] }).asl.States[S.needsApproval] as AslState & {
      Choices: { Or: { Variable: string; StringEquals: string }[] }[];
    };
    const none = render({ approvalTiers: [] }).asl;

    expect(two.Choices[0]?.Or.map((condition) => condition.StringEquals)).toEqual(['PREMIUM', 'PLATINUM']);
    expect(none.States[S.validate]?.Next).toBe(S.storeTenant);
    expect(none.States[S.storeTenant]?.Next).toBe(S.routeByTier);
    expect(Object.keys(none.States)).not.toContain(S.awaitApproval);
  });

  it('routes silo tenants on $.plan.deploymentModel to their own user pool, everyone else to the tenant admin', () => {
    for (const choice of [S.routeByTier, S.needsTenantStack]) {
      expect(state(choice).Type).toBe('Choice');
      expect(state(choice).Choices?.[0]).toMatchObject({ Variable: '$.plan.deploymentModel', StringEquals: 'silo' });
    }
    expect(state(S.routeByTier).Choices?.[0]?.Next).toBe(S.createTenantUserPool);
    expect(state(S.routeByTier).Default).toBe(S.createTenantAdmin);
    expect(state(S.needsTenantStack).Choices?.[0]?.Next).toBe(S.deployTenantStack);
    expect(state(S.needsTenantStack).Default).toBe(S.createApiKey);
  });

  it('runs the pool path in order within 15 state transitions', () => {
    const path = walk(false);

    expect(path).toEqual(POOL_PATH);
    expect(path.length - 1).toBeLessThanOrEqual(15);
  });

  it('runs the silo path through its own pool, app client and stack deployment', () => {
    expect(walk(true)).toEqual(SILO_PATH);
  });

  it('creates the silo user pool and app client with Cognito SDK integrations, the client unable to write tenant or role', () => {
    expect(state(S.createTenantUserPool).Resource).toBe(
      'arn:Ref:AWS::Partition:states:::aws-sdk:cognitoidentityprovider:createUserPool',
    );
    expect(state(S.createTenantAppClient).Resource).toBe(
      'arn:Ref:AWS::Partition:states:::aws-sdk:cognitoidentityprovider:createUserPoolClient',
    );
    const client = state(S.createTenantAppClient) as AslState & {
      Parameters: { WriteAttributes: string[]; ReadAttributes: string[] };
    };
    expect(client.Parameters.WriteAttributes).toEqual(['email']);
    expect(client.Parameters.ReadAttributes).toEqual(expect.arrayContaining(['custom:tenantId', 'custom:userRole']));
  });

  it('waits for the tenant stack with a task token and a timeout', () => {
    const deploy = state(S.deployTenantStack) as AslState & {
      TimeoutSeconds?: number;
      Parameters: { Payload: Record<string, string> };
    };

    expect(deploy.Resource).toBe('arn:Ref:AWS::Partition:states:::lambda:invoke.waitForTaskToken');
    expect(deploy.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(deploy.TimeoutSeconds).toBeGreaterThan(0);
    expect(deploy.ResultPath).toBe('$.stack');
  });

  it('invokes each Lambda step through its own function', () => {
    const lambdaTasks = taskNames().filter(
      (name) =>
        !String(state(name).Resource).includes(':aws-sdk:') && name !== S.deployTenantStack && name !== S.awaitApproval,
    );
    const resources = Object.fromEntries(lambdaTasks.map((name) => [name, state(name).Resource]));

    expect(resources).toEqual({
      [S.validate]: `GetAtt:${functionLogicalIds.validate}.Arn`,
      [S.storeTenant]: `GetAtt:${functionLogicalIds.storeTenant}.Arn`,
      [S.createTenantAdmin]: `GetAtt:${functionLogicalIds.createTenantAdmin}.Arn`,
      [S.createApiKey]: `GetAtt:${functionLogicalIds.createApiKey}.Arn`,
      [S.writeStackMapping]: `GetAtt:${functionLogicalIds.writeStackMapping}.Arn`,
      [S.sendWelcome]: `GetAtt:${functionLogicalIds.sendWelcome}.Arn`,
      [S.activateTenant]: `GetAtt:${functionLogicalIds.activateTenant}.Arn`,
      [S.closeRejected]: `GetAtt:${functionLogicalIds.closeRejectedRegistration}.Arn`,
    });
  });

  it('retries TransientStepError on every Lambda task with exponential backoff, a delay cap and full jitter', () => {
    const lambdaTasks = taskNames().filter((name) => !String(state(name).Resource).includes(':aws-sdk:'));
    expect(lambdaTasks).toHaveLength(10);
    for (const name of lambdaTasks) {
      const transient = state(name).Retry?.find((retry) => retry.ErrorEquals.includes('TransientStepError'));
      expect(transient, name).toMatchObject({
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 3,
        JitterStrategy: 'FULL',
      });
    }
  });

  it('retries a Lambda step that timed out (Sandbox.Timedout), but never a task timeout (States.Timeout)', () => {
    for (const name of taskNames().filter((task) => !String(state(task).Resource).includes(':aws-sdk:'))) {
      const retried = (state(name).Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      expect(retried, name).toContain('Sandbox.Timedout');
      expect(retried, name).not.toContain('States.Timeout');
    }
  });

  it('does not retry permanent errors', () => {
    expect(taskNames().length).toBeGreaterThan(0);
    for (const name of taskNames()) {
      const retried = (state(name).Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      expect(retried, name).not.toContain('States.ALL');
      expect(retried, name).not.toContain('InvalidRegistrationError');
    }
  });

  it('catches nothing but a refused approval, so an error fails the execution at its step and a redrive resumes there', () => {
    const catching = taskNames().filter((name) => state(name).Catch !== undefined);
    expect(catching).toEqual([S.awaitApproval]);
    expect(
      Object.entries(asl.States)
        .filter(([, s]) => s.Type === 'Fail')
        .map(([name]) => name),
    ).toEqual([S.rejected]);
  });

  it('is written in JSONPath (the local interpreter ignores JSONata)', () => {
    expect([undefined, 'JSONPath']).toContain(asl.QueryLanguage);
    expect(Object.keys(asl.States).length).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(asl.States))
      expect([undefined, 'JSONPath'], name).toContain(s.QueryLanguage);
  });

  it('uses exactly the shared state names', () => {
    expect(Object.keys(asl.States).sort()).toEqual(Object.values(S).sort());
  });
});
