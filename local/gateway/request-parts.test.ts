import { describe, expect, it } from 'vitest';
import {
  decodeSegment,
  headerMaps,
  headerValue,
  type IdentityInputs,
  IdentitySourceError,
  identityValue,
  parseIdentitySource,
  queryMaps,
} from './request-parts';

describe('headerMaps and queryMaps', () => {
  it('keep the client casing and repeated values, last value in the single map', () => {
    const maps = headerMaps(['X-Tag', 'a', 'x-tag', 'b', 'X-Tag', 'c']);
    expect(maps.single).toEqual({ 'X-Tag': 'c', 'x-tag': 'b' });
    expect(maps.multi).toEqual({ 'X-Tag': ['a', 'c'], 'x-tag': ['b'] });
    expect(headerValue(maps.multi, 'X-TAG')).toBe('b');
  });

  it('are null when empty', () => {
    expect(headerMaps([])).toEqual({ single: null, multi: null });
    expect(queryMaps('')).toEqual({ single: null, multi: null });
  });

  it('form-decode query strings', () => {
    expect(queryMaps('q=a%20b+c&flag&x=1&x=2')).toEqual({
      single: { q: 'a b c', flag: '', x: '2' },
      multi: { q: ['a b c'], flag: [''], x: ['1', '2'] },
    });
  });
});

describe('identity sources', () => {
  const inputs: IdentityInputs = {
    multiValueHeaders: { authorization: ['Bearer t'], 'X-Multi': ['1', '2'], Empty: [''] },
    multiValueQueryStringParameters: { token: ['q1', 'q2'] },
    stageVariables: null,
    requestContext: { identity: { sourceIp: '10.0.0.1' } },
  };

  it('parse a comma-separated list', () => {
    expect(parseIdentitySource('method.request.header.Authorization, context.identity.sourceIp')).toEqual([
      'method.request.header.Authorization',
      'context.identity.sourceIp',
    ]);
  });

  it('read headers case-insensitively, query strings, multi-values and context', () => {
    expect(identityValue('method.request.header.Authorization', inputs)).toBe('Bearer t');
    expect(identityValue('method.request.multivalueheader.x-multi', inputs)).toBe('1,2');
    expect(identityValue('method.request.querystring.token', inputs)).toBe('q2');
    expect(identityValue('method.request.multivaluequerystring.token', inputs)).toBe('q1,q2');
    expect(identityValue('context.identity.sourceIp', inputs)).toBe('10.0.0.1');
  });

  it('treat missing and empty values as missing', () => {
    expect(identityValue('method.request.header.X-Absent', inputs)).toBeUndefined();
    expect(identityValue('method.request.header.Empty', inputs)).toBeUndefined();
    expect(identityValue('stageVariables.name', inputs)).toBeUndefined();
  });

  it('reject expressions API Gateway does not know', () => {
    expect(() => identityValue('method.request.body.token', inputs)).toThrow(IdentitySourceError);
  });
});

describe('decodeSegment', () => {
  it('decodes percent escapes and keeps malformed ones as sent', () => {
    expect(decodeSegment('a%20b%2Fc')).toBe('a b/c');
    expect(decodeSegment('100%')).toBe('100%');
  });
});
