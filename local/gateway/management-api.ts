/**
 * The API Gateway management operations onboarding needs (API keys, usage plans, usage-plan
 * keys), in the restJson shapes `@aws-sdk/client-api-gateway` sends and parses. Transport-free:
 * the server in `local-api-gateway.ts` turns HTTP into a {@link ManagementRequest} and back.
 */
import { type ApiKeyChanges, type ApiKeyRecord, type ApiKeyStore, newApiKeyId, newApiKeyValue } from './api-key-store';
import { decodeSegment } from './request-parts';
import type { RestApiModel, UsagePlanModel } from './types';

/** What the operations read and change. */
export interface ManagementContext {
  readonly store: ApiKeyStore;
  usagePlans(): ReadonlyMap<string, UsagePlanModel>;
  restApis(): ReadonlyMap<string, RestApiModel>;
  now(): number;
  /** Called when a key leaves a plan or is deleted, so its throttle/quota state goes too. */
  onKeyRemoved(keyId: string): void;
}

/** A decoded management request. */
export interface ManagementRequest {
  readonly method: string;
  /** The URL path, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The parsed JSON body (undefined if none). */
  readonly body: unknown;
}

/** A management reply; `errorType` set for errors (sent as `x-amzn-ErrorType`). */
export interface ManagementReply {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly errorType?: string;
}

/** An API Gateway service error; the SDK raises the exception class named by `errorType`. */
export class ManagementError extends Error {
  override readonly name = 'ManagementError';
  constructor(
    readonly statusCode: number,
    readonly errorType: 'BadRequestException' | 'NotFoundException' | 'ConflictException' | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string): ManagementError => new ManagementError(400, 'BadRequestException', message);
const notFound = (message: string): ManagementError => new ManagementError(404, 'NotFoundException', message);
const conflict = (message: string): ManagementError => new ManagementError(409, 'ConflictException', message);

const toEpochSeconds = (ms: number): number => Math.floor(ms / 1000);

function apiKeyJson(key: ApiKeyRecord, includeValue: boolean): Record<string, unknown> {
  return {
    id: key.id,
    ...(includeValue ? { value: key.value } : {}),
    name: key.name,
    ...(key.customerId !== undefined ? { customerId: key.customerId } : {}),
    ...(key.description !== undefined ? { description: key.description } : {}),
    enabled: key.enabled,
    createdDate: toEpochSeconds(key.createdDate),
    lastUpdatedDate: toEpochSeconds(key.lastUpdatedDate),
    stageKeys: [],
    tags: key.tags,
  };
}

function usagePlanJson(plan: UsagePlanModel): Record<string, unknown> {
  return {
    id: plan.id,
    name: plan.name,
    apiStages: plan.apiStages.map((stage) => ({ apiId: stage.restApiId, stage: stage.stage })),
    ...(plan.throttle
      ? { throttle: { burstLimit: plan.throttle.burstLimit, rateLimit: plan.throttle.rateLimit } }
      : {}),
    ...(plan.quota ? { quota: { limit: plan.quota.limit, offset: 0, period: plan.quota.period } } : {}),
    tags: {},
  };
}

function usagePlanKeyJson(key: ApiKeyRecord): Record<string, unknown> {
  return { id: key.id, type: 'API_KEY', value: key.value, name: key.name };
}

/** One page of `items`; `position` is the id of the last item of the previous page. */
function page<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  query: URLSearchParams,
): { readonly items: T[]; readonly position?: string } {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? 25 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit must be between 1 and 500');
  const position = query.get('position');
  const start = position === null ? 0 : items.findIndex((item) => idOf(item) > position);
  const rest = start < 0 ? [] : items.slice(start);
  const selected = rest.slice(0, limit);
  const last = selected[selected.length - 1];
  return rest.length > limit && last !== undefined ? { items: selected, position: idOf(last) } : { items: selected };
}

function listJson<T>(result: { items: T[]; position?: string }, map: (item: T) => unknown): Record<string, unknown> {
  // API Gateway's lists use the JSON name "item" for their items.
  return { item: result.items.map(map), ...(result.position !== undefined ? { position: result.position } : {}) };
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  return value;
}

