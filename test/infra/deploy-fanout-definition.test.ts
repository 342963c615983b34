/**
 * State JSON tests of the release fan-out: the synthesized definition read back as the ASL that
 * Step Functions and the local cloud both run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RELEASE_STOPPED_ERROR,
  FANOUT_STATES as S,
  TENANT_STACK_DEPLOY_FAILED_ERROR,
} from '../../functions/pipeline/fanout-states';
import { CLOUDFORMATION_EXCEPTION, TENANT_STACK_CAPABILITIES } from '../../workflows/deploy-fanout';
import { type Asl, type AslState, allStates, renderFanOut } from '../support/infra/fanout-asl';

let asl: Asl;
let states: Map<string, AslState>;
let policy: string;

beforeAll(() => {
  const rendered = renderFanOut(25);
  asl = rendered.asl;
  states = allStates(asl);
  policy = JSON.stringify(rendered.template.findResources('AWS::IAM::Policy'));
});

function state(name: string): AslState {
  const found = states.get(name);
  if (!found) throw new Error(`No state ${name}; states: ${[...states.keys()].join(', ')}`);
  return found;
}

const catchTo = (name: string, error: string) => state(name).Catch?.find((c) => c.ErrorEquals.includes(error));
const inner = catchTo;

describe('release fan-out definition', () => {
  it('plans first, then deploys the waves one after the other in a loop, then summarizes', () => {
    expect(asl.StartAt).toBe(S.planRelease);
    expect(state(S.planRelease)).toMatchObject({ Type: 'Task', Next: S.hasNextWave });
    expect(state(S.planRelease).ResultPath).toBeUndefined();
    expect(state(S.hasNextWave)).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.progress.more', BooleanEquals: true, Next: S.deployWaveTenants }],
      Default: S.summarizeRelease,
    });
    expect(state(S.deployWaveTenants).Next).toBe(S.assessWave);
    expect(state(S.assessWave)).toMatchObject({ ResultPath: '$.progress', Next: S.hasNextWave });
  });

  it("deploys a wave's tenants with MaxConcurrency = waveSize and the configured ToleratedFailurePercentage", () => {
    const inner = state(S.deployWaveTenants);

    expect(inner).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.progress.tenants',
      MaxConcurrencyPath: '$.plan.release.waveSize',
      ToleratedFailurePercentage: 25,
      ItemSelector: { 'tenant.$': '$$.Map.Item.Value', 'release.$': '$.plan.release' },
      ResultPath: '$.waveResults',
    });
    // ToleratedFailurePercentage is a Distributed Map field; child executions are Standard (deploys outlast Express' 5 minutes).
    expect(inner.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(state(S.assessWave).Parameters).toMatchObject({
      toleratedFailurePercentage: 25,
      'waveResults.$': '$.waveResults',
    });
  });

  it('stops the release with ReleaseStoppedError, its Cause the summary, when too many failed or the wave Map failed', () => {
    expect(inner(S.deployWaveTenants, 'States.ALL')).toEqual({
      ErrorEquals: ['States.ALL'],
      ResultPath: '$.stopped',
      Next: S.summarizeRelease,
    });
    expect(state(S.summarizeRelease).Next).toBe(S.releaseOutcome);
    expect(state(S.releaseOutcome).Choices).toEqual([
      { Variable: '$.stopped', IsPresent: true, Next: S.releaseStopped },
    ]);
    expect(state(S.releaseStopped)).toMatchObject({ Type: 'Fail', Error: RELEASE_STOPPED_ERROR, CausePath: '$.cause' });
    expect(state(S.releaseOutcome).Default).toBe(S.releaseDone);
  });

  it('uses CloudFormation AWS SDK integrations for every stack operation', () => {
    const sdk = (name: string) => state(name).Resource?.replace(/^arn:[^:]+:/, 'arn:aws:');

    expect(sdk(S.describeStack)).toBe('arn:aws:states:::aws-sdk:cloudformation:describeStacks');
    expect(sdk(S.pollStack)).toBe('arn:aws:states:::aws-sdk:cloudformation:describeStacks');
    expect(sdk(S.pollDeletion)).toBe('arn:aws:states:::aws-sdk:cloudformation:describeStacks');
    expect(sdk(S.createStack)).toBe('arn:aws:states:::aws-sdk:cloudformation:createStack');
    expect(sdk(S.updateStack)).toBe('arn:aws:states:::aws-sdk:cloudformation:updateStack');
    expect(sdk(S.deleteRolledBackStack)).toBe('arn:aws:states:::aws-sdk:cloudformation:deleteStack');
  });

  it("creates and updates the tenant's stack by name, with its parameters, the release template and the IAM capabilities", () => {
    for (const name of [S.createStack, S.updateStack]) {
      expect(state(name).Parameters, name).toMatchObject({
        'StackName.$': '$.tenant.stackName',
        'TemplateURL.$': '$.release.templateUrl',
        'Parameters.$': '$.tenant.parameters',
        Capabilities: [...TENANT_STACK_CAPABILITIES],
        RoleARN: expect.stringContaining('GetAtt:CfnRole'),
      });
      expect(state(name).Next).toBe(S.waitForStack);
    }
  });

  it('creates the stack when describeStacks says it does not exist', () => {
    expect(catchTo(S.describeStack, CLOUDFORMATION_EXCEPTION)).toMatchObject({
      Next: S.stackMissing,
      ResultPath: '$.lastError',
    });
    expect(state(S.stackMissing)).toMatchObject({
      Choices: [{ Variable: '$.lastError.Cause', StringMatches: '*does not exist*', Next: S.createStack }],
      Default: S.recordFailed,
    });
  });

  it('treats "No updates are to be performed." as an unchanged tenant, and any other update error as a failure', () => {
    const catches = state(S.updateStack).Catch ?? [];

    expect(catches.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [[CLOUDFORMATION_EXCEPTION], S.noUpdates],
      [['States.ALL'], S.recordFailed],
    ]);
    expect(state(S.noUpdates)).toMatchObject({
      Choices: [
        { Variable: '$.lastError.Cause', StringMatches: '*No updates are to be performed*', Next: S.recordUnchanged },
        // A parallel pipeline run is deploying the stack: wait for it instead of failing the tenant.
        {
          Variable: '$.lastError.Cause',
          StringMatches: '*_IN_PROGRESS state and can not be updated*',
          Next: S.waitForIdleStack,
        },
      ],
      Default: S.recordFailed,
    });
    expect((state(S.createStack).Catch ?? []).map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['CloudFormation.AlreadyExistsException'], S.waitForIdleStack],
      [['States.ALL'], S.recordFailed],
    ]);
    expect(state(S.recordUnchanged).Parameters).toMatchObject({ outcome: 'unchanged' });
  });

  it('deletes a stack in ROLLBACK_COMPLETE by id, waits for DELETE_COMPLETE, then creates it', () => {
    const route = state(S.routeByStackStatus);
    expect(route.Choices?.[0]).toEqual({
      Variable: '$.describe.Stacks[0].StackStatus',
      StringEquals: 'ROLLBACK_COMPLETE',
      Next: S.deleteRolledBackStack,
    });
    expect(route.Default).toBe(S.updateStack);
    expect(state(S.deleteRolledBackStack).Parameters).toMatchObject({ 'StackName.$': '$.describe.Stacks[0].StackId' });
    expect(state(S.deleteRolledBackStack).Next).toBe(S.waitForDeletion);
    expect(state(S.waitForDeletion)).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.release.pollSeconds',
      Next: S.pollDeletion,
    });
    expect(state(S.pollDeletion).Parameters).toEqual({ 'StackName.$': '$.describe.Stacks[0].StackId' });
    expect(state(S.deletionSettled).Choices).toEqual([
      { Variable: '$.describe.Stacks[0].StackStatus', StringEquals: 'DELETE_COMPLETE', Next: S.createStack },
      { Variable: '$.describe.Stacks[0].StackStatus', StringEquals: 'DELETE_IN_PROGRESS', Next: S.waitForDeletion },
    ]);
    expect(state(S.deletionSettled).Default).toBe(S.stackFailed);
  });

  it('polls the stack with a Wait(SecondsPath $.release.pollSeconds) loop until it settles', () => {
    expect(state(S.waitForStack)).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.release.pollSeconds',
      Next: S.pollStack,
    });
    expect(state(S.pollStack).Next).toBe(S.stackSettled);
    const settled = state(S.stackSettled);
    expect(settled.Choices?.[0]).toEqual({
      Variable: '$.describe.Stacks[0].StackStatus',
      StringMatches: '*_IN_PROGRESS',
      Next: S.waitForStack,
    });
    expect(settled.Choices?.[1]).toMatchObject({ Next: S.recordDeployed });
    expect(JSON.stringify(settled.Choices?.[1])).toContain('CREATE_COMPLETE');
    expect(JSON.stringify(settled.Choices?.[1])).toContain('UPDATE_COMPLETE');
    // *_FAILED, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... after our call: a failure with the stack's reason.
    expect(settled.Default).toBe(S.stackFailed);
    expect(state(S.stackFailed)).toMatchObject({
      Type: 'Pass',
      Parameters: { Error: TENANT_STACK_DEPLOY_FAILED_ERROR, 'stack.$': '$.describe.Stacks[0]' },
      ResultPath: '$.lastError',
      Next: S.recordFailed,
    });
  });

  it('records every failure of a stack operation instead of failing the tenant', () => {
    for (const name of [
      S.describeStack,
      S.createStack,
      S.updateStack,
      S.deleteRolledBackStack,
      S.pollStack,
      S.pollDeletion,
    ]) {
      expect(catchTo(name, 'States.ALL'), name).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.lastError',
        Next: S.recordFailed,
      });
    }
    for (const name of [S.recordDeployed, S.recordUnchanged, S.recordFailed]) {
      expect(state(name).End, name).toBe(true);
      expect(state(name).Retry?.[0]?.ErrorEquals, name).toContain('TransientStepError');
    }
  });

  it('is written in JSONPath only (the local interpreter ignores JSONata)', () => {
    expect(JSON.stringify(asl)).not.toMatch(/QueryLanguage|JSONata|"Assign"|\{%/);
  });

  it("lets the state machine's role touch only tenantflow-silo-* stacks and pass only the CloudFormation role", () => {
    for (const action of ['DescribeStacks', 'CreateStack', 'UpdateStack', 'DeleteStack']) {
      expect(policy).toContain(`"cloudformation:${action}"`);
    }
    expect(policy).toContain(':stack/tenantflow-silo-*/*');
    expect(policy).not.toMatch(/cloudformation:\*|"Action":"\*"/);
    expect(policy).toContain('"iam:PassedToService":"cloudformation.amazonaws.com"');
  });
});
