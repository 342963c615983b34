import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../contracts/errors';
import { parseNewUser, parseRegistrationRequest, parseRejectRequest } from '../../../contracts/requests';
import { TENANT_NAME_PATTERN, tenantNameKey } from '../../../contracts/rules';

const VALID = { tenantName: 'acme-co', email: 'Owner@Acme.example', tier: 'BASIC' };

function fieldsRejected(body: Record<string, unknown>): string[] {
  try {
    parseRegistrationRequest(body);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((problem) => problem.field);
    throw error;
  }
  return [];
}

describe('parseRegistrationRequest', () => {
  it('accepts a valid sign-up and lower-cases the email', () => {
    const request = parseRegistrationRequest({ ...VALID, companyName: ' Acme Co ', phone: '+1 (555) 010-0000' });

    expect(request).toEqual({
      tenantName: 'acme-co',
      email: 'owner@acme.example',
      tier: 'BASIC',
      companyName: 'Acme Co',
      phone: '+1 (555) 010-0000',
      address: undefined,
    });
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(41)],
    ['starting with a hyphen', '-acme'],
    ['ending with a hyphen', 'acme-'],
    ['with an underscore', 'acme_co'],
    ['with a space', 'acme co'],
  ])('rejects a tenant name %s', (_case, tenantName) => {
    expect(fieldsRejected({ ...VALID, tenantName })).toEqual(['tenantName']);
  });

  it('accepts tenant names of 3 and of 40 characters', () => {
    expect(fieldsRejected({ ...VALID, tenantName: 'a1b' })).toEqual([]);
    expect(fieldsRejected({ ...VALID, tenantName: 'a'.repeat(40) })).toEqual([]);
  });

  it('names the tiers when the tier is unknown', () => {
    expect(() => parseRegistrationRequest({ ...VALID, tier: 'GOLD' })).toThrow(
      expect.objectContaining({
        errors: [{ field: 'tier', message: 'must be one of BASIC, STANDARD, PREMIUM, PLATINUM' }],
      }),
    );
  });

  it('reports every invalid field at once', () => {
    expect(fieldsRejected({ tenantName: 'x', email: 'not-an-email', phone: 'call me', extra: true })).toEqual([
      'extra',
      'tenantName',
      'email',
      'tier',
      'phone',
    ]);
  });

  it('answers 400 for a non-string tenant name instead of throwing a TypeError', () => {
    expect(fieldsRejected({ ...VALID, tenantName: 123 })).toEqual(['tenantName']);
  });
});

describe('tenantNameKey', () => {
  it('maps names that differ only in case to the same key', () => {
    expect(tenantNameKey('Acme-Co')).toBe(tenantNameKey('acme-co'));
  });

  it('is what the name pattern is checked against case-insensitively', () => {
    expect(TENANT_NAME_PATTERN.test(tenantNameKey('Acme-Co'))).toBe(true);
  });
});

describe('parseNewUser', () => {
  it.each(['bigcorp-admin', 'BigCorp-Admin', 'bigcorp-admin-0a1b2c3d'])(
    'refuses the admin username onboarding gives out (%s), naming username',
    (username) => {
      expect(() => parseNewUser({ username, email: 'x@example.com', role: 'TenantUser' })).toThrow(
        expect.objectContaining({ errors: [expect.objectContaining({ field: 'username' })] }),
      );
    },
  );

  it('accepts other usernames, lower-cased', () => {
    expect(parseNewUser({ username: 'Admin-Bob', email: 'B@example.com', role: 'TenantUser' })).toMatchObject({
      username: 'admin-bob',
      email: 'b@example.com',
    });
  });
});

describe('parseRejectRequest', () => {
  it('trims the reason and refuses a blank or missing one, naming reason', () => {
    expect(parseRejectRequest({ reason: '  not verified ' })).toEqual({ reason: 'not verified' });
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }])
      expect(() => parseRejectRequest(body)).toThrow(
        expect.objectContaining({ errors: [expect.objectContaining({ field: 'reason' })] }),
      );
  });
});