function stringMap(body: Record<string, unknown>, field: string): Record<string, string> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be a map of strings`);
  for (const item of Object.values(value)) {
    if (typeof item !== 'string') throw badRequest(`${field} must be a map of strings`);
  }
  return value as Record<string, string>;
}

function requireKey(ctx: ManagementContext, id: string): ApiKeyRecord {
  const key = ctx.store.get(id);
  if (!key) throw notFound('Invalid API Key identifier specified');
  return key;
}

function requirePlan(ctx: ManagementContext, id: string): UsagePlanModel {
  const plan = ctx.usagePlans().get(id);
  if (!plan) throw notFound('Invalid Usage Plan ID specified');
  return plan;
}

async function createApiKey(ctx: ManagementContext, rawBody: unknown): Promise<ManagementReply> {
  const body = bodyObject(rawBody);
  const value = optionalString(body, 'value') ?? newApiKeyValue();
  if (value.length < 20 || value.length > 128) throw badRequest('API Key value should be at least 20 characters');
  if (ctx.store.findByValue(value)) throw conflict('API Key already exists');
  const enabled = body.enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw badRequest('enabled must be a boolean');
  let id = newApiKeyId();
  while (ctx.store.get(id)) id = newApiKeyId();
  const now = ctx.now();
  const description = optionalString(body, 'description');
  const customerId = optionalString(body, 'customerId');
  const key = await ctx.store.create({
    id,
    value,
    name: optionalString(body, 'name') ?? id,
    ...(description !== undefined ? { description } : {}),
    // API Gateway creates keys disabled unless told otherwise.
    enabled: enabled ?? false,
    ...(customerId !== undefined ? { customerId } : {}),
    createdDate: now,
    lastUpdatedDate: now,
    tags: stringMap(body, 'tags'),
  });
  return { statusCode: 201, body: apiKeyJson(key, true) };
}

function applyPatch(rawBody: unknown): ApiKeyChanges {
  const body = bodyObject(rawBody);
  const operations = body.patchOperations ?? [];
  if (!Array.isArray(operations)) throw badRequest('patchOperations must be a list');
  const changes: { -readonly [K in keyof ApiKeyChanges]: ApiKeyChanges[K] } = {};
  for (const raw of operations) {
    const operation = bodyObject(raw);
    const op = operation.op;
    const path = operation.path;
    const value = operation.value;
    if (op !== 'replace') throw badRequest(`Invalid patch operation specified. Must be 'replace' for ${String(path)}`);
    switch (path) {
      case '/enabled':
        if (value !== 'true' && value !== 'false') throw badRequest("Invalid value for /enabled: 'true' or 'false'");
        changes.enabled = value === 'true';
        break;
      case '/name':
      case '/description':
      case '/customerId':
        if (typeof value !== 'string') throw badRequest(`Invalid value for ${path}`);
        changes[path.slice(1) as 'name' | 'description' | 'customerId'] = value;
        break;
      default:
        throw badRequest(`Invalid patch path ${String(path)}`);
    }
  }
  return changes;
}

function stagesOverlap(a: UsagePlanModel, b: UsagePlanModel): string | undefined {
  for (const stage of a.apiStages) {
    if (b.apiStages.some((other) => other.restApiId === stage.restApiId && other.stage === stage.stage)) {
      return `${stage.restApiId}:${stage.stage}`;
    }
  }
  return undefined;
}

async function createUsagePlanKey(ctx: ManagementContext, planId: string, rawBody: unknown): Promise<ManagementReply> {
  const plan = requirePlan(ctx, planId);
  const body = bodyObject(rawBody);
  const keyId = optionalString(body, 'keyId');
  if (keyId === undefined) throw badRequest('keyId is required');
  if (body.keyType !== 'API_KEY') throw badRequest('Invalid key type specified: keyType must be API_KEY');
  const key = requireKey(ctx, keyId);
  if (ctx.store.hasPlanKey(planId, keyId)) {
    throw conflict(`Usage Plan ${planId} cannot be added because API Key ${keyId} is already on it`);
  }
  // API Gateway forbids a key on two plans that share an API stage: which limits would apply?
  for (const otherId of ctx.store.planIdsOfKey(keyId)) {
    const other = ctx.usagePlans().get(otherId);
    const shared = other ? stagesOverlap(plan, other) : undefined;
    if (shared) {
      throw conflict(
        `Usage Plan ${planId} cannot be added because API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${shared}`,
      );
    }
  }
  await ctx.store.addPlanKey(planId, keyId);
  return { statusCode: 201, body: usagePlanKeyJson(key) };
}

function restApiJson(api: RestApiModel): Record<string, unknown> {
  return { id: api.restApiId, name: api.name, apiKeySource: api.apiKeySource };
}

/** Serves one management request; a {@link ManagementError} becomes an error reply. */
export async function handleManagementRequest(
  ctx: ManagementContext,
  request: ManagementRequest,
): Promise<ManagementReply> {
  try {
    return await route(ctx, request);
  } catch (error) {
    if (error instanceof ManagementError) {
      return { statusCode: error.statusCode, errorType: error.errorType, body: { message: error.message } };
    }
    throw error;
  }
}

async function route(ctx: ManagementContext, request: ManagementRequest): Promise<ManagementReply> {
  const segments = request.path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map(decodeSegment);
  const { method, query } = request;
  const [collection, id, sub, subId] = segments;
  const extra = segments.length > 4;

  if (collection === 'apikeys' && !extra && sub === undefined) {
    if (id === undefined) {
      if (method === 'POST') return createApiKey(ctx, request.body);
      if (method === 'GET') {
        const nameQuery = query.get('name');
        const customerId = query.get('customerId');
        const includeValues = query.get('includeValues') === 'true';
        const keys = ctx.store
          .list()
          .filter((key) => (nameQuery === null ? true : key.name.startsWith(nameQuery)))
          .filter((key) => (customerId === null ? true : key.customerId === customerId));
        return {
          statusCode: 200,
          body: listJson(
            page(keys, (key) => key.id, query),
            (key) => apiKeyJson(key, includeValues),
          ),
        };
      }
    } else {
      if (method === 'GET') {
        return { statusCode: 200, body: apiKeyJson(requireKey(ctx, id), query.get('includeValue') === 'true') };
      }
      if (method === 'PATCH') {
        requireKey(ctx, id);
        const updated = await ctx.store.update(id, applyPatch(request.body), ctx.now());
        if (!updated) throw notFound('Invalid API Key identifier specified');
        return { statusCode: 200, body: apiKeyJson(updated, false) };
      }
      if (method === 'DELETE') {
        if (!(await ctx.store.delete(id))) throw notFound('Invalid API Key identifier specified');
        ctx.onKeyRemoved(id);
        return { statusCode: 202 };
      }
    }
  }

  if (collection === 'usageplans' && !extra) {
    if (id === undefined && method === 'GET') {
      const keyId = query.get('keyId');
      const plans = [...ctx.usagePlans().values()]
        .filter((plan) => (keyId === null ? true : ctx.store.hasPlanKey(plan.id, keyId)))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return {
        statusCode: 200,
        body: listJson(
          page(plans, (plan) => plan.id, query),
          usagePlanJson,
        ),
      };
    }
    if (id !== undefined && sub === undefined && method === 'GET') {
      return { statusCode: 200, body: usagePlanJson(requirePlan(ctx, id)) };
    }
    if (id !== undefined && sub === 'keys') {
      if (subId === undefined && method === 'POST') return createUsagePlanKey(ctx, id, request.body);
      if (subId === undefined && method === 'GET') {
        requirePlan(ctx, id);
        const nameQuery = query.get('name');
        const keys = ctx.store
          .keyIdsOfPlan(id)
          .map((keyId) => ctx.store.get(keyId))
          .filter((key): key is ApiKeyRecord => key !== undefined)
          .filter((key) => (nameQuery === null ? true : key.name.startsWith(nameQuery)))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return {
          statusCode: 200,
          body: listJson(
            page(keys, (key) => key.id, query),
            usagePlanKeyJson,
          ),
        };
      }
      if (subId !== undefined && method === 'GET') {
        requirePlan(ctx, id);
        const key = ctx.store.hasPlanKey(id, subId) ? ctx.store.get(subId) : undefined;
        if (!key) throw notFound('Invalid Usage Plan Key specified');
        return { statusCode: 200, body: usagePlanKeyJson(key) };
      }
      if (subId !== undefined && method === 'DELETE') {
        requirePlan(ctx, id);
        if (!(await ctx.store.removePlanKey(id, subId))) throw notFound('Invalid Usage Plan Key specified');
        ctx.onKeyRemoved(subId);
        return { statusCode: 202 };
      }
    }
  }

  if (collection === 'restapis' && sub === undefined && method === 'GET') {
    if (id === undefined) {
      const apis = [...ctx.restApis().values()].sort((a, b) => (a.restApiId < b.restApiId ? -1 : 1));
      return {
        statusCode: 200,
        body: listJson(
          page(apis, (api) => api.restApiId, query),
          restApiJson,
        ),
      };
    }
    const api = ctx.restApis().get(id);
    if (!api) throw notFound('Invalid API identifier specified');
    return { statusCode: 200, body: restApiJson(api) };
  }

  throw new ManagementError(
    501,
    'UnknownOperationException',
    `The local API Gateway does not implement ${method} ${request.path}`,
  );
}
