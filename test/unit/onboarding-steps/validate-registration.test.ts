import { describe, expect, it } from 'vitest';
import type { TierName } from '../../../contracts/tiers';
import { InvalidRegistrationError } from '../../../functions/onboarding-steps/step';
import { validateRegistration } from '../../../functions/onboarding-steps/validate-registration';
import { POOLED, SILO } from './fakes';

describe('validateRegistration', () => {
  it("resolves the tier's deployment model: pool for BASIC, silo for PLATINUM", async () => {
    const pooled = await validateRegistration(POOLED);
    const silo = await validateRegistration(SILO);

    expect(pooled).toEqual({ deploymentModel: 'pool' });
    expect(silo).toEqual({ deploymentModel: 'silo' });
  });

  it('refuses an invalid field with InvalidRegistrationError naming it, the validation error as its cause', async () => {
    const validated = validateRegistration({ ...POOLED, tier: 'GOLD' as TierName });

    await expect(validated).rejects.toBeInstanceOf(InvalidRegistrationError);
    await expect(validated).rejects.toMatchObject({
      name: 'InvalidRegistrationError',
      message: 'Invalid onboarding input: tier must be one of BASIC, STANDARD, PREMIUM, PLATINUM',
      cause: { name: 'ValidationError' },
    });
  });

  it('refuses an input without its registration id (a hand-started execution) with InvalidRegistrationError', async () => {
    const validated = validateRegistration({ ...POOLED, registrationId: '' });

    await expect(validated).rejects.toStrictEqual(
      new InvalidRegistrationError('Invalid onboarding input: registrationId must not be empty'),
    );
  });
});
