/**
 * Names of the onboarding state machine's states. The workflow definition (workflows/) and
 * the functions that read its history share them from here. State names are also the fault
 * injection points of the local cloud (`POST /local/faults {"step": <name>}`).
 */
export const ONBOARDING_STATES = {
  validate: 'ValidateRegistration',
  routeByTier: 'RouteByTier',
  storeTenant: 'StoreTenant',
  createTenantAdmin: 'CreateTenantAdmin',
  createApiKey: 'CreateApiKey',
  writeStackMapping: 'WriteStackMapping',
  sendWelcome: 'SendWelcomeMail',
  activateTenant: 'ActivateTenant',
  succeeded: 'TenantOnboarded',
  recordFailure: 'RecordOnboardingFailure',
  failed: 'OnboardingFailed',
  siloNotAvailable: 'SiloNotAvailableYet',
} as const;

/** States that are bookkeeping, not steps a user should see. */
export const HIDDEN_STEP_STATES: readonly string[] = [ONBOARDING_STATES.recordFailure];
