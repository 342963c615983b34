/**
 * Amazon States Language → a graph of states and transitions, and the status of each state
 * from an execution's history. Pure (no layout, no DOM), so it is unit-tested on its own and
 * stays out of the lazily loaded graph chunk's way.
 */

export type NodeStatus = 'not-run' | 'running' | 'succeeded' | 'failed' | 'caught' | 'aborted';

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** The ASL state type, or 'Start' / 'End' for the synthetic terminals. */
  readonly type: string;
  readonly status: NodeStatus;
}

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: EdgeKind;
  /** Short enough to read on the edge: `deploymentModel = silo`, `otherwise`, `catch: any error`. */
  readonly label?: string;
  /** The whole rule, for a tooltip, when the label shortens it. */
  readonly title?: string;
  /** The execution went this way (see {@link takenTransitions}). */
  readonly taken?: boolean;
}

export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** One event of `GET /executions/{id}` (docs/api.md). */
export interface ExecutionEvent {
  readonly id: number | string;
  readonly type: string;
  readonly timestamp: string;
  readonly stateName?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

interface AslState {
  readonly Type?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly Record<string, unknown>[];
  readonly Catch?: readonly { readonly ErrorEquals?: readonly string[]; readonly Next?: string }[];
  readonly Branches?: readonly unknown[];
}

export const START = '__start__';
export const END = '__end__';

/** Comparators of the whole rule (tooltips). */
const COMPARATORS: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: 'matches',
};

/** A Choice rule in words, whole: `$.plan.deploymentModel == "silo"` (the tooltip of its edge). */
export function describeChoiceRule(rule: Record<string, unknown>): string {
  if (Array.isArray(rule.And)) return (rule.And as Record<string, unknown>[]).map(describeChoiceRule).join(' and ');
  if (Array.isArray(rule.Or)) return (rule.Or as Record<string, unknown>[]).map(describeChoiceRule).join(' or ');
  if (rule.Not && typeof rule.Not === 'object')
    return `not (${describeChoiceRule(rule.Not as Record<string, unknown>)})`;
  if (typeof rule.Condition === 'string') return rule.Condition;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next') continue;
    if (key === 'IsPresent') return value ? `${variable} is present` : `${variable} is absent`;
    if (key === 'IsNull') return value ? `${variable} is null` : `${variable} is not null`;
    if (key.startsWith('Is')) return `${variable} ${value ? 'is' : 'is not'} ${key.slice(2).toLowerCase()}`;
    const match = COMPARISON.exec(key);
    if (match) {
      const op = COMPARATORS[match[2] as string] ?? match[2];
      const operand = match[3] ? String(value) : JSON.stringify(value);
      return `${variable} ${op} ${operand}`;
    }
  }
  return variable;
}

const COMPARISON =
  /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;

/** Comparators as a reader writes them; the negation is used for `Not` of a single comparison. */
const SHORT_COMPARATORS: Record<string, readonly [string, string]> = {
  Equals: ['=', '≠'],
  LessThan: ['<', '≥'],
  GreaterThan: ['>', '≤'],
  LessThanEquals: ['≤', '>'],
  GreaterThanEquals: ['≥', '<'],
  Matches: ['matches', 'does not match'],
};

/** The longest edge label; longer rules are cut with an ellipsis (the tooltip has them whole). */
export const MAX_LABEL_LENGTH = 48;

/** `$.plan.deploymentModel` → `deploymentModel`: the last field names the thing on a short label. */
export function shortPath(path: string): string {
  const fields = path
    .replace(/^\$\$?\.?/, '')
    .split('.')
    .filter(Boolean);
  return fields.at(-1) ?? path;
}

function shortValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:@/+-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function shortRule(rule: Record<string, unknown>, negated: boolean): string {
  const joined = (key: 'And' | 'Or', word: string) =>
    (rule[key] as Record<string, unknown>[]).map((r) => shortRule(r, false)).join(` ${word} `);
  if (Array.isArray(rule.And)) return negated ? `not (${joined('And', 'and')})` : joined('And', 'and');
  if (Array.isArray(rule.Or)) return negated ? `not (${joined('Or', 'or')})` : joined('Or', 'or');
  if (rule.Not && typeof rule.Not === 'object') return shortRule(rule.Not as Record<string, unknown>, !negated);
  if (typeof rule.Condition === 'string') {
    // JSONata: `{% $states.input.plan.deploymentModel = 'silo' %}` → `deploymentModel = 'silo'`.
    const text = rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '').replace(/\$states\.input\.(?:\w+\.)*(\w+)/g, '$1');
    return negated ? `not (${text})` : text;
  }
  const variable = typeof rule.Variable === 'string' ? shortPath(rule.Variable) : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next') continue;
    if (key === 'IsPresent') return `${variable} ${Boolean(value) !== negated ? 'is present' : 'is absent'}`;
    if (key.startsWith('Is'))
      return `${variable} ${Boolean(value) !== negated ? 'is' : 'is not'} ${key.slice(2).toLowerCase()}`;
    const match = COMPARISON.exec(key);
    if (match) {
      const [op, inverse] = SHORT_COMPARATORS[match[2] as string] ?? [match[2] as string, `not ${match[2]}`];
      const operand = match[3] ? shortPath(String(value)) : shortValue(value);
      return `${variable} ${negated ? inverse : op} ${operand}`;
    }
  }
  return variable;
}

