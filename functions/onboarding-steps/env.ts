/**
 * The onboarding steps' environment: one set of names for the whole folder, as the control-plane
 * stack sets them. Each step function gets only the variables it reads, and a variable is read
 * (and a missing one reported by name) only when a step uses it.
 */
import { defineEnv } from '../shared/env';

export const env = defineEnv([
  'TENANT_DETAILS_TABLE',
  'TENANT_STACK_MAPPING_TABLE',
  'TENANT_NAMES_TABLE',
  'TENANT_PIPELINE_NAME',
  'POOLED_USER_POOL_ID',
  'POOLED_APP_CLIENT_ID',
  'POOLED_STACK_NAME',
  'POOLED_API_URL',
  'USAGE_PLAN_IDS',
  'MAIL_FROM',
  'WELCOME_TEMPLATE_NAME',
  'REJECTION_TEMPLATE_NAME',
  'APPROVALS_TABLE',
]);
