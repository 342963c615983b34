import { describe, expect, it } from 'vitest';
import { ContractDriftError, checkResponse } from '../../support/contract-check';

const CP = 'http://127.0.0.1:4000/restapis/cp1/prod/';
const TENANT = 'http://127.0.0.1:4000/restapis/t1/prod';
const product = { productId: 'p-1', name: 'Anvil', price: 19.99, createdAt: '2026-12-01T00:00:00.000Z' };

describe('checkResponse', () => {
  it('accepts a response that matches its route’s schema', () => {
    expect(() => checkResponse('GET', `${TENANT}/products/p-1`, 200, product, CP)).not.toThrow();
    expect(() => checkResponse('DELETE', `${TENANT}/products/p-1`, 204, undefined, CP)).not.toThrow();
  });

  it('fails on a field the contract does not list', () => {
    expect(() => checkResponse('GET', `${TENANT}/products/p-1`, 200, { ...product, tenantId: 'x' }, CP)).toThrow(
      /GET \/products\/\{productId\} → 200 does not match the contract: \/ must NOT have additional properties \(tenantId\)/,
    );
  });

  it('fails on a status the route does not declare', () => {
    expect(() => checkResponse('POST', `${CP}registrations`, 200, {}, CP)).toThrow(ContractDriftError);
  });

  it('holds errors to the error body', () => {
    expect(() => checkResponse('GET', `${CP}tenants/x`, 404, { message: 'Tenant not found' }, CP)).not.toThrow();
    expect(() => checkResponse('GET', `${CP}tenants/x`, 404, { error: 'nope' }, CP)).toThrow(/→ 404 does not match/);
  });

  it('tells the control plane from a tenant API by its base URL', () => {
    // /users is a control-plane route; on a tenant API it is no route, so nothing is checked.
    expect(() => checkResponse('GET', `${TENANT}/users`, 200, { anything: true }, CP)).not.toThrow();
    expect(() => checkResponse('GET', `${CP}users`, 200, { anything: true }, CP)).toThrow(ContractDriftError);
  });

  it('does not check URLs outside the APIs', () => {
    expect(() => checkResponse('GET', 'http://127.0.0.1:4000/config.json', 200, { x: 1 }, CP)).not.toThrow();
  });
});
