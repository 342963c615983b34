import { describe, expect, it } from 'vitest';
import { OPERATIONS, operationOf } from '../../../contracts/api';
import { ROUTES } from '../../../contracts/routes';
import { staleFiles } from '../../../scripts/generate-contracts';

describe('the API contract', () => {
  it('gives every route of the route table an operation with a success response', () => {
    const missing = ROUTES.filter((route) => !operationOf(route)).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    for (const route of ROUTES) expect(Object.keys(operationOf(route)?.responses ?? {}).length).toBeGreaterThan(0);
  });

  it('describes no operation the route table does not serve', () => {
    const routes = new Set(ROUTES.map((route) => `${route.method} ${route.path}`));
    expect(Object.keys(OPERATIONS).filter((key) => !routes.has(key))).toEqual([]);
  });

  it('keeps the committed validators, OpenAPI documents and reference page current (npm run contracts)', () => {
    expect(staleFiles()).toEqual([]);
  });
});
