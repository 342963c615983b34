import { isTierName, TIER_NAMES, type TierName } from '../../contracts/tiers';
import { EMAIL_PATTERN, FieldChecker } from './validation';

/** 3–40 characters of a-z, 0-9 and '-', starting and ending with a letter or digit; case-insensitive. */
export const TENANT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/i;

/** The key that makes tenant names unique regardless of case. */
export function tenantNameKey(tenantName: string): string {
  return tenantName.toLowerCase();
}

export interface RegistrationRequest {
  readonly tenantName: string;
  readonly email: string;
  readonly tier: TierName;
  readonly companyName?: string;
  readonly phone?: string;
  readonly address?: string;
}

/** Validates a sign-up body (API.md `POST /registrations`); throws a ValidationError naming each bad field. */
export function parseRegistrationRequest(body: Readonly<Record<string, unknown>>): RegistrationRequest {
  const check = new FieldChecker(body);
  check.onlyKnown(['tenantName', 'email', 'tier', 'companyName', 'phone', 'address']);
  const tenantName = check.string('tenantName', {
    required: true,
    min: 3,
    max: 40,
    pattern: TENANT_NAME_PATTERN,
    patternHint: "must be 3 to 40 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
  });
  const email = check.string('email', {
    required: true,
    max: 254,
    pattern: EMAIL_PATTERN,
    patternHint: 'must be an email address',
  });
  let tier: TierName | undefined;
  if (body.tier === undefined || body.tier === null) check.fail('tier', 'is required');
  else if (!isTierName(body.tier)) check.fail('tier', `must be one of ${TIER_NAMES.join(', ')}`);
  else tier = body.tier;
  const companyName = check.string('companyName', { required: false, max: 100 });
  const phone = check.string('phone', {
    required: false,
    max: 30,
    pattern: /^[+0-9 ()-]+$/,
    patternHint: 'must be a phone number',
  });
  const address = check.string('address', { required: false, max: 200 });
  check.done();
  return {
    tenantName: tenantName as string,
    email: (email as string).toLowerCase(),
    tier: tier as TierName,
    companyName,
    phone,
    address,
  };
}
