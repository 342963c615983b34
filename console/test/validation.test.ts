import { describe, expect, it } from 'vitest';
import {
  fieldErrorsOf,
  newPasswordProblem,
  registrationBody,
  validateNewUser,
  validateProduct,
  validateSignUp,
} from '../src/shared/validation';

const valid = { tenantName: 'acme-1', email: 'admin@acme.test', companyName: '', tier: 'BASIC' };

describe('sign-up validation (the API’s own rules)', () => {
  it('accepts a valid form and leaves empty optional fields out of the body', () => {
    expect(validateSignUp(valid)).toEqual({});
    expect(registrationBody(valid)).toEqual({ tenantName: 'acme-1', email: 'admin@acme.test', tier: 'BASIC' });
  });

  it('names each bad field in a sentence', () => {
    const errors = validateSignUp({ tenantName: '-x', email: 'nope', companyName: '', tier: 'GOLD' });

    expect(errors.tenantName).toBe('Tenant name must be 3 to 40 characters.');
    expect(errors.email).toBe('Email must be an email address.');
    expect(errors.tier).toBe('Tier must be one of BASIC, STANDARD, PREMIUM, PLATINUM.');
  });

  it('requires the tenant name and email', () => {
    expect(validateSignUp({ ...valid, tenantName: ' ', email: '' })).toEqual({
      tenantName: 'Tenant name is required.',
      email: 'Email is required.',
    });
  });

  it('rejects names with characters outside a-z, 0-9 and -', () => {
    expect(validateSignUp({ ...valid, tenantName: 'acme_corp' }).tenantName).toMatch(
      /^Tenant name must be 3 to 40 characters of a-z/,
    );
  });

  it('maps server field errors to the same sentences', () => {
    expect(fieldErrorsOf([{ field: 'tenantName', message: 'is already taken' }])).toEqual({
      tenantName: 'Tenant name is already taken.',
    });
  });
});

describe('product validation', () => {
  it('needs a name and a non-negative number as price', () => {
    expect(validateProduct({ name: '', price: '', sku: '', category: '' })).toEqual({
      name: 'Name is required.',
      price: 'Price is required.',
    });
    expect(validateProduct({ name: 'Mug', price: 'abc', sku: '', category: '' }).price).toMatch(
      /^Price must be a number/,
    );
    expect(validateProduct({ name: 'Mug', price: '-1', sku: '', category: '' }).price).toBe(
      'Price must be between 0 and 1000000000.',
    );
    expect(validateProduct({ name: 'Mug', price: '12,50', sku: '', category: '' })).toEqual({});
  });
});

describe('new password', () => {
  it('asks for length, both cases, a digit and a symbol', () => {
    expect(newPasswordProblem('short')).toMatch(/at least 8/);
    expect(newPasswordProblem('alllowercase1!')).toMatch(/upper- and lower-case/);
    expect(newPasswordProblem('NoDigits!!')).toMatch(/digit/);
    expect(newPasswordProblem('NoSymbol12')).toMatch(/symbol/);
    expect(newPasswordProblem('Chosen-Passw0rd!')).toBeUndefined();
  });
});

describe('new user (the API’s own rules)', () => {
  it('accepts a username, an email and a role, and names each bad field in a sentence', () => {
    expect(validateNewUser({ username: 'bob.smith', email: 'bob@acme.test', role: 'TenantUser' })).toEqual({});
    expect(validateNewUser({ username: 'a b', email: 'nope', role: '' })).toEqual({
      username: "Username must be 3 to 63 characters of letters, digits, '.', '_' and '-'.",
      email: 'Email must be an email address.',
      role: 'Role is required.',
    });
  });

  it('keeps a server message that is already a sentence (409 on the username)', () => {
    expect(fieldErrorsOf([{ field: 'username', message: "Username 'bob' is already taken" }])).toEqual({
      username: "Username 'bob' is already taken.",
    });
  });
});
