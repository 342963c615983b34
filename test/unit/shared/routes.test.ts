import { describe, expect, it } from 'vitest';
import { findRoute, ROUTES, type RouteDefinition, routesOf } from '../../../contracts/routes';

const key = (route: RouteDefinition) => `${route.api} ${route.method} ${route.path}`;

describe('route table', () => {
  it('makes exactly sign-up, registration status and tenant-config public', () => {
    const publicRoutes = ROUTES.filter((route) => route.access === 'public').map(key);

    expect(publicRoutes.sort()).toEqual([
      'control-plane GET /registrations/{registrationId}',
      'control-plane GET /tenant-config/{tenantName}',
      'control-plane POST /registrations',
    ]);
  });

  it('lets only SystemAdmin call the operator routes', () => {
    const operatorRoutes = routesOf('control-plane').filter(
      (route) =>
        route.access !== 'public' &&
        ['/tenants', '/executions', '/releases', '/traces', '/registrations'].some((prefix) =>
          route.path.startsWith(prefix),
        ),
    );

    expect(operatorRoutes.length).toBeGreaterThanOrEqual(16);
    for (const route of operatorRoutes) expect(route.access, `${route.method} ${route.path}`).toEqual(['SystemAdmin']);
  });

  it('lets every tenant role, and no operator, call the tenant API', () => {
    const tenantRoutes = routesOf('tenant');

    expect(tenantRoutes).toHaveLength(10);
    for (const route of tenantRoutes) {
      expect(route.access).not.toBe('public');
      expect([...route.access].sort()).toEqual(['TenantAdmin', 'TenantUser']);
    }
  });

  it('serves every tenant route of docs/api.md from the service that owns its resource', () => {
    const services = Object.fromEntries(
      routesOf('tenant').map((route) => [`${route.method} ${route.path}`, route.service]),
    );

    expect(services).toEqual({
      'GET /products': 'products',
      'POST /products': 'products',
      'GET /products/{productId}': 'products',
      'PUT /products/{productId}': 'products',
      'DELETE /products/{productId}': 'products',
      'GET /orders': 'orders',
      'POST /orders': 'orders',
      'GET /orders/{orderId}': 'orders',
      'PUT /orders/{orderId}': 'orders',
      'DELETE /orders/{orderId}': 'orders',
    });
  });

  it('has no route twice', () => {
    const keys = ROUTES.map(key);

    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds a route by its resource template, not by a concrete request path', () => {
    expect(findRoute('tenant', 'GET', '/products/{productId}')?.service).toBe('products');
    expect(findRoute('tenant', 'GET', '/products/p-1')).toBeUndefined();
  });

  it('keeps the two APIs apart', () => {
    expect(findRoute('control-plane', 'GET', '/products')).toBeUndefined();
    expect(findRoute('tenant', 'POST', '/registrations')).toBeUndefined();
    expect(routesOf('control-plane').every((route) => route.api === 'control-plane')).toBe(true);
  });
});