function cut(text: string): string {
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH - 1).trimEnd()}…` : text;
}

/**
 * A Choice rule short enough to sit on its edge: `deploymentModel = silo`, `count ≥ 3 and
 * tier = PLATINUM`, `not (a or b)`. Paths keep their last field, plain strings lose their quotes,
 * and anything past {@link MAX_LABEL_LENGTH} characters is cut (see {@link describeChoiceRule}).
 */
export function shortChoiceLabel(rule: Record<string, unknown>): string {
  return cut(shortRule(rule, false));
}

/** The label of a Catch edge: `catch: any error`, or the errors it catches. */
export function catchLabel(errors: readonly string[]): string {
  if (errors.length === 0 || errors.includes('States.ALL')) return 'catch: any error';
  return cut(`catch: ${errors.join(', ')}`);
}

/** The label of a Choice's Default edge. */
export const OTHERWISE = 'otherwise';

function statesOf(definition: unknown): { startAt?: string; states: Record<string, AslState> } {
  const parsed = typeof definition === 'string' ? (JSON.parse(definition) as unknown) : definition;
  if (!parsed || typeof parsed !== 'object') throw new Error('The state machine definition is not an object');
  const { StartAt, States } = parsed as { StartAt?: unknown; States?: unknown };
  if (!States || typeof States !== 'object') throw new Error('The state machine definition has no States');
  return { startAt: typeof StartAt === 'string' ? StartAt : undefined, states: States as Record<string, AslState> };
}

/**
 * Builds the graph of a definition (object or JSON string), coloured by `statuses`, with the
 * transitions in `taken` (keys of {@link transitionKey}) marked as the path the execution took.
 */
export function aslToGraph(
  definition: unknown,
  statuses: ReadonlyMap<string, NodeStatus> = new Map(),
  taken: ReadonlySet<string> = new Set(),
): StateGraph {
  const { startAt, states } = statesOf(definition);
  const nodes: GraphNode[] = [{ id: START, label: 'Start', type: 'Start', status: 'not-run' }];
  const edges: GraphEdge[] = [];
  let hasEnd = false;
  const edge = (source: string, target: string | undefined, kind: EdgeKind, label?: string, title?: string) => {
    if (!target || !(target in states)) return;
    edges.push({
      id: `${source}->${target}:${kind}:${edges.length}`,
      source,
      target,
      kind,
      ...(label ? { label } : {}),
      ...(title && title !== label ? { title } : {}),
    });
  };
  if (startAt) edge(START, startAt, 'next');
  for (const [name, state] of Object.entries(states)) {
    const type = state.Type ?? 'Unknown';
    const branches = Array.isArray(state.Branches) ? ` (${state.Branches.length} branches)` : '';
    nodes.push({ id: name, label: `${name}${branches}`, type, status: statuses.get(name) ?? 'not-run' });
    if (type === 'Choice') {
      for (const rule of state.Choices ?? [])
        edge(name, rule.Next as string | undefined, 'choice', shortChoiceLabel(rule), describeChoiceRule(rule));
      edge(name, state.Default, 'default', OTHERWISE);
    } else {
      edge(name, state.Next, 'next');
    }
    for (const handler of state.Catch ?? []) {
      const errors = handler.ErrorEquals ?? [];
      edge(name, handler.Next, 'catch', catchLabel(errors), `Catch: ${errors.join(', ')}`);
    }
    if (state.End || type === 'Succeed' || type === 'Fail') {
      hasEnd = true;
      edges.push({ id: `${name}->${END}`, source: name, target: END, kind: 'next' });
    }
  }
  if (hasEnd) nodes.push({ id: END, label: 'End', type: 'End', status: 'not-run' });
  // A path a redrive left behind (its states cleared from `statuses`) is no longer the one taken.
  const ran = (id: string) => id === START || id === END || statuses.has(id);
  const marked = edges.map((e) =>
    taken.has(transitionKey(e.source, e.target)) && ran(e.source) && ran(e.target) ? { ...e, taken: true } : e,
  );
  return { nodes, edges: marked };
}

/** The key of a transition from one state (or {@link START}) to another (or {@link END}). */
export function transitionKey(source: string, target: string): string {
  return `${source}\u2192${target}`;
}

/**
 * The transitions the history shows were taken: from the state last exited to the next one
 * entered (the states inside a Parallel branch pair only among themselves, never with a
 * top-level state), from Start to the first state, and to End when the execution ended there.
 */
export function takenTransitions(events: readonly ExecutionEvent[]): Set<string> {
  const taken = new Set<string>();
  let from: string | undefined;
  let failState: string | undefined;
  for (const { type, stateName } of events) {
    if (type === 'ExecutionStarted') from = START;
    else if (type.endsWith('StateEntered') && stateName) {
      if (from) taken.add(transitionKey(from, stateName));
      from = undefined;
      failState = type === 'FailStateEntered' ? stateName : undefined;
    } else if (type.endsWith('StateExited') && stateName) from = stateName;
    else if (type === 'ExecutionSucceeded' && from) taken.add(transitionKey(from, END));
    else if (type === 'ExecutionFailed' && failState) taken.add(transitionKey(failState, END));
  }
  return taken;
}

const FAILURE = /(Failed|TimedOut)$/;
const ATTEMPT = /(Scheduled|Started)$/;

/**
 * The latest status of each state from the history. A task that failed and was caught shows as
 * 'caught'; a failure that ended the execution as 'failed'. After a redrive, the states of the
 * failure path of the earlier run are cleared, so the graph shows the run as it is now.
 */
export function stateStatuses(events: readonly ExecutionEvent[]): Map<string, NodeStatus> {
  const statuses = new Map<string, NodeStatus>();
  let current: string | undefined;
  let failedAttempt = false;
  let entered: string[] = [];
  let firstFailure: number | undefined;
  for (const event of events) {
    const type = event.type;
    if (type.endsWith('StateEntered') && event.stateName) {
      current = event.stateName;
      failedAttempt = false;
      entered.push(current);
      statuses.set(current, type === 'FailStateEntered' ? 'failed' : 'running');
      if (type === 'FailStateEntered') firstFailure ??= entered.length - 1;
    } else if (type.endsWith('StateExited') && event.stateName) {
      const wasFailed = statuses.get(event.stateName) === 'failed' && event.stateName === current;
      statuses.set(event.stateName, failedAttempt || wasFailed ? 'caught' : 'succeeded');
      if (event.stateName === current) current = undefined;
      failedAttempt = false;
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut') {
      if (current) statuses.set(current, 'failed');
    } else if (type === 'ExecutionAborted') {
      if (current) statuses.set(current, 'aborted');
    } else if (type === 'ExecutionRedriven') {
      // What ran after the first failure belongs to the failed run; the redrive reruns from there.
      if (firstFailure !== undefined) {
        const kept = entered.slice(0, firstFailure);
        for (const name of entered.slice(firstFailure)) if (!kept.includes(name)) statuses.delete(name);
        entered = kept;
      }
      firstFailure = undefined;
      current = undefined;
    } else if (!type.startsWith('Execution')) {
      const target = event.stateName ?? current;
      if (!target) continue;
      if (FAILURE.test(type)) {
        failedAttempt = true;
        statuses.set(target, 'failed');
        firstFailure ??= Math.max(0, entered.lastIndexOf(target));
      } else if (ATTEMPT.test(type) && failedAttempt) {
        // A retry of the same state: the failure so far was not final.
        failedAttempt = false;
        if (firstFailure === entered.lastIndexOf(target)) firstFailure = undefined;
        statuses.set(target, 'running');
      }
    }
  }
  return statuses;
}

export const STATUS_LABELS: Record<NodeStatus, string> = {
  'not-run': 'Not run',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  caught: 'Failed (caught)',
  aborted: 'Stopped',
};

/**
 * The state to bring into view: the one whose failure ended the execution, else a running one,
 * else a stopped one, else a caught failure; none when nothing needs attention.
 */
export function focusState(graph: StateGraph): string | undefined {
  for (const status of ['failed', 'running', 'aborted', 'caught'] as const) {
    const node = graph.nodes.find((n) => n.status === status);
    if (node) return node.id;
  }
  return undefined;
}
