/**
 * Runs a parsed filter expression against a trace's facts, with X-Ray's meanings: keywords ask
 * the whole trace (its entry point for `http.*` and `responsetime`, any service for `fault`),
 * inside `service() { … }` they ask one segment of that service; a condition on a value the
 * trace does not have (no such annotation, no HTTP status) is false, whatever its operator.
 * Pure.
 */
import type { FilterNode, NumberOp, StringOp } from './filter-expression';
import type { AnnotationScalar } from './segment-document';
import type { Scope, ServiceScope, TraceFacts } from './trace-facts';

/** Resolves `group.name = "…"` / `group.arn = "…"` to that group's parsed filter (undefined: no filter). */
export type GroupFilterLookup = (by: 'name' | 'arn', value: string) => FilterNode | undefined;

function compareNumber(actual: number | undefined, op: NumberOp, expected: number): boolean {
  if (actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

function compareString(actual: string | undefined, op: StringOp, expected: string): boolean {
  if (actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'CONTAINS':
      return actual.includes(expected);
    case 'BEGINSWITH':
      return actual.startsWith(expected);
    case 'ENDSWITH':
      return actual.endsWith(expected);
  }
}

/** One annotation value against the condition; values of another type never match. */
function compareAnnotation(actual: AnnotationScalar, op: NumberOp | StringOp, expected: AnnotationScalar): boolean {
  if (typeof actual !== typeof expected) return false;
  if (typeof expected === 'number') return compareNumber(actual as number, op as NumberOp, expected);
  if (typeof expected === 'string') return compareString(actual as string, op as StringOp, expected);
  return op === '=' ? actual === expected : actual !== expected;
}

function flagOf(scope: Scope, flag: Extract<FilterNode, { kind: 'flag' }>['flag']): boolean {
  switch (flag) {
    case 'ok':
      return !scope.fault && !scope.error && !scope.throttle;
    case 'partial':
      // The local X-Ray assembles every trace it received in full.
      return false;
    default:
      return scope[flag];
  }
}

function serviceMatches(node: Extract<FilterNode, { kind: 'service' }>, service: ServiceScope): boolean {
  if (node.name !== undefined && service.name !== node.name) return false;
  if (node.type !== undefined && service.type !== node.type) return false;
  return true;
}

/** Evaluates `node` in `scope`; `trace` is set at the trace level (where `service()` and groups are allowed). */
function evaluate(node: FilterNode, scope: Scope, trace: TraceFacts | undefined, groups: GroupFilterLookup): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, scope, trace, groups) && evaluate(node.right, scope, trace, groups);
    case 'or':
      return evaluate(node.left, scope, trace, groups) || evaluate(node.right, scope, trace, groups);
    case 'not':
      return !evaluate(node.operand, scope, trace, groups);
    case 'flag':
      return flagOf(scope, node.flag) === node.value;
    case 'number': {
      const value =
        node.field === 'http.status'
          ? scope.http.status
          : node.field === 'duration'
            ? scope.duration
            : scope.responseTime;
      return compareNumber(value, node.op, node.value);
    }
    case 'string': {
      if (node.field === 'user') return scope.users.some((user) => compareString(user, node.op, node.value));
      return compareString(
        scope.http[node.field.slice('http.'.length) as keyof Scope['http']] as string,
        node.op,
        node.value,
      );
    }
    case 'annotation':
      return (scope.annotations.get(node.key) ?? []).some((value) => compareAnnotation(value, node.op, node.value));
    case 'service':
      return (trace?.services ?? []).some(
        (service) =>
          serviceMatches(node, service) && (!node.filter || evaluate(node.filter, service, undefined, groups)),
      );
    case 'group': {
      if (!trace) return false;
      const filter = groups(node.by, node.value);
      const inGroup = filter === undefined ? true : evaluate(filter, trace, trace, groups);
      return node.op === '=' ? inGroup : !inGroup;
    }
  }
}

/** Whether the trace matches the expression. */
export function matchesFilter(
  node: FilterNode,
  trace: TraceFacts,
  groups: GroupFilterLookup = () => undefined,
): boolean {
  return evaluate(node, trace, trace, groups);
}
