import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../functions/shared/ttl-cache';

describe('TtlCache', () => {
  it('returns a value until its TTL passes', () => {
    const cache = new TtlCache<string>(10);
    cache.set('k', 'v', 1000, 0);
    expect(cache.get('k', 999)).toBe('v');
    expect(cache.get('k', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stores nothing with a TTL of zero', () => {
    const cache = new TtlCache<string>(10);
    cache.set('k', 'v', 0, 0);
    expect(cache.get('k', 0)).toBeUndefined();
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new TtlCache<number>(2);
    cache.set('a', 1, 1000, 0);
    cache.set('b', 2, 1000, 0);
    cache.get('a', 1); // a is now the most recently used
    cache.set('c', 3, 1000, 2);
    expect(cache.get('b', 3)).toBeUndefined();
    expect(cache.get('a', 3)).toBe(1);
    expect(cache.get('c', 3)).toBe(3);
  });

  it('deletes entries by key prefix', () => {
    const cache = new TtlCache<number>(10);
    cache.set('api1\u0000x', 1, 1000, 0);
    cache.set('api2\u0000x', 2, 1000, 0);
    cache.deletePrefix('api1\u0000');
    expect(cache.get('api1\u0000x', 1)).toBeUndefined();
    expect(cache.get('api2\u0000x', 1)).toBe(2);
  });
});
