/**
 * The operations of both APIs: for every route of the route table (routes.ts), its summary, its
 * request body, query and response schemas. The OpenAPI documents (scripts/generate-contracts.ts),
 * the build-time validators and the integration tests' response checks are all generated from
 * here. Kept apart from routes.ts so the authorizer, which needs only the route table, bundles no
 * schema.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { ROUTES, type RouteDefinition } from './routes';
import { WORKFLOW_KINDS } from './rules';
import { ErrorBody, PAGE_QUERY } from './schemas/common';
import * as cp from './schemas/control-plane';
import * as tapi from './schemas/tenant-api';

export interface Operation {
  readonly summary: string;
  /** The request body's schema (it carries a `$id`: the validator is compiled under that name). */
  readonly body?: TSchema;
  /** Query parameters, by name (all optional). */
  readonly query?: Readonly<Record<string, TSchema>>;
  /** Success responses by status code; `null` is a response without a body. */
  readonly responses: Readonly<Record<number, (TSchema & { $id?: string }) | null>>;
  /** Error statuses this operation answers besides 400/401/403/429/500 (always possible). */
  readonly errors?: readonly number[];
  /** Request headers the operation reads. */
  readonly headers?: Readonly<Record<string, string>>;
}

const LIST = PAGE_QUERY;
/** The time window of the telemetry lists. */
const WINDOW_QUERY = {
  from: Type.String({ description: 'ISO 8601 start of the window (default: `to` minus one hour)' }),
  to: Type.String({ description: 'ISO 8601 end of the window (default: now); at most 24 hours after `from`' }),
};

