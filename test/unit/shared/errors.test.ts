import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  NotImplementedError,
  ValidationError,
} from '../../../functions/shared/errors';

describe('HTTP errors', () => {
  it.each([
    [new ValidationError([{ field: 'a', message: 'is required' }]), 'ValidationError', 400],
    [new NotFoundError('Product'), 'NotFoundError', 404],
    [new ConflictError('taken'), 'ConflictError', 409],
    [new ForbiddenError(), 'ForbiddenError', 403],
    [new NotImplementedError('later'), 'NotImplementedError', 501],
  ])('%s has its class name as name and status %i', (error, name, status) => {
    expect(error).toBeInstanceOf(HttpError);
    expect(error.name).toBe(name);
    expect(error.statusCode).toBe(status);
  });

  it('words a single-field validation error after the field', () => {
    expect(new ValidationError([{ field: 'tier', message: 'is required' }]).message).toBe('Invalid tier: is required');
  });

  it('keeps the cause', () => {
    const cause = new Error('root');

    expect(new HttpError(502, 'upstream', { cause }).cause).toBe(cause);
  });
});
