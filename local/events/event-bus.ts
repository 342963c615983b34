/**
 * The local EventBridge default bus: rules deployed from the templates (`AWS::Events::Rule`)
 * with their event patterns, and their targets (Lambda functions, state machines) called
 * asynchronously, as EventBridge does.
 * Only the pattern features the templates use are supported: exact values, nested objects,
 * `prefix`, `anything-but` and `exists`.
 */

export interface EventRule {
  readonly name: string;
  readonly eventPattern: Readonly<Record<string, unknown>>;
  /** Lambda function or state machine ARNs. */
  readonly targets: readonly string[];
}

export type InvokeTarget = (targetArn: string, event: unknown) => Promise<unknown>;

export class LocalEventBus {
  private readonly rules = new Map<string, EventRule>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly invoke: InvokeTarget,
    private readonly onTargetError: (rule: string, error: unknown) => void = () => undefined,
  ) {}

  putRule(rule: EventRule): void {
    this.rules.set(rule.name, rule);
  }

  /** Delivers the event to every matching rule's targets (fire and forget, like EventBridge). */
  put(event: Readonly<Record<string, unknown>>): void {
    for (const rule of this.rules.values()) {
      if (!matches(rule.eventPattern, event)) continue;
      for (const target of rule.targets) {
        const delivery = this.invoke(target, event)
          .catch((error) => this.onTargetError(rule.name, error))
          .finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  /** Resolves when every delivery so far has been handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

/** EventBridge pattern matching for the supported subset. */
export function matches(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) return expected.some((candidate) => matchesValue(candidate, actual));
    if (typeof expected === 'object' && expected !== null) return matches(expected as Record<string, unknown>, actual);
    return false;
  });
}

function matchesValue(candidate: unknown, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => matchesValue(candidate, item));
  if (typeof candidate !== 'object' || candidate === null) return candidate === actual;
  const rule = candidate as Record<string, unknown>;
  if ('prefix' in rule) return typeof actual === 'string' && actual.startsWith(String(rule.prefix));
  if ('exists' in rule) return rule.exists ? actual !== undefined : actual === undefined;
  if ('anything-but' in rule) {
    const excluded = Array.isArray(rule['anything-but']) ? rule['anything-but'] : [rule['anything-but']];
    return actual !== undefined && !excluded.includes(actual);
  }
  return false;
}
