import { afterEach, describe, expect, it } from 'vitest';
import { defineEnv, lazy } from '../../../functions/shared/env';

describe('defineEnv', () => {
  afterEach(() => {
    delete process.env.TF_TEST_TABLE;
    delete process.env.TF_TEST_OPTIONAL;
  });

  it('reads a variable at use, not at definition', () => {
    const env = defineEnv(['TF_TEST_TABLE']);
    process.env.TF_TEST_TABLE = 'Products';
    expect(env.TF_TEST_TABLE).toBe('Products');
  });

  it('names a missing required variable at first use', () => {
    const env = defineEnv(['TF_TEST_TABLE']);
    expect(() => env.TF_TEST_TABLE).toThrow('Environment variable TF_TEST_TABLE is not set');
  });

  it('treats an empty required variable as missing', () => {
    const env = defineEnv(['TF_TEST_TABLE']);
    process.env.TF_TEST_TABLE = '';
    expect(() => env.TF_TEST_TABLE).toThrow('Environment variable TF_TEST_TABLE is not set');
  });

  it('gives undefined for a missing optional variable', () => {
    const env = defineEnv([], ['TF_TEST_OPTIONAL']);
    expect(env.TF_TEST_OPTIONAL).toBeUndefined();
    process.env.TF_TEST_OPTIONAL = 'x';
    expect(env.TF_TEST_OPTIONAL).toBe('x');
  });
});

describe('lazy', () => {
  it('creates the value once, at first use', () => {
    let created = 0;
    const client = lazy(() => ({ id: ++created }));
    expect(created).toBe(0);
    expect(client()).toBe(client());
    expect(created).toBe(1);
  });
});
