/**
 * The route table: every HTTP route of the control-plane API and the tenant API, the
 * service (Lambda function) behind it and the roles allowed to call it. CDK builds the
 * REST APIs from it and the authorizer enforces it, so the two cannot drift apart.
 */

export const ROLES = ['SystemAdmin', 'TenantAdmin', 'TenantUser'] as const;
export type Role = (typeof ROLES)[number];

export type ApiName = 'control-plane' | 'tenant';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The Lambda-backed services; each is one function. */
export type ControlPlaneService =
  | 'registrations'
  | 'tenants'
  | 'executions'
  | 'releases'
  | 'users'
  | 'audit'
  | 'telemetry';
export type TenantService = 'products' | 'orders';

export interface RouteDefinition {
  readonly api: ApiName;
  readonly method: HttpMethod;
  /** API Gateway resource path, with `{param}` placeholders. */
  readonly path: string;
  readonly service: ControlPlaneService | TenantService;
  /** `public` routes have no authorizer; otherwise the roles that may call the route. */
  readonly access: 'public' | readonly Role[];
  /** The audit log's name of the action, for routes that change state (every call is recorded, refused ones too). */
  readonly audit?: string;
}

const ANY_TENANT_ROLE: readonly Role[] = ['TenantAdmin', 'TenantUser'];
const OPERATOR: readonly Role[] = ['SystemAdmin'];
const TENANT_ADMIN: readonly Role[] = ['TenantAdmin'];

export const ROUTES: readonly RouteDefinition[] = [
  { api: 'control-plane', method: 'POST', path: '/registrations', service: 'registrations', access: 'public' },
  {
    api: 'control-plane',
    method: 'GET',
    path: '/registrations/{registrationId}',
    service: 'registrations',
    access: 'public',
  },
  { api: 'control-plane', method: 'GET', path: '/registrations', service: 'registrations', access: OPERATOR },
  // Approving a registration is approving its onboarding execution: one implementation, in executions.
  {
    api: 'control-plane',
    method: 'POST',
    path: '/registrations/{registrationId}/approve',
    service: 'executions',
    access: OPERATOR,
    audit: 'registration.approve',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/registrations/{registrationId}/reject',
    service: 'executions',
    access: OPERATOR,
    audit: 'registration.reject',
  },
  { api: 'control-plane', method: 'GET', path: '/tenant-config/{tenantName}', service: 'tenants', access: 'public' },
  { api: 'control-plane', method: 'GET', path: '/tenants', service: 'tenants', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/tenants/{tenantId}', service: 'tenants', access: OPERATOR },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/tenants/{tenantId}/deactivate',
    service: 'tenants',
    access: OPERATOR,
    audit: 'tenant.deactivate',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/tenants/{tenantId}/activate',
    service: 'tenants',
    access: OPERATOR,
    audit: 'tenant.activate',
  },
  { api: 'control-plane', method: 'GET', path: '/tenants/{tenantId}/traces', service: 'telemetry', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/tenants/{tenantId}/logs', service: 'telemetry', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/traces/{traceId}', service: 'telemetry', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/executions', service: 'executions', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/executions/{executionId}', service: 'executions', access: OPERATOR },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/executions/{executionId}/redrive',
    service: 'executions',
    access: OPERATOR,
    audit: 'execution.redrive',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/executions/{executionId}/stop',
    service: 'executions',
    access: OPERATOR,
    audit: 'execution.stop',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/executions/{executionId}/approve',
    service: 'executions',
    access: OPERATOR,
    audit: 'execution.approve',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/executions/{executionId}/reject',
    service: 'executions',
    access: OPERATOR,
    audit: 'execution.reject',
  },
  // Operators read everything; a tenant admin only their own tenant's entries (checked by the service).
  { api: 'control-plane', method: 'GET', path: '/audit', service: 'audit', access: ['SystemAdmin', 'TenantAdmin'] },
  { api: 'control-plane', method: 'GET', path: '/releases', service: 'releases', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/releases/{releaseId}', service: 'releases', access: OPERATOR },
  { api: 'control-plane', method: 'GET', path: '/users', service: 'users', access: TENANT_ADMIN },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/users',
    service: 'users',
    access: TENANT_ADMIN,
    audit: 'user.create',
  },
  { api: 'control-plane', method: 'GET', path: '/users/{username}', service: 'users', access: TENANT_ADMIN },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/users/{username}/disable',
    service: 'users',
    access: TENANT_ADMIN,
    audit: 'user.disable',
  },
  {
    api: 'control-plane',
    method: 'POST',
    path: '/users/{username}/enable',
    service: 'users',
    access: TENANT_ADMIN,
    audit: 'user.enable',
  },

  { api: 'tenant', method: 'GET', path: '/products', service: 'products', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'POST', path: '/products', service: 'products', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'GET', path: '/products/{productId}', service: 'products', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'PUT', path: '/products/{productId}', service: 'products', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'DELETE', path: '/products/{productId}', service: 'products', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'GET', path: '/orders', service: 'orders', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'POST', path: '/orders', service: 'orders', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'GET', path: '/orders/{orderId}', service: 'orders', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'PUT', path: '/orders/{orderId}', service: 'orders', access: ANY_TENANT_ROLE },
  { api: 'tenant', method: 'DELETE', path: '/orders/{orderId}', service: 'orders', access: ANY_TENANT_ROLE },
];

export function routesOf(api: ApiName): readonly RouteDefinition[] {
  return ROUTES.filter((route) => route.api === api);
}

/**
 * Finds the route for a method and a *resource* path (the template, as API Gateway
 * passes it in `event.resource`), not the concrete request path.
 */
export function findRoute(api: ApiName, method: string, resourcePath: string): RouteDefinition | undefined {
  return ROUTES.find((route) => route.api === api && route.method === method && route.path === resourcePath);
}
