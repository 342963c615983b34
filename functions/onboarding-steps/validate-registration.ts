/** Onboarding step ValidateRegistration (its own Lambda entry: no AWS SDK client at all). */

import { TIERS } from '../../contracts/tiers';
import { parseRegistrationRequest } from '../shared/tenant-names';
import { InvalidRegistrationError, type OnboardingState, step } from './step';

/**
 * Re-validates the execution input (it can also be started by hand) and resolves the tier's
 * deployment model. It calls nothing, so the handler is the step's work itself.
 */
export const validateRegistration = step(async (state: OnboardingState) => {
  try {
    parseRegistrationRequest({
      tenantName: state.tenantName,
      email: state.email,
      tier: state.tier,
      companyName: state.companyName,
    });
  } catch (error) {
    throw new InvalidRegistrationError((error as Error).message, { cause: error });
  }
  if (!state.tenantId || !state.registrationId)
    throw new InvalidRegistrationError('tenantId and registrationId are required');
  return { deploymentModel: TIERS[state.tier].deploymentModel };
});
