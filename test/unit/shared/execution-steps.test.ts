import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { stepsFromHistory } from '../../../functions/shared/execution-steps';

/** Builds a history one event per call; timestamps advance one second per event. */
function history() {
  const events: HistoryEvent[] = [];
  const push = (type: HistoryEventType, extra: Partial<HistoryEvent> = {}) => {
    events.push({
      id: events.length + 1,
      type,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, events.length)),
      ...extra,
    });
  };
  const api = {
    events,
    entered(name: string) {
      push('TaskStateEntered', { stateEnteredEventDetails: { name } });
      return api;
    },
    succeeded() {
      push('LambdaFunctionScheduled');
      push('LambdaFunctionSucceeded');
      return api;
    },
    failed(error: string, cause?: string) {
      push('LambdaFunctionScheduled');
      push('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } });
      return api;
    },
    exited(name: string) {
      push('TaskStateExited', { stateExitedEventDetails: { name } });
      return api;
    },
    event(type: HistoryEventType, extra: Partial<HistoryEvent> = {}) {
      push(type, extra);
      return api;
    },
  };
  return api;
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

describe('stepsFromHistory', () => {
  it('lists each task state once, in order, with its outcome and times', () => {
    const { events } = history()
      .event('ExecutionStarted')
      .entered('ValidateRegistration')
      .succeeded()
      .exited('ValidateRegistration')
      .event('ChoiceStateEntered', { stateEnteredEventDetails: { name: 'RouteByTier' } })
      .event('ChoiceStateExited', { stateExitedEventDetails: { name: 'RouteByTier' } })
      .entered('StoreTenant')
      .succeeded()
      .exited('StoreTenant');

    expect(stepsFromHistory(events)).toEqual([
      { name: 'ValidateRegistration', status: 'SUCCEEDED', startedAt: at(1), endedAt: at(4), error: undefined },
      { name: 'StoreTenant', status: 'SUCCEEDED', startedAt: at(7), endedAt: at(10), error: undefined },
    ]);
  });

  it('shows a step that succeeded after a retried failure as SUCCEEDED without an error', () => {
    const { events } = history()
      .entered('CreateApiKey')
      .failed('TransientStepError', 'throttled')
      .succeeded()
      .exited('CreateApiKey');

    const [step] = stepsFromHistory(events);

    expect(step?.status).toBe('SUCCEEDED');
    expect(step?.error).toBeUndefined();
  });

  it('shows a caught failure as FAILED with the error and cause', () => {
    const { events } = history()
      .entered('CreateTenantAdmin')
      .failed('TransientStepError', 'Rate exceeded')
      .failed('TransientStepError', 'Rate exceeded')
      .exited('CreateTenantAdmin')
      .entered('RecordOnboardingFailure')
      .succeeded()
      .exited('RecordOnboardingFailure');

    expect(stepsFromHistory(events, ['RecordOnboardingFailure'])).toEqual([
      expect.objectContaining({
        name: 'CreateTenantAdmin',
        status: 'FAILED',
        error: 'TransientStepError: Rate exceeded',
      }),
    ]);
  });

  it('keeps a running step IN_PROGRESS without an end time', () => {
    const { events } = history().entered('SendWelcomeMail').event('LambdaFunctionScheduled');

    const [step] = stepsFromHistory(events);

    expect(step).toEqual({ name: 'SendWelcomeMail', status: 'IN_PROGRESS', startedAt: at(0) });
  });

  it('leaves out hidden bookkeeping states', () => {
    const { events } = history().entered('RecordOnboardingFailure').succeeded().exited('RecordOnboardingFailure');

    expect(stepsFromHistory(events, ['RecordOnboardingFailure'])).toEqual([]);
  });

  it('shows a redriven step with its new outcome, after the steps that had already run', () => {
    const { events } = history()
      .entered('StoreTenant')
      .succeeded()
      .exited('StoreTenant')
      .entered('CreateApiKey')
      .failed('InvalidRegistrationError', 'no usage plan')
      .event('ExecutionFailed', { executionFailedEventDetails: { error: 'InvalidRegistrationError' } })
      .event('ExecutionRedriven')
      .entered('CreateApiKey')
      .succeeded()
      .exited('CreateApiKey');

    const steps = stepsFromHistory(events);

    expect(steps.map((step) => [step.name, step.status, step.error])).toEqual([
      ['StoreTenant', 'SUCCEEDED', undefined],
      ['CreateApiKey', 'SUCCEEDED', undefined],
    ]);
  });

  it('marks the running step FAILED when the execution is stopped', () => {
    const { events } = history()
      .entered('WriteStackMapping')
      .event('LambdaFunctionScheduled')
      .event('ExecutionAborted', { executionAbortedEventDetails: { error: 'Stopped', cause: 'by operator' } });

    expect(stepsFromHistory(events)).toEqual([
      { name: 'WriteStackMapping', status: 'FAILED', startedAt: at(0), endedAt: at(2), error: 'Stopped: by operator' },
    ]);
  });

  it('understands the events of lambda:invoke integrations too', () => {
    const { events } = history()
      .entered('ActivateTenant')
      .event('TaskScheduled')
      .event('TaskFailed', {
        taskFailedEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          error: 'States.TaskFailed',
          cause: 'boom',
        },
      })
      .exited('ActivateTenant');

    expect(stepsFromHistory(events)[0]).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed: boom' });
  });
});
