import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  NotImplementedError,
  ValidationError,
} from '../../../contracts/errors';
import { conditionally } from '../../../functions/shared/conditional-write';

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

describe('conditionally', () => {
  it('is true when the write happened', async () => {
    await expect(conditionally(Promise.resolve({}))).resolves.toBe(true);
  });

  it('is false when the condition refused the write', async () => {
    const refused = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });

    await expect(conditionally(Promise.reject(refused))).resolves.toBe(false);
  });

  it('passes any other error on', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    await expect(conditionally(Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
