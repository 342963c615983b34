import { describe, expect, it } from 'vitest';
import {
  aslToGraph,
  catchLabel,
  describeChoiceRule,
  END,
  type ExecutionEvent,
  focusState,
  MAX_LABEL_LENGTH,
  type NodeStatus,
  START,
  shortChoiceLabel,
  shortPath,
  stateStatuses,
  takenTransitions,
  transitionKey,
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

  it('labels Choice branches with their rule in short (the whole rule as the title) and the default as otherwise', () => {
    const graph = aslToGraph(DEFINITION);

    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        source: 'Route',
        target: 'Silo',
        kind: 'choice',
        label: 'deploymentModel = silo',
        title: '$.plan.deploymentModel == "silo"',
      }),
    );
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ source: 'Route', target: 'Store', kind: 'default', label: 'otherwise' }),
    );
  });

  it('labels Catch edges with the errors they catch, States.ALL as any error', () => {
    const catches = aslToGraph(DEFINITION).edges.filter((e) => e.kind === 'catch');

    expect(catches).toEqual([
      expect.objectContaining({ source: 'Validate', target: 'RecordFailure', label: 'catch: any error' }),
      expect.objectContaining({
        source: 'Store',
        target: 'RecordFailure',
        label: 'catch: TransientStepError, States.Timeout',
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

describe('short Choice labels', () => {
  it('keep the last field of a path and drop the quotes of a plain string', () => {
    expect(shortPath('$.plan.deploymentModel')).toBe('deploymentModel');
    expect(shortPath('$$.Execution.Input.tier')).toBe('tier');
    expect(shortPath('$')).toBe('$');
    expect(shortChoiceLabel({ Variable: '$.plan.deploymentModel', StringEquals: 'silo', Next: 'X' })).toBe(
      'deploymentModel = silo',
    );
    expect(shortChoiceLabel({ Variable: '$.name', StringEquals: 'two words' })).toBe('name = "two words"');
    expect(shortChoiceLabel({ Variable: '$.name', StringEquals: '' })).toBe('name = ""');
  });

  it('write comparisons, path operands and type tests as a reader would', () => {
    expect(shortChoiceLabel({ Variable: '$.count', NumericGreaterThanEquals: 3 })).toBe('count ≥ 3');
    expect(shortChoiceLabel({ Variable: '$.count', NumericLessThanPath: '$.limits.max' })).toBe('count < max');
    expect(shortChoiceLabel({ Variable: '$.enabled', BooleanEquals: true })).toBe('enabled = true');
    expect(shortChoiceLabel({ Variable: '$.at', TimestampLessThan: '2026-01-01T00:00:00Z' })).toBe(
      'at < 2026-01-01T00:00:00Z',
    );
    expect(shortChoiceLabel({ Variable: '$.name', StringMatches: 'tf-*' })).toBe('name matches "tf-*"');
    expect(shortChoiceLabel({ Variable: '$.stack', IsPresent: false })).toBe('stack is absent');
    expect(shortChoiceLabel({ Variable: '$.stack', IsNull: true })).toBe('stack is null');
    expect(shortChoiceLabel({ Variable: '$.n', IsNumeric: false })).toBe('n is not numeric');
  });

  it('negate a single comparison with its inverse and wrap compound rules', () => {
    expect(shortChoiceLabel({ Not: { Variable: '$.tier', StringEquals: 'BASIC' } })).toBe('tier ≠ BASIC');
    expect(shortChoiceLabel({ Not: { Variable: '$.n', NumericLessThan: 1 } })).toBe('n ≥ 1');
    expect(shortChoiceLabel({ Not: { Variable: '$.stack', IsPresent: true } })).toBe('stack is absent');
    expect(
      shortChoiceLabel({
        And: [
          { Variable: '$.tier', StringEquals: 'PLATINUM' },
          {
            Or: [
              { Variable: '$.a', NumericGreaterThan: 1 },
              { Variable: '$.b', BooleanEquals: false },
            ],
          },
        ],
      }),
    ).toBe('tier = PLATINUM and a > 1 or b = false');
    expect(
      shortChoiceLabel({
        Not: {
          Or: [
            { Variable: '$.a', IsNull: true },
            { Variable: '$.b', IsNull: true },
          ],
        },
      }),
    ).toBe('not (a is null or b is null)');
  });

  it('shorten JSONata conditions to their fields', () => {
    expect(shortChoiceLabel({ Condition: "{% $states.input.plan.deploymentModel = 'silo' %}" })).toBe(
      "deploymentModel = 'silo'",
    );
  });

  it('cut a long rule with an ellipsis at the label length', () => {
    const label = shortChoiceLabel({
      And: ['alpha', 'bravo', 'charlie', 'delta'].map((name) => ({ Variable: `$.${name}`, StringEquals: name })),
    });

    expect(label).toHaveLength(MAX_LABEL_LENGTH);
    expect(label.startsWith('alpha = alpha and bravo = bravo')).toBe(true);
    expect(label.endsWith('…')).toBe(true);
    expect(catchLabel(['States.TaskFailed', 'States.Timeout', 'TransientStepError']).length).toBeLessThanOrEqual(
      MAX_LABEL_LENGTH,
    );
    expect(catchLabel([])).toBe('catch: any error');
  });
});

describe('the state brought into view', () => {
  const graphWith = (statuses: Record<string, NodeStatus>) => aslToGraph(DEFINITION, new Map(Object.entries(statuses)));

  it('is the failed state, before a caught one', () => {
    expect(focusState(graphWith({ Validate: 'succeeded', Store: 'caught', Failed: 'failed' }))).toBe('Failed');
    expect(focusState(graphWith({ Validate: 'caught', RecordFailure: 'succeeded' }))).toBe('Validate');
  });

  it('is the running state of a running execution, and none when everything succeeded', () => {
    expect(focusState(graphWith({ Validate: 'succeeded', Store: 'running' }))).toBe('Store');
    expect(focusState(graphWith({ Validate: 'succeeded', Store: 'succeeded', Done: 'succeeded' }))).toBeUndefined();
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

describe('the path taken', () => {
  const takenEdges = (events: ExecutionEvent[]) =>
    aslToGraph(DEFINITION, stateStatuses(events), takenTransitions(events))
      .edges.filter((e) => e.taken)
      .map((e) => `${e.source}>${e.target}:${e.kind}`);

  it('marks the branch the Choice took and not the other, from Start to End', () => {
    const events = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered', 'Validate'),
      ev('TaskStateExited', 'Validate'),
      ev('ChoiceStateEntered', 'Route'),
      ev('ChoiceStateExited', 'Route'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskStateExited', 'Store'),
      ev('SucceedStateEntered', 'Done'),
      ev('SucceedStateExited', 'Done'),
      ev('ExecutionSucceeded'),
    ];

    expect(takenEdges(events)).toEqual([
      `${START}>Validate:next`,
      'Validate>Route:next',
      'Route>Store:default',
      'Store>Done:next',
      `Done>${END}:next`,
    ]);
  });

  it('follows a caught failure along its Catch edge into the Fail state and to End', () => {
    const events = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered', 'Validate'),
      ev('TaskFailed'),
      ev('TaskStateExited', 'Validate'),
      ev('TaskStateEntered', 'RecordFailure'),
      ev('TaskStateExited', 'RecordFailure'),
      ev('FailStateEntered', 'Failed'),
      ev('ExecutionFailed'),
    ];

    expect(takenEdges(events)).toEqual([
      `${START}>Validate:next`,
      'Validate>RecordFailure:catch',
      'RecordFailure>Failed:next',
      `Failed>${END}:next`,
    ]);
  });

  it('pairs states inside a Parallel branch only among themselves', () => {
    const taken = takenTransitions([
      ev('ExecutionStarted'),
      ev('ParallelStateEntered', 'Both'),
      ev('TaskStateEntered', 'Left'),
      ev('TaskStateExited', 'Left'),
      ev('ParallelStateExited', 'Both'),
      ev('TaskStateEntered', 'After'),
    ]);

    expect([...taken]).toEqual([transitionKey(START, 'Both'), transitionKey('Both', 'After')]);
  });

  it('after a redrive no longer marks the failure path the rerun left behind', () => {
    const events = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskFailed'),
      ev('TaskStateExited', 'Store'),
      ev('TaskStateEntered', 'RecordFailure'),
      ev('TaskStateExited', 'RecordFailure'),
      ev('FailStateEntered', 'Failed'),
      ev('ExecutionFailed'),
      ev('ExecutionRedriven'),
      ev('TaskStateEntered', 'Store'),
      ev('TaskStateExited', 'Store'),
      ev('SucceedStateEntered', 'Done'),
      ev('SucceedStateExited', 'Done'),
      ev('ExecutionSucceeded'),
    ];

    expect(takenEdges(events)).toEqual(['Store>Done:next', `Done>${END}:next`]);
  });
});
