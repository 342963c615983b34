/**
 * Renders the release fan-out definition in a small stack with inline-code Lambda fakes (no
 * bundling) and returns the synthesized Amazon States Language document.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { type DeployFanOutFunctions, deployFanOutDefinition } from '../../../workflows/deploy-fanout';
import { withoutCfnValidation } from './synth';

export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly Record<string, unknown>[];
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly ResultPath?: string | null;
  readonly ItemsPath?: string;
  readonly ItemSelector?: Record<string, unknown>;
  readonly MaxConcurrency?: number;
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailurePercentage?: number;
  readonly SecondsPath?: string;
  readonly Error?: string;
  readonly CausePath?: string;
  readonly ItemProcessor?: Asl & { ProcessorConfig?: { Mode?: string; ExecutionType?: string } };
  readonly Retry?: readonly { ErrorEquals: string[]; MaxAttempts?: number }[];
  readonly Catch?: readonly { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}

export interface Asl {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** Joins the Fn::Join parts, replacing each intrinsic with a quote-free placeholder. */
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
      if (ref) return ref.startsWith('AWS::') ? 'aws' : `Ref:${ref}`;
      throw new Error(`Unexpected intrinsic in definition: ${JSON.stringify(part)}`);
    })
    .join(separator);
}

/** Synthesizes the fan-out and returns its ASL, plus the template for IAM assertions. */
export function renderFanOut(toleratedFailurePercentage?: number): { asl: Asl; template: Template } {
  const stack = new Stack(new App(), 'FanOutTest');
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
  const functions: DeployFanOutFunctions = {
    planRelease: fn('PlanFn'),
    recordDeployment: fn('RecordFn'),
    assessWave: fn('AssessFn'),
    summarizeRelease: fn('SummarizeFn'),
  };
  const cloudFormationRole = new iam.Role(stack, 'CfnRole', {
    assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
  });
  new sfn.StateMachine(stack, 'Sm', {
    definitionBody: sfn.DefinitionBody.fromChainable(
      deployFanOutDefinition(stack, { functions, toleratedFailurePercentage, cloudFormationRole }),
    ),
  });
  const template = withoutCfnValidation(() => Template.fromStack(stack));
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const asl = JSON.parse(resolveJoin(machines[0]?.Properties.DefinitionString)) as Asl;
  return { asl, template };
}

/** Every state of the definition, Map item processors included, by name. */
export function allStates(asl: Asl): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const visit = (machine: Asl) => {
    for (const [name, state] of Object.entries(machine.States)) {
      found.set(name, state);
      if (state.ItemProcessor) visit(state.ItemProcessor);
    }
  };
  visit(asl);
  return found;
}
