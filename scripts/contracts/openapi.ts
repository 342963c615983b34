/**
 * The OpenAPI 3.1 documents of the control-plane and tenant APIs, generated from the route table
 * (contracts/routes.ts: paths, methods, access) and the operations' schemas (contracts/api.ts).
 */
import type { TSchema } from '@sinclair/typebox';
import { type Operation, operationOf } from '../../contracts/api';
import { type ApiName, type RouteDefinition, routesOf } from '../../contracts/routes';
import { ErrorBody } from '../../contracts/schemas/common';

type Json = Record<string, unknown>;

const TITLES: Record<ApiName, { title: string; description: string; server: string }> = {
  'control-plane': {
    title: 'tenantflow control-plane API',
    description:
      'Sign-up and registration status (public), tenants, workflow executions and releases (operators), and a tenant admin’s users. Base URL: `controlPlaneApiUrl` of the console’s config.json.',
    server: 'controlPlaneApiUrl (config.json)',
  },
  tenant: {
    title: 'tenantflow tenant API',
    description:
      'Products and orders of the caller’s tenant; every list holds the caller’s tenant’s items only. Base URL: the tenant’s `apiUrl` (GET /tenant-config/{tenantName}).',
    server: 'the tenant’s apiUrl (tenant-config)',
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` names every bad field',
  401: 'Missing, invalid or expired token',
  403: 'Valid token, but not allowed (role, tenant, inactive tenant)',
  404: 'Not found (also another tenant’s ids)',
  409: 'Conflict: the name is taken, or the state does not allow it',
  422: 'The Idempotency-Key was used with another body',
  429: 'Throttled or over the tier’s quota',
  503: 'A dependency is unavailable; nothing was kept, retry (see Retry-After)',
};

/** Replaces nested schemas that carry an `$id` by a `$ref` to components, collecting them. */
function referenced(schema: TSchema, components: Map<string, Json>, root = true): Json {
  const id = (schema as { $id?: string }).$id;
  if (id && !root) {
    if (!components.has(id)) components.set(id, referenced(schema, components, true));
    return { $ref: `#/components/schemas/${id}` };
  }
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    if ((value as { $id?: string }).$id) return referenced(value as TSchema, components, false);
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, walk(member)]));
  };
  const { $id: _id, ...rest } = schema as Json;
  return walk(rest) as Json;
}

function refTo(schema: TSchema, components: Map<string, Json>): Json {
  const id = (schema as { $id?: string }).$id;
  return id ? referenced(schema, components, false) : referenced(schema, components);
}

function operationObject(route: RouteDefinition, operation: Operation, components: Map<string, Json>): Json {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryParams = Object.entries(operation.query ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: referenced(schema, components),
  }));
  const headerParams = Object.entries(operation.headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  }));
  const responses: Json = {};
  for (const [status, schema] of Object.entries(operation.responses)) {
    responses[status] = schema
      ? { description: 'Success', content: { 'application/json': { schema: refTo(schema, components) } } }
      : { description: 'Success, no body' };
  }
  const errorStatuses = [
    ...(operation.body || queryParams.length > 0 || pathParams.length > 0 ? [400] : []),
    ...(route.access === 'public' ? [] : [401, 403]),
    ...(operation.errors ?? []),
    429,
  ];
  for (const status of [...new Set(errorStatuses)].sort()) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/json': { schema: refTo(ErrorBody, components) } },
    };
  }
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/(^|[/-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    summary: operation.summary,
    tags: [route.service],
    ...(route.access === 'public'
      ? { security: [] }
      : { 'x-tenantflow-roles': route.access, security: [{ cognitoIdToken: [] }] }),
    ...(pathParams.length + queryParams.length + headerParams.length > 0
      ? { parameters: [...pathParams, ...queryParams, ...headerParams] }
      : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: refTo(operation.body, components) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of one API. */
export function openApiDocument(api: ApiName, version: string): Json {
  const components = new Map<string, Json>();
  const paths: Record<string, Json> = {};
  for (const route of routesOf(api)) {
    const operation = operationOf(route);
    if (!operation) throw new Error(`No operation in contracts/api.ts for ${route.method} ${route.path}`);
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: operationObject(route, operation, components),
    };
  }
  const { title, description, server } = TITLES[api];
  return {
    openapi: '3.1.0',
    info: { title, version, description },
    servers: [{ url: '/', description: server }],
    paths,
    components: {
      schemas: Object.fromEntries([...components.entries()].sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        cognitoIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito ID token of the right user pool (`Authorization: Bearer <IdToken>`)',
        },
      },
    },
  };
}
