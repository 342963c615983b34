/** Onboarding step ValidateRegistration (its own Lambda entry: no AWS SDK client at all). */

import { ValidationError } from '../../contracts/errors';
import { validateOnboardingInput } from '../../contracts/generated/onboarding-input';
import type { OnboardingInput } from '../../contracts/schemas/events';
import { TIERS } from '../../contracts/tiers';
import { validated } from '../../contracts/validation';
import { InvalidRegistrationError, type OnboardingState, onboardingStep, step } from './step';

/**
 * Re-validates the execution input against the contract (an execution can also be started by
 * hand) and resolves the tier's deployment model. It calls nothing, so the handler is the step's
 * work itself.
 */
export const validateRegistration = onboardingStep(
  step(async (state: OnboardingState) => {
    let input: OnboardingInput;
    try {
      input = validated<OnboardingInput>(validateOnboardingInput, state);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error.errors.map((problem) => `${problem.field} ${problem.message}`).join('; ');
      throw new InvalidRegistrationError(`Invalid onboarding input: ${problems}`, { cause: error });
    }
    return { deploymentModel: TIERS[input.tier].deploymentModel };
  }),
);
