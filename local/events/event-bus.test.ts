import { describe, expect, it } from 'vitest';
import { LocalEventBus, matches } from './event-bus';

const statusChange = {
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { status: 'FAILED', stateMachineArn: 'arn:sm', error: 'InjectedFaultError' },
};

describe('event patterns', () => {
  it('matches exact values in nested objects', () => {
    expect(matches({ source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT'] } }, statusChange)).toBe(true);
    expect(matches({ source: ['aws.states'], detail: { status: ['SUCCEEDED'] } }, statusChange)).toBe(false);
  });

  it('supports prefix, exists and anything-but', () => {
    expect(matches({ detail: { stateMachineArn: [{ prefix: 'arn:' }] } }, statusChange)).toBe(true);
    expect(matches({ detail: { cause: [{ exists: false }] } }, statusChange)).toBe(true);
    expect(matches({ detail: { error: [{ 'anything-but': ['StoppedByOperator'] }] } }, statusChange)).toBe(true);
    expect(matches({ detail: { error: [{ 'anything-but': 'InjectedFaultError' }] } }, statusChange)).toBe(false);
  });

  it('does not match a missing field', () => {
    expect(matches({ detail: { redriveCount: [0] } }, statusChange)).toBe(false);
  });
});

describe('LocalEventBus', () => {
  it('invokes the targets of matching rules only', async () => {
    const calls: string[] = [];
    const bus = new LocalEventBus(async (arn) => calls.push(arn));
    bus.putRule({ name: 'failed', eventPattern: { detail: { status: ['FAILED'] } }, targets: ['arn:fn:record'] });
    bus.putRule({ name: 'succeeded', eventPattern: { detail: { status: ['SUCCEEDED'] } }, targets: ['arn:fn:other'] });

    bus.put(statusChange);
    await bus.drain();

    expect(calls).toEqual(['arn:fn:record']);
  });

  it('reports a failing target without throwing to the publisher', async () => {
    const errors: unknown[] = [];
    const bus = new LocalEventBus(
      async () => Promise.reject(new Error('boom')),
      (_rule, error) => errors.push(error),
    );
    bus.putRule({ name: 'all', eventPattern: { source: ['aws.states'] }, targets: ['arn:fn'] });

    bus.put(statusChange);
    await bus.drain();

    expect(errors).toHaveLength(1);
  });
});
