/**
 * Holds every API response a test client receives to the contract: the response schema its
 * route and status name in contracts/api.ts (errors: ErrorBody). A field the contract does not
 * list, a missing one, a wrong type or an undeclared status fails the test that saw it, so the
 * API cannot drift from its documents unnoticed.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { operationOf } from '../../contracts/api';
import { type ApiName, routesOf } from '../../contracts/routes';
import { ErrorBody } from '../../contracts/schemas/common';

const compiled = new Map<object, ValidateFunction>();
const validatorOf = (schema: object) => {
  let validate = compiled.get(schema);
  if (!validate) {
    // One Ajv per response schema: a named schema (Tenant) also sits inside others (TenantPage).
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
};

const routeMatchers = (api: ApiName) =>
  routesOf(api).map((route) => ({
    route,
    pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
  }));
const MATCHERS = { 'control-plane': routeMatchers('control-plane'), tenant: routeMatchers('tenant') };

/** A REST API's URL on the local cloud: `<origin>/restapis/<id>/<stage>/<path>`. */
const REST_API_URL = /^(.*\/restapis\/[^/]+\/[^/]+)(\/[^?]*)?(\?.*)?$/;

export class ContractDriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractDriftError';
  }
}

/**
 * Checks one response. `controlPlaneApiUrl` tells the control plane from the tenant APIs; URLs of
 * neither (the console origin, Cognito) are not checked.
 */
export function checkResponse(
  method: string,
  url: string,
  status: number,
  body: unknown,
  controlPlaneApiUrl: string,
): void {
  const parts = REST_API_URL.exec(url);
  if (!parts) return;
  const api: ApiName = url.startsWith(controlPlaneApiUrl.replace(/\/$/, '')) ? 'control-plane' : 'tenant';
  const path = (parts[2] ?? '/').replace(/\/{2,}/g, '/');
  const match = MATCHERS[api].find((m) => m.route.method === method.toUpperCase() && m.pattern.test(path));
  if (!match) return; // an unknown route: the API answers 403/404 itself, outside any operation
  const operation = operationOf(match.route);
  const where = `${method.toUpperCase()} ${match.route.path} → ${status}`;
  if (status >= 400) {
    if (!validatorOf(ErrorBody)(body)) throw drift(where, validatorOf(ErrorBody), body);
    return;
  }
  if (!operation || !(status in operation.responses)) {
    throw new ContractDriftError(`${where}: the contract declares no ${status} response for this route`);
  }
  const schema = operation.responses[status];
  if (schema === null) {
    if (body !== undefined && body !== '') throw new ContractDriftError(`${where}: a body where the contract has none`);
    return;
  }
  const validate = validatorOf(schema as object);
  if (!validate(body)) throw drift(where, validate, body);
}

function drift(where: string, validate: ValidateFunction, body: unknown): ContractDriftError {
  const problems = (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${e.params.additionalProperty})` : ''}`,
  );
  return new ContractDriftError(
    `${where} does not match the contract: ${problems.join('; ')}; body: ${JSON.stringify(body).slice(0, 500)}`,
  );
}
