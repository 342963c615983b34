import { describe, expect, it } from 'vitest';
import {
  aslToGraph,
  describeChoiceRule,
  END,
  type ExecutionEvent,
  START,
  stateStatuses,
} from '../src/operator/graph/asl-graph';

const DEFINITION = {
  StartAt: 'Validate',
  States: {
    Validate: {
      Type: 'Task',
      Resource: 'arn',
      Next: 'Route',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' }],
    },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.deploymentModel', StringEquals: 'silo', Next: 'Silo' }],
      Default: 'Store',
    },
    Store: {
      Type: 'Task',
      Resource: 'arn',
      Next: 'Done',
      Catch: [{ ErrorEquals: ['TransientStepError', 'States.Timeout'], Next: 'RecordFailure' }],
    },
    Silo: { Type: 'Fail', Error: 'SiloNotAvailable' },
    RecordFailure: { Type: 'Task', Resource: 'arn', Next: 'Failed' },
    Failed: { Type: 'Fail' },
    Done: { Type: 'Succeed' },
  },
};

let id = 0;
const ev = (type: string, stateName?: string, extra: Partial<ExecutionEvent> = {}): ExecutionEvent => ({
  id: ++id,
  type,
  timestamp: '2026-01-01T00:00:00Z',
  stateName,
  ...extra,
});

describe('ASL → graph', () => {
  it('has a node per state plus Start and End, and an edge for StartAt, Next and every terminal state', () => {
    const graph = aslToGraph(DEFINITION);

    expect(graph.nodes.map((n) => n.id)).toEqual([
      START,
      'Validate',
      'Route',
      'Store',
      'Silo',
      'RecordFailure',
      'Failed',
      'Done',
      END,
    ]);
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: START, target: 'Validate', kind: 'next' }));
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: 'Store', target: 'Done', kind: 'next' }));
    expect(
      graph.edges
        .filter((e) => e.target === END)
        .map((e) => e.source)
        .sort(),
    ).toEqual(['Done', 'Failed', 'Silo']);
  });

  it('labels Choice branches with their rule and the default branch', () => {
    const graph = aslToGraph(DEFINITION);

    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        source: 'Route',
        target: 'Silo',
        kind: 'choice',
        label: '$.plan.deploymentModel == "silo"',
      }),
    );
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ source: 'Route', target: 'Store', kind: 'default', label: 'Default' }),
    );
  });

  it('labels Catch edges with the errors they catch', () => {
    const catches = aslToGraph(DEFINITION).edges.filter((e) => e.kind === 'catch');

    expect(catches).toEqual([
      expect.objectContaining({ source: 'Validate', target: 'RecordFailure', label: 'Catch: States.ALL' }),
      expect.objectContaining({
        source: 'Store',
        target: 'RecordFailure',
        label: 'Catch: TransientStepError, States.Timeout',
      }),
    ]);
  });

  it('accepts the definition as a JSON string and rejects one without States', () => {
    expect(aslToGraph(JSON.stringify(DEFINITION)).nodes).toHaveLength(9);
    expect(() => aslToGraph({ StartAt: 'X' })).toThrow('no States');
  });

  it('describes compound and path rules in words', () => {
    expect(
      describeChoiceRule({
        And: [{ Variable: '$.a', NumericGreaterThan: 3 }, { Not: { Variable: '$.b', BooleanEquals: true } }],
      }),
    ).toBe('$.a > 3 and not ($.b == true)');
    expect(describeChoiceRule({ Variable: '$.a', StringEqualsPath: '$.b' })).toBe('$.a == $.b');
    expect(describeChoiceRule({ Variable: '$.x', IsPresent: false })).toBe('$.x is absent');
  });
});

describe('state statuses from the history', () => {
  it('marks succeeded states, and the state whose failure ended the execution as failed', () => {
    const statuses = stateStatuses([
      ev('ExecutionStarted'),
      ev('TaskStateEntered', 'Validate'),
      ev('TaskScheduled', 'Validate'),
      ev('TaskSucceeded', 'Validate'),
      ev('TaskStateExited', 'Validate'),
      ev('ChoiceStateEntered', 'Route'),
      ev('ChoiceStateExited', 'Route'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskScheduled', 'Store'),
      ev('TaskFailed', undefined, { error: 'Boom' }),
      ev('ExecutionFailed', undefined, { error: 'Boom' }),
    ]);

    expect(Object.fromEntries(statuses)).toEqual({ Validate: 'succeeded', Route: 'succeeded', Store: 'failed' });
  });

  it('shows a retried step that then succeeded as succeeded, and a caught failure as caught', () => {
    const statuses = stateStatuses([
      ev('TaskStateEntered', 'Validate'),
      ev('TaskScheduled'),
      ev('TaskFailed', undefined, { error: 'TransientStepError' }),
      ev('TaskScheduled'),
      ev('TaskSucceeded'),
      ev('TaskStateExited', 'Validate'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskScheduled'),
      ev('TaskFailed', undefined, { error: 'Boom' }),
      ev('TaskStateExited', 'Store'),
      ev('TaskStateEntered', 'RecordFailure'),
      ev('TaskStateExited', 'RecordFailure'),
      ev('FailStateEntered', 'Failed'),
      ev('ExecutionFailed'),
    ]);

    expect(statuses.get('Validate')).toBe('succeeded');
    expect(statuses.get('Store')).toBe('caught');
    expect(statuses.get('Failed')).toBe('failed');
  });

  it('after a redrive shows the rerun step with its new outcome and drops the old failure path', () => {
    const statuses = stateStatuses([
      ev('TaskStateEntered', 'Validate'),
      ev('TaskStateExited', 'Validate'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskFailed'),
      ev('TaskStateExited', 'Store'),
      ev('TaskStateEntered', 'RecordFailure'),
      ev('TaskStateExited', 'RecordFailure'),
      ev('FailStateEntered', 'Failed'),
      ev('ExecutionFailed'),
      ev('ExecutionRedriven'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskSucceeded'),
      ev('TaskStateExited', 'Store'),
      ev('SucceedStateEntered', 'Done'),
      ev('SucceedStateExited', 'Done'),
      ev('ExecutionSucceeded'),
    ]);

    expect(Object.fromEntries(statuses)).toEqual({ Validate: 'succeeded', Store: 'succeeded', Done: 'succeeded' });
  });

  it('shows the running state of a stopped execution as stopped', () => {
    const statuses = stateStatuses([ev('TaskStateEntered', 'Validate'), ev('TaskScheduled'), ev('ExecutionAborted')]);

    expect(statuses.get('Validate')).toBe('aborted');
  });
});
