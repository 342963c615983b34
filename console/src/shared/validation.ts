/**
 * Client-side validation that runs the API's own parsers (contracts/requests.ts: the same
 * build-time compiled validators), so the forms and the API cannot disagree on the rules; their
 * field errors are turned into sentences per field.
 */

import { ValidationError } from '../../../contracts/errors';
import {
  parseNewUser,
  parseProductInput,
  parseRegistrationRequest,
  parseRejectRequest,
} from '../../../contracts/requests';
import type { FieldError } from './api';

export type FieldErrors = Partial<Record<string, string>>;

const LABELS: Record<string, string> = {
  tenantName: 'Tenant name',
  email: 'Email',
  tier: 'Tier',
  companyName: 'Company name',
  phone: 'Phone',
  address: 'Address',
  name: 'Name',
  price: 'Price',
  sku: 'SKU',
  category: 'Category',
  username: 'Username',
  role: 'Role',
  reason: 'Reason',
};

/**
 * "tenantName" + "is required" → "Tenant name is required."; a message that is already a
 * sentence ("Username 'bob' is already taken", a 409) is kept as it is.
 */
export function sentence(error: FieldError): string {
  const label = LABELS[error.field] ?? error.field;
  const text = /^[A-Z]/.test(error.message) ? error.message : `${label} ${error.message}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function fieldErrorsOf(errors: readonly FieldError[]): FieldErrors {
  const result: FieldErrors = {};
  for (const error of errors) result[error.field] ??= sentence(error);
  return result;
}

function run(parse: () => unknown): FieldErrors {
  try {
    parse();
    return {};
  } catch (error) {
    if (error instanceof ValidationError) return fieldErrorsOf(error.errors);
    throw error;
  }
}

export interface SignUpValues {
  readonly tenantName: string;
  readonly email: string;
  readonly companyName: string;
  readonly tier: string;
}

/** The body the sign-up form posts: optional fields only when filled in. */
export function registrationBody(values: SignUpValues): Record<string, string> {
  const body: Record<string, string> = {
    tenantName: values.tenantName.trim(),
    email: values.email.trim(),
    tier: values.tier,
  };
  if (values.companyName.trim()) body.companyName = values.companyName.trim();
  return body;
}

export function validateSignUp(values: SignUpValues): FieldErrors {
  const body: Record<string, unknown> = registrationBody(values);
  if (!values.tier) delete body.tier;
  if (!values.tenantName.trim()) delete body.tenantName;
  if (!values.email.trim()) delete body.email;
  return run(() => parseRegistrationRequest(body));
}

export interface ProductValues {
  readonly name: string;
  readonly price: string;
  readonly sku: string;
  readonly category: string;
}

/** The product body, or undefined price when the text is not a number (reported by validateProduct). */
export function productBody(values: ProductValues): Record<string, unknown> {
  const body: Record<string, unknown> = { name: values.name.trim() };
  const price = values.price.trim();
  if (price !== '') body.price = Number(price.replace(',', '.'));
  if (values.sku.trim()) body.sku = values.sku.trim();
  if (values.category.trim()) body.category = values.category.trim();
  if (body.name === '') delete body.name;
  return body;
}

export function validateProduct(values: ProductValues): FieldErrors {
  const errors = run(() => parseProductInput(productBody(values)));
  if (values.price.trim() !== '' && !Number.isFinite(Number(values.price.trim().replace(',', '.'))))
    errors.price = 'Price must be a number, like 12.50.';
  return errors;
}

export interface NewUserValues {
  readonly username: string;
  readonly email: string;
  readonly role: string;
}

/** The body of `POST /users`: trimmed, and without the fields left empty (so "is required" is reported). */
export function newUserBody(values: NewUserValues): Record<string, string> {
  const body: Record<string, string> = {};
  if (values.username.trim()) body.username = values.username.trim();
  if (values.email.trim()) body.email = values.email.trim();
  if (values.role) body.role = values.role;
  return body;
}

export function validateNewUser(values: NewUserValues): FieldErrors {
  return run(() => parseNewUser(newUserBody(values)));
}

export interface RejectionValues {
  readonly reason: string;
}

/** An operator's rejection: the reason is required, and not blank (the applicant reads it). */
export function validateRejection(values: RejectionValues): FieldErrors {
  return run(() => parseRejectRequest({ reason: values.reason }));
}

/** Cognito's default password policy, checked before the round trip. */
export function newPasswordProblem(password: string): string | undefined {
  if (password.length < 8) return 'The password must be at least 8 characters.';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password)) return 'The password needs upper- and lower-case letters.';
  if (!/[0-9]/.test(password)) return 'The password needs a digit.';
  if (!/[^A-Za-z0-9]/.test(password)) return 'The password needs a symbol.';
  return undefined;
}
