/** Words for lifecycle executions and what waits for approval (pure: unit-tested in console/test). */
import { ONBOARDING_STATES } from '../../../contracts/onboarding-states';

/** "onboarding" → "Onboarding", "tier-change" → "Tier change": any kind, known or new. */
export function kindWord(kind: string): string {
  const words = kind.replace(/[-_]+/g, ' ').trim().toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Execution';
}

/** An execution page's title: "Onboarding of acme", "Offboarding of acme", "Tier change of acme". */
export function executionTitle(execution: { kind: string; tenantName?: string; tenantId?: string }): string {
  return `${kindWord(execution.kind)} of ${execution.tenantName ?? execution.tenantId ?? 'tenant'}`;
}

/** When a waiting registration asked for approval: the start of its AwaitApproval step. */
export function askedAt(registration: { steps: readonly { name: string; startedAt: string }[] }): string | undefined {
  return registration.steps.find((step) => step.name === ONBOARDING_STATES.awaitApproval)?.startedAt;
}

/** What approving a waiting execution of `kind` lets happen, in a sentence. */
export function approveText(kind: string): string {
  return kind === 'onboarding'
    ? 'Its onboarding continues: the paid resources of its tier are created and its administrator is mailed a password.'
    : `The ${kindWord(kind).toLowerCase()} continues.`;
}
