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
  siloNotAvailable: 'SiloNotAvailableYet',
} as const;

/** The error an operator's stop carries; it triggers the cleanup of what onboarding created. */
export const STOPPED_BY_OPERATOR_ERROR = 'OnboardingStoppedByOperator';
