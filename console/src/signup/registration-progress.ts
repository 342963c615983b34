/**
 * Where a sign-up stands, in the applicant's words (pure: unit-tested in console/test): the steps
 * to show (run and still to come), whether it waits for an operator or was turned down, and how
 * soon to ask again.
 */
import { ONBOARDING_STATES, onboardingTasks } from '../../../contracts/onboarding-states';
import type { Registration } from '../../../contracts/schemas/control-plane';
import { isTierName, TIERS } from '../../../contracts/tiers';

export type { Registration };

/** What the progress page says: one phase at a time. */
export type Phase = 'in-progress' | 'awaiting-approval' | 'succeeded' | 'rejected' | 'failed';

/** The rejection's public error starts so (`Not approved: <reason>`, `Not approved in time`; docs/api.md). */
const NOT_APPROVED = 'Not approved';

/** Why an operator turned the sign-up down (the AwaitApproval step's public error), if they did or never answered. */
export function rejectionOf(registration: Pick<Registration, 'steps'>): string | undefined {
  const step = registration.steps.find((s) => s.name === ONBOARDING_STATES.awaitApproval);
  return step?.status === 'FAILED' && step.error?.startsWith(NOT_APPROVED) ? step.error : undefined;
}

export function phaseOf(registration: Pick<Registration, 'status' | 'steps'>): Phase {
  switch (registration.status) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'AWAITING_APPROVAL':
      return 'awaiting-approval';
    case 'FAILED':
      return rejectionOf(registration) ? 'rejected' : 'failed';
    default:
      return 'in-progress';
  }
}

/**
 * How long until the next poll, or undefined to stop: success and a rejection are final; a
 * failure may still be redriven by an operator, and an approval may take a while, so both are
 * polled more slowly.
 */
export function pollDelayMs(phase: Phase): number | undefined {
  switch (phase) {
    case 'succeeded':
    case 'rejected':
      return undefined;
    case 'failed':
      return 5000;
    case 'awaiting-approval':
      return 2000;
    default:
      return 1000;
  }
}

/**
 * The steps of the tenant's tier in order, so the ones not started yet can be shown as pending;
 * with the approval step when this registration has one.
 */
export function expectedSteps(registration: Pick<Registration, 'tier' | 'steps' | 'status'>): readonly string[] {
  const model = isTierName(registration.tier) ? TIERS[registration.tier].deploymentModel : 'pool';
  const needsApproval =
    registration.status === 'AWAITING_APPROVAL' ||
    registration.steps.some((s) => s.name === ONBOARDING_STATES.awaitApproval);
  return onboardingTasks(model, needsApproval);
}

/** The steps run so far, then the expected ones not started yet. */
export function shownSteps(registration: Pick<Registration, 'tier' | 'steps' | 'status'>): string[] {
  const run = registration.steps.map((s) => s.name);
  return [...run, ...expectedSteps(registration).filter((name) => !run.includes(name))];
}

const STEP_LABELS: Record<string, string> = {
  ValidateRegistration: 'Check the registration',
  StoreTenant: 'Store the tenant',
  AwaitApproval: 'Approval by an operator',
  CloseRejectedRegistration: 'Close the registration',
  CreateTenantAdmin: 'Create the administrator',
  CreateTenantUserPool: 'Create the user pool',
  CreateTenantAppClient: 'Create the app client',
  CreateApiKey: 'Issue the API key',
  WriteStackMapping: 'Map the tenant to its stack',
  DeployTenantStack: 'Deploy the tenant stack',
  SendWelcomeMail: 'Send the welcome email',
  ActivateTenant: 'Activate the tenant',
};

export const stepLabel = (name: string) => STEP_LABELS[name] ?? name;
