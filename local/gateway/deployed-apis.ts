/**
 * The REST APIs the gateway serves, each compiled once into a route table, and the lookup of
 * the method a request under `/restapis/<id>/<stage>/` selects. Pure: no sockets, no clock.
 */
import { createHash } from 'node:crypto';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import { decodeSegment, type IdentityInputs, identityValue, parseIdentitySource } from './request-parts';
import { type RouteMatch, RouteMatcher } from './route-matcher';
import type { AuthorizerModel, RestApiModel } from './types';

/** A registered API with its compiled routes. */
export interface DeployedApi {
  readonly model: RestApiModel;
  readonly matcher: RouteMatcher;
  /** Resource ids by resource path, as `requestContext.resourceId` reports them. */
  readonly resourceIds: ReadonlyMap<string, string>;
}

/** What a request path selects: the method and its path, or the gateway response that refuses it. */
export type RouteLookup =
  | { readonly ok: true; readonly api: DeployedApi; readonly match: RouteMatch; readonly path: string }
  | { readonly ok: false; readonly response: GatewayResponse };

/** A stable six-character resource id, like API Gateway's. */
function resourceIdOf(restApiId: string, resourcePath: string): string {
  return createHash('sha1').update(`${restApiId}\u0000${resourcePath}`).digest('hex').slice(0, 6);
}

/** Throws for an authorizer API Gateway would refuse to deploy. */
export function validateAuthorizer(id: string, authorizer: AuthorizerModel): void {
  const sources = parseIdentitySource(authorizer.identitySource);
  const empty: IdentityInputs = {
    multiValueHeaders: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {},
  };
  // identityValue throws on an expression it cannot read; find that at deploy time, not per request.
  for (const source of sources) identityValue(source, empty);
  if (authorizer.type === 'TOKEN') {
    const only = sources[0];
    if (sources.length !== 1 || !only?.toLowerCase().startsWith('method.request.header.')) {
      throw new Error(`TOKEN authorizer ${id} needs exactly one header identity source`);
    }
  }
  if (!(authorizer.resultTtlSeconds >= 0 && authorizer.resultTtlSeconds <= 3600)) {
    throw new Error(`authorizer ${id}: resultTtlSeconds must be 0-3600`);
  }
}

/** Compiles a model into a {@link DeployedApi}; throws on an invalid model. */
export function compileRestApi(api: RestApiModel): DeployedApi {
  for (const [id, authorizer] of Object.entries(api.authorizers)) validateAuthorizer(id, authorizer);
  for (const method of api.methods) {
    if (method.authorizationType !== 'CUSTOM') continue;
    if (method.authorizerId === undefined || api.authorizers[method.authorizerId] === undefined) {
      throw new Error(
        `${api.name}: ${method.httpMethod} ${method.resourcePath} names unknown authorizer ${String(method.authorizerId)}`,
      );
    }
  }
  const resourceIds = new Map(api.methods.map((m) => [m.resourcePath, resourceIdOf(api.restApiId, m.resourcePath)]));
  return { model: api, matcher: new RouteMatcher(api.methods), resourceIds };
}

/** The registered APIs by id. */
export class DeployedApis {
  private readonly apis = new Map<string, DeployedApi>();

  /** Registers (or replaces, by `restApiId`) an API. Throws on an invalid model. */
  register(api: RestApiModel): void {
    this.apis.set(api.restApiId, compileRestApi(api));
  }

  /** Stops serving an API; an unknown id is ignored. */
  unregister(restApiId: string): void {
    this.apis.delete(restApiId);
  }

  /** The registered models by id (what the management API reads). */
  models(): Map<string, RestApiModel> {
    return new Map([...this.apis].map(([id, api]) => [id, api.model]));
  }

  /**
   * The method for `httpMethod` on `rawPath` (`/restapis/<id>/<stage>/...`, still
   * percent-encoded): 403 Forbidden for an unknown API or stage, 403 Missing Authentication
   * Token for a path or verb no method serves, as API Gateway answers.
   */
  route(httpMethod: string, rawPath: string): RouteLookup {
    const [, , rawApiId = '', rawStage = '', ...rest] = rawPath.split('/');
    const api = this.apis.get(decodeSegment(rawApiId));
    if (!api || decodeSegment(rawStage) !== api.model.stageName) {
      return { ok: false, response: GATEWAY_RESPONSES.FORBIDDEN };
    }
    const segments = rest.filter((segment) => segment.length > 0).map(decodeSegment);
    const match = api.matcher.match(httpMethod, segments);
    if (!match) return { ok: false, response: GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN };
    const path = rest.length === 0 ? '/' : `/${rest.map(decodeSegment).join('/')}`;
    return { ok: true, api, match, path };
  }
}