/** Keyed `METHOD path` (the resource template), as the route table and API Gateway name routes. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'POST /registrations': {
    summary: 'Sign up a tenant: reserves the name and starts one onboarding execution',
    body: cp.RegistrationRequest,
    headers: { 'Idempotency-Key': 'the same key and body return the same registration' },
    responses: { 202: cp.RegistrationAccepted },
    errors: [409, 422, 503],
  },
  'GET /registrations/{registrationId}': {
    summary: 'A registration’s status and its onboarding steps',
    responses: { 200: cp.Registration },
    errors: [404],
  },
  'GET /registrations': {
    summary: 'Registrations waiting for an operator’s approval (operators), oldest first',
    query: { status: Type.Literal('AWAITING_APPROVAL', { default: 'AWAITING_APPROVAL' }), ...LIST },
    responses: { 200: cp.RegistrationPage },
  },
  'POST /registrations/{registrationId}/approve': {
    summary: 'Approve a registration waiting for approval: its onboarding continues',
    responses: { 200: cp.Execution },
    errors: [404, 409],
  },
  'POST /registrations/{registrationId}/reject': {
    summary:
      'Reject a registration waiting for approval: nothing is created, the name is freed, the applicant is told why',
    body: cp.RejectRequest,
    responses: { 200: cp.Execution },
    errors: [404, 409],
  },
  'GET /tenant-config/{tenantName}': {
    summary: 'What a client needs to sign a tenant’s users in and call its API',
    responses: { 200: cp.TenantConfig },
    errors: [404],
  },
  'GET /tenants': { summary: 'Tenants (operators)', query: LIST, responses: { 200: cp.TenantPage } },
  'GET /tenants/{tenantId}': { summary: 'One tenant', responses: { 200: cp.Tenant }, errors: [404] },
  'POST /tenants/{tenantId}/deactivate': {
    summary: 'Deactivate a tenant: its users are disabled and its API calls get 403',
    responses: { 200: cp.Tenant },
    errors: [404, 409],
  },
  'POST /tenants/{tenantId}/activate': {
    summary: 'Activate an inactive tenant again',
    responses: { 200: cp.Tenant },
    errors: [404, 409],
  },
  'GET /tenants/{tenantId}/traces': {
    summary: 'A tenant’s recent requests (X-Ray traces annotated with its id), newest first',
    query: { ...WINDOW_QUERY, ...LIST },
    responses: { 200: cp.TraceSummaryPage },
    errors: [404],
  },
  'GET /tenants/{tenantId}/logs': {
    summary: 'A tenant’s log lines across the log groups that can hold them, oldest first',
    query: {
      ...WINDOW_QUERY,
      level: Type.Union(
        cp.LOG_LEVELS.map((level) => Type.Literal(level)),
        { description: 'only lines of this level' },
      ),
      ...LIST,
    },
    responses: { 200: cp.LogLinePage },
    errors: [404],
  },
  'GET /traces/{traceId}': {
    summary: 'One trace: its segments and subsegments as a waterfall',
    responses: { 200: cp.TraceDetail },
    errors: [404],
  },
  'GET /executions': {
    summary: 'Workflow executions, newest first (of one tenant: `tenantId`; of one workflow: `kind`)',
    query: {
      status: Type.Union(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].map((s) => Type.Literal(s))),
      kind: Type.Union(WORKFLOW_KINDS.map((kind) => Type.Literal(kind))),
      tenantId: Type.String(),
      ...LIST,
    },
    responses: { 200: cp.ExecutionPage },
  },
  'GET /executions/{executionId}': {
    summary: 'One execution with its definition and event history',
    responses: { 200: cp.ExecutionDetail },
    errors: [404],
  },
  'POST /executions/{executionId}/redrive': {
    summary: 'Restart a failed or aborted execution from the step that failed',
    responses: { 202: cp.Execution },
    errors: [404, 409],
  },
  'POST /executions/{executionId}/stop': {
    summary: 'Stop a running execution (an onboarding is then cleaned up)',
    responses: { 200: cp.Execution },
    errors: [404, 409],
  },
  'POST /executions/{executionId}/approve': {
    summary: 'Approve a lifecycle execution waiting for approval: it continues',
    responses: { 200: cp.Execution },
    errors: [404, 409],
  },
  'POST /executions/{executionId}/reject': {
    summary: 'Reject a lifecycle execution waiting for approval: it ends without changing anything',
    body: cp.RejectRequest,
    responses: { 200: cp.Execution },
    errors: [404, 409],
  },
  'GET /audit': {
    summary:
      'The audit log, newest first: operators read every entry; a tenant admin only their own tenant’s (tenantId required)',
    query: {
      tenantId: Type.String(),
      from: Type.String({ description: 'ISO date or date-time; default 30 days before `to`' }),
      to: Type.String({ description: 'ISO date or date-time; default now' }),
      ...LIST,
    },
    responses: { 200: cp.AuditPage },
  },
  'GET /releases': {
    summary: 'Releases (fan-outs to the silo tenant stacks), newest first',
    query: {
      status: Type.Union(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].map((s) => Type.Literal(s))),
      ...LIST,
    },
    responses: { 200: cp.ReleasePage },
  },
  'GET /releases/{releaseId}': {
    summary: 'One release: its waves and each tenant’s outcome',
    responses: { 200: cp.ReleaseDetail },
    errors: [404],
  },
  'GET /users': { summary: 'The caller’s tenant’s users', query: LIST, responses: { 200: cp.TenantUserPage } },
  'POST /users': {
    summary: 'Create a user; a temporary password is mailed',
    body: cp.NewUser,
    responses: { 201: cp.TenantUser },
    errors: [409],
  },
  'GET /users/{username}': { summary: 'One user', responses: { 200: cp.TenantUser }, errors: [404] },
  'POST /users/{username}/disable': { summary: 'Disable a user', responses: { 200: cp.TenantUser }, errors: [404] },
  'POST /users/{username}/enable': { summary: 'Enable a user', responses: { 200: cp.TenantUser }, errors: [404] },

  'GET /products': { summary: 'The tenant’s products', query: LIST, responses: { 200: tapi.ProductPage } },
  'POST /products': { summary: 'Create a product', body: tapi.ProductInput, responses: { 201: tapi.Product } },
  'GET /products/{productId}': { summary: 'One product', responses: { 200: tapi.Product }, errors: [404] },
  'PUT /products/{productId}': {
    summary: 'Replace a product',
    body: tapi.ProductInput,
    responses: { 200: tapi.Product },
    errors: [404],
  },
  'DELETE /products/{productId}': { summary: 'Delete a product', responses: { 204: null }, errors: [404] },
  'GET /orders': { summary: 'The tenant’s orders', query: LIST, responses: { 200: tapi.OrderPage } },
  'POST /orders': {
    summary: 'Place an order; lines name products of the same tenant, the total is computed',
    body: tapi.NewOrder,
    responses: { 201: tapi.Order },
  },
  'GET /orders/{orderId}': { summary: 'One order', responses: { 200: tapi.Order }, errors: [404] },
  'PUT /orders/{orderId}': {
    summary: 'Change an order’s lines or status',
    body: tapi.OrderUpdate,
    responses: { 200: tapi.Order },
    errors: [404],
  },
  'DELETE /orders/{orderId}': { summary: 'Delete an order', responses: { 204: null }, errors: [404] },
};

/** The operation of a route; every route of the table has one (a unit test holds them together). */
export function operationOf(route: Pick<RouteDefinition, 'method' | 'path'>): Operation | undefined {
  return OPERATIONS[`${route.method} ${route.path}`];
}

/** Every schema with an `$id` that a request body or a response names, deduplicated. */
export function namedSchemas(): Map<string, TSchema> {
  const schemas = new Map<string, TSchema>();
  for (const route of ROUTES) {
    const operation = operationOf(route);
    for (const schema of [operation?.body, ...Object.values(operation?.responses ?? {})]) {
      if (schema?.$id) schemas.set(schema.$id, schema);
    }
  }
  schemas.set('ErrorBody', ErrorBody);
  return schemas;
}
