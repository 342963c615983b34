/**
 * The values, patterns and limits of the contract, without the schema builder: runtime code
 * (handlers, the console) imports them from here, the schemas (schemas/) are built from them, so
 * a bundle that needs a list of statuses does not carry TypeBox.
 */

/** 3–40 characters of a-z, 0-9 and '-', starting and ending with a letter or digit; case-insensitive. */
export const TENANT_NAME_PATTERN_SOURCE = '^[a-zA-Z0-9][a-zA-Z0-9-]{1,38}[a-zA-Z0-9]$';
export const TENANT_NAME_PATTERN = new RegExp(TENANT_NAME_PATTERN_SOURCE);
export const EMAIL_PATTERN_SOURCE = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
/** Cognito usernames; '@' is not allowed so a username is never mistaken for an email. */
export const USERNAME_PATTERN_SOURCE = '^[a-zA-Z0-9][a-zA-Z0-9._-]{2,62}$';
/**
 * Usernames onboarding gives tenant admins (`<tenant>-admin`, `<tenant>-admin-<8 hex>`): no user
 * may be created under one, so nobody can pre-claim the admin login of a tenant not yet signed up.
 */
export const RESERVED_USERNAME = /-admin(-[0-9a-f]{8})?$/i;

export const REGISTRATION_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'AWAITING_APPROVAL'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const STEP_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** The lifecycle workflows, as executions name their `kind` (offboarding and tier change are not built yet). */
export const WORKFLOW_KINDS = ['onboarding', 'offboarding', 'tier-change'] as const;
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number];

/** Where one tenant stands in a release (NOT_DEPLOYED: the release ended before it was deployed). */
export const TENANT_RELEASE_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'UPDATED',
  'UNCHANGED',
  'FAILED',
  'SKIPPED',
  'NOT_DEPLOYED',
] as const;
export type TenantReleaseStatus = (typeof TENANT_RELEASE_STATUSES)[number];

export const RELEASE_WAVE_STATUSES = ['PENDING', 'IN_PROGRESS', 'DONE', 'NOT_DEPLOYED'] as const;

export const TENANT_ROLES = ['TenantAdmin', 'TenantUser'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export const ORDER_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const MAX_PRICE = 1_000_000_000;
export const MAX_ORDER_LINES = 100;
export const MAX_QUANTITY = 10_000;

/** A release's waves: tenants deployed at once, and seconds between two stack status polls. */
export const DEFAULT_WAVE_SIZE = 10;
export const MAX_WAVE_SIZE = 100;
export const DEFAULT_POLL_SECONDS = 10;
export const MAX_POLL_SECONDS = 3600;

/** The key that makes tenant names unique regardless of case. */
export function tenantNameKey(tenantName: string): string {
  return tenantName.toLowerCase();
}
