import { describe, expect, it } from 'vitest';
import { onboardingTasks } from '../../contracts/onboarding-states';
import { approveText, askedAt, executionTitle, kindWord } from '../src/operator/lifecycle-words';
import { validateRejection } from '../src/shared/validation';
import {
  expectedSteps,
  phaseOf,
  pollDelayMs,
  type Registration,
  rejectionOf,
  shownSteps,
} from '../src/signup/registration-progress';

const at = (s: number) => `2025-01-01T00:00:0${s}.000Z`;
const done = (name: string, s: number) => ({ name, status: 'SUCCEEDED' as const, startedAt: at(s), endedAt: at(s) });

/** A PLATINUM registration that has reached its approval step. */
const waiting: Registration = {
  registrationId: 'r1',
  executionId: 'r1',
  tenantId: 't1',
  tenantName: 'acme',
  tier: 'PLATINUM',
  status: 'AWAITING_APPROVAL',
  steps: [
    done('ValidateRegistration', 1),
    done('StoreTenant', 2),
    { name: 'AwaitApproval', status: 'IN_PROGRESS', startedAt: at(3) },
  ],
};

const rejectedWith = (error: string): Registration => ({
  ...waiting,
  status: 'FAILED',
  steps: [...waiting.steps.slice(0, 2), { name: 'AwaitApproval', status: 'FAILED', startedAt: at(3), error }],
});

describe('execution titles follow the kind', () => {
  it('names known and new kinds in words', () => {
    expect(executionTitle({ kind: 'onboarding', tenantName: 'acme' })).toBe('Onboarding of acme');
    expect(executionTitle({ kind: 'offboarding', tenantName: 'acme' })).toBe('Offboarding of acme');
    expect(executionTitle({ kind: 'tier-change', tenantId: 't1' })).toBe('Tier change of t1');
    expect(kindWord('')).toBe('Execution');
  });

  it('says what approving lets happen: paid resources for an onboarding, the workflow otherwise', () => {
    expect(approveText('onboarding')).toMatch(/paid resources/);
    expect(approveText('tier-change')).toBe('The tier change continues.');
  });
});

describe('a waiting registration', () => {
  it('asked for approval when its AwaitApproval step started', () => {
    expect(askedAt(waiting)).toBe(at(3));
    expect(askedAt({ steps: [done('StoreTenant', 2)] })).toBeUndefined();
  });

  it('expects the approval step among the steps of its tier, and shows the ones to come', () => {
    expect(expectedSteps(waiting)).toEqual(onboardingTasks('silo', true));
    expect(shownSteps(waiting)).toEqual(onboardingTasks('silo', true));
    const basic = { tier: 'BASIC' as const, status: 'IN_PROGRESS' as const, steps: [done('ValidateRegistration', 1)] };
    expect(shownSteps(basic)).toEqual(onboardingTasks('pool', false));
  });

  it('is polled while it waits, and no more once it succeeded or was rejected', () => {
    expect(phaseOf(waiting)).toBe('awaiting-approval');
    expect(pollDelayMs('awaiting-approval')).toBeGreaterThan(0);
    expect(pollDelayMs('succeeded')).toBeUndefined();
    expect(pollDelayMs('rejected')).toBeUndefined();
    expect(pollDelayMs('failed')).toBeGreaterThan(0);
  });
});

describe('a rejection', () => {
  it('reads as rejected with the operator’s reason, or the timeout', () => {
    const rejected = rejectedWith('Not approved: We could not verify the company');
    expect(phaseOf(rejected)).toBe('rejected');
    expect(rejectionOf(rejected)).toBe('Not approved: We could not verify the company');
    expect(rejectionOf(rejectedWith('Not approved in time'))).toBe('Not approved in time');
  });

  it('is not a fault in the approval step, which an operator may still redrive', () => {
    const fault = rejectedWith('This step failed; an operator has been notified and can retry it');
    expect(phaseOf(fault)).toBe('failed');
    expect(rejectionOf(fault)).toBeUndefined();
  });

  it('needs a reason that is not blank (the API’s rule)', () => {
    expect(validateRejection({ reason: 'No company found' })).toEqual({});
    expect(validateRejection({ reason: '' }).reason).toMatch(/^Reason must /);
    expect(validateRejection({ reason: '   ' }).reason).toMatch(/^Reason must /);
  });
});
