import { describe, expect, it } from 'vitest';
import type { LocalPipelineModel } from '../deployer/resource-handlers';
import { PipelineError, resolveVariables } from './actions';

const PIPELINE: LocalPipelineModel = {
  name: 'tenant-pipeline',
  executionMode: 'PARALLEL',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:fan-out',
  variables: [{ name: 'tenantId', defaultValue: 'ALL' }, { name: 'note' }],
};

describe('resolveVariables', () => {
  it('takes the given values, the declared defaults, and "" without one', () => {
    expect(resolveVariables(PIPELINE, {})).toEqual([
      { name: 'tenantId', resolvedValue: 'ALL' },
      { name: 'note', resolvedValue: '' },
    ]);
    expect(resolveVariables(PIPELINE, { variables: [{ name: 'tenantId', value: 't-1' }] })).toEqual([
      { name: 'tenantId', resolvedValue: 't-1' },
      { name: 'note', resolvedValue: '' },
    ]);
  });

  it('refuses an undeclared variable with ValidationException', () => {
    const refused = () => resolveVariables(PIPELINE, { variables: [{ name: 'other', value: 'x' }] });

    expect(refused).toThrow(PipelineError);
    expect(refused).toThrow('Variable other is not declared in pipeline tenant-pipeline');
  });
});
