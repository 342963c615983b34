// Moved to contracts/ (rules.ts, requests.ts); this re-export keeps the onboarding steps' imports
// working until they import from contracts/ directly.
export { parseRegistrationRequest } from '../../contracts/requests';
export { TENANT_NAME_PATTERN, tenantNameKey } from '../../contracts/rules';
export type { RegistrationRequest } from '../../contracts/schemas/control-plane';
