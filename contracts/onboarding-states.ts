/**
 * Names of the onboarding state machine's states. The workflow definition (workflows/) and
 * the functions that read its history share them from here. State names are also the fault
 * injection points of the local cloud (`POST /local/faults {"step": <name>}`).
 */
export const ONBOARDING_STATES = {
  validate: 'ValidateRegistration',
  storeTenant: 'StoreTenant',
  needsApproval: 'NeedsApproval',
  awaitApproval: 'AwaitApproval',
  closeRejected: 'CloseRejectedRegistration',
  rejected: 'RegistrationRejected',
  routeByTier: 'RouteByTier',
  createTenantUserPool: 'CreateTenantUserPool',
  createTenantAppClient: 'CreateTenantAppClient',
  createTenantAdmin: 'CreateTenantAdmin',
  writeStackMapping: 'WriteStackMapping',
  needsTenantStack: 'NeedsTenantStack',
  deployTenantStack: 'DeployTenantStack',
  createApiKey: 'CreateApiKey',
  sendWelcome: 'SendWelcomeMail',
  activateTenant: 'ActivateTenant',
  succeeded: 'TenantOnboarded',
} as const;

/** The task states a pool tenant's onboarding runs, in order. */
export const POOL_ONBOARDING_TASKS = [
  ONBOARDING_STATES.validate,
  ONBOARDING_STATES.storeTenant,
  ONBOARDING_STATES.createTenantAdmin,
  ONBOARDING_STATES.writeStackMapping,
  ONBOARDING_STATES.createApiKey,
  ONBOARDING_STATES.sendWelcome,
  ONBOARDING_STATES.activateTenant,
] as const;

/** The task states a silo (PLATINUM) tenant's onboarding runs, in order. */
export const SILO_ONBOARDING_TASKS = [
  ONBOARDING_STATES.validate,
  ONBOARDING_STATES.storeTenant,
  ONBOARDING_STATES.createTenantUserPool,
  ONBOARDING_STATES.createTenantAppClient,
  ONBOARDING_STATES.createTenantAdmin,
  ONBOARDING_STATES.writeStackMapping,
  ONBOARDING_STATES.deployTenantStack,
  ONBOARDING_STATES.createApiKey,
  ONBOARDING_STATES.sendWelcome,
  ONBOARDING_STATES.activateTenant,
] as const;

/**
 * The task states an onboarding runs, in order: a pool or a silo tenant's, with AwaitApproval
 * after StoreTenant when its tier needs an operator's approval (context `approvalTiers`).
 */
export function onboardingTasks(deploymentModel: 'pool' | 'silo', needsApproval: boolean): readonly string[] {
  const tasks: string[] = [...(deploymentModel === 'silo' ? SILO_ONBOARDING_TASKS : POOL_ONBOARDING_TASKS)];
  if (needsApproval) tasks.splice(tasks.indexOf(ONBOARDING_STATES.storeTenant) + 1, 0, ONBOARDING_STATES.awaitApproval);
  return tasks;
}

/** The error an operator's rejection fails the approval task with; its cause is the reason. */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejected';

/** The error of an onboarding that ended because its approval was refused or never came. */
export const REGISTRATION_REJECTED_ERROR = 'RegistrationRejected';

/** A silo tenant's stack name (CloudFormation), from its tenant id. */
export function siloStackName(tenantId: string): string {
  return `tenantflow-silo-${tenantId}`;
}

/** The error an operator's stop carries; it triggers the cleanup of what onboarding created. */
export const STOPPED_BY_OPERATOR_ERROR = 'OnboardingStoppedByOperator';
