/**
 * Route matching of a REST API: method + resource path template, the way API Gateway selects
 * a resource. Pure: no sockets, no clock.
 */
import type { MethodModel } from './types';

/** A method selected for a request, with its path parameters (decoded). */
export interface RouteMatch {
  readonly method: MethodModel;
  /** `null` when the resource has no path parameters, as in the proxy event. */
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

interface Node {
  readonly literals: Map<string, Node>;
  /** `{name}` child; API Gateway allows one variable child per resource. */
  param?: { readonly name: string; readonly node: Node };
  /** `{name+}` child: matches one or more remaining segments. */
  greedy?: { readonly name: string; readonly node: Node };
  /** Methods on this resource by upper-case verb (`ANY` included). */
  readonly methods: Map<string, MethodModel>;
}

function emptyNode(): Node {
  return { literals: new Map(), methods: new Map() };
}

/** Splits a path into its non-empty segments: API Gateway ignores empty ones (`/a//b/`). */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

/** Thrown for a model API Gateway itself would refuse to deploy. */
export class InvalidRouteError extends Error {
  override readonly name = 'InvalidRouteError';
}

/**
 * A compiled route table. Build once per registered API; `match` is called per request.
 *
 * Priority follows API Gateway: a literal segment before `{param}` before `{proxy+}`; on a
 * resource, the exact verb before `ANY`. If the most specific resource has no method for the
 * verb, the next candidate resource is tried (so `/{proxy+}` ANY still serves a POST to a
 * literal resource that only has GET).
 */
export class RouteMatcher {
  private readonly root = emptyNode();

  constructor(methods: readonly MethodModel[]) {
    for (const method of methods) this.add(method);
  }

  private add(method: MethodModel): void {
    if (!method.resourcePath.startsWith('/')) {
      throw new InvalidRouteError(`resource path must start with '/': ${method.resourcePath}`);
    }
    const segments = pathSegments(method.resourcePath);
    let node = this.root;
    for (const [index, segment] of segments.entries()) {
      const variable = /^\{([^{}]+)\}$/.exec(segment);
      if (!variable) {
        if (segment.includes('{') || segment.includes('}')) {
          throw new InvalidRouteError(`a path variable must be a whole segment: ${method.resourcePath}`);
        }
        let next = node.literals.get(segment);
        if (!next) {
          next = emptyNode();
          node.literals.set(segment, next);
        }
        node = next;
        continue;
      }
      const rawName = variable[1] as string;
      if (rawName.endsWith('+')) {
        if (index !== segments.length - 1) {
          throw new InvalidRouteError(`a greedy variable must be the last segment: ${method.resourcePath}`);
        }
        const name = rawName.slice(0, -1);
        if (node.greedy && node.greedy.name !== name) {
          throw new InvalidRouteError(`conflicting greedy variables under ${method.resourcePath}`);
        }
        node.greedy ??= { name, node: emptyNode() };
        node = node.greedy.node;
        continue;
      }
      if (node.param && node.param.name !== rawName) {
        // API Gateway rejects sibling variables with different names; so do we, early.
        throw new InvalidRouteError(`conflicting path variables {${node.param.name}} and {${rawName}}`);
      }
      node.param ??= { name: rawName, node: emptyNode() };
      node = node.param.node;
    }
    const verb = method.httpMethod.toUpperCase();
    if (node.methods.has(verb)) {
      throw new InvalidRouteError(`duplicate method ${verb} ${method.resourcePath}`);
    }
    node.methods.set(verb, method);
  }

  /**
   * Finds the method for a request. `segments` are the request path's non-empty segments,
   * already percent-decoded (decoding happens per segment so an encoded `/` stays inside one).
   */
  match(httpMethod: string, segments: readonly string[]): RouteMatch | undefined {
    const params: Record<string, string> = {};
    const method = this.search(this.root, segments, 0, httpMethod.toUpperCase(), params);
    if (!method) return undefined;
    return { method, pathParameters: Object.keys(params).length > 0 ? params : null };
  }

  private search(
    node: Node,
    segments: readonly string[],
    index: number,
    verb: string,
    params: Record<string, string>,
  ): MethodModel | undefined {
    if (index === segments.length) {
      return node.methods.get(verb) ?? node.methods.get('ANY');
    }
    const segment = segments[index] as string;
    const literal = node.literals.get(segment);
    if (literal) {
      const found = this.search(literal, segments, index + 1, verb, params);
      if (found) return found;
    }
    if (node.param) {
      params[node.param.name] = segment;
      const found = this.search(node.param.node, segments, index + 1, verb, params);
      if (found) return found;
      delete params[node.param.name];
    }
    if (node.greedy) {
      const found = node.greedy.node.methods.get(verb) ?? node.greedy.node.methods.get('ANY');
      if (found) {
        params[node.greedy.name] = segments.slice(index).join('/');
        return found;
      }
    }
    return undefined;
  }
}
