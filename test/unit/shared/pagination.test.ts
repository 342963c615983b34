import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../contracts/errors';
import { DEFAULT_PAGE_SIZE, decodeNextToken, encodeNextToken, parseLimit } from '../../../functions/shared/pagination';

describe('parseLimit', () => {
  it('defaults to 50 when no limit is given', () => {
    expect(parseLimit(null)).toBe(DEFAULT_PAGE_SIZE);
    expect(parseLimit({})).toBe(50);
  });

  it('accepts integers from 1 to 100', () => {
    expect(parseLimit({ limit: '1' })).toBe(1);
    expect(parseLimit({ limit: '100' })).toBe(100);
  });

  it.each(['0', '101', '1.5', 'ten', ''])('rejects limit=%s with a 400 naming limit', (limit) => {
    expect(() => parseLimit({ limit })).toThrow(ValidationError);
    expect(() => parseLimit({ limit })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'limit' })] }),
    );
  });
});

describe('page tokens', () => {
  it('round-trips a DynamoDB key through an opaque token', () => {
    const key = { tenantId: 't-1', productId: 'p-9' };

    const token = encodeNextToken(key);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNextToken(token, { tenantId: 't-1' })).toEqual(key);
  });

  it('has no token when there is no next page', () => {
    expect(encodeNextToken(undefined)).toBeUndefined();
    expect(decodeNextToken(undefined)).toBeUndefined();
  });

  it("rejects another tenant's token so a forged token cannot move into its partition", () => {
    const token = encodeNextToken({ tenantId: 't-2', productId: 'p-1' });

    expect(() => decodeNextToken(token, { tenantId: 't-1' })).toThrow(ValidationError);
  });

  it.each([
    ['not base64 JSON', 'garbage!!'],
    ['a JSON string', Buffer.from('"key"').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a JSON array', Buffer.from('[]').toString('base64url')],
    ['an empty key', Buffer.from('{}').toString('base64url')],
    ['a key with a non-string value', Buffer.from('{"tenantId":{"S":"t-1"}}').toString('base64url')],
  ])('rejects a token that is %s with a 400 naming nextToken', (_case, token) => {
    expect(() => decodeNextToken(token)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'nextToken' })] }),
    );
  });
});
