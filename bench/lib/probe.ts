/**
 * Observes a local cloud running in the bench's process, without changing its code: wraps the
 * Lambda runtime's `invoke` (who was invoked, for how long) and the event bus's `put` (when an
 * execution ended). Both are looked up on the instances at call time by the gateway, the Step
 * Functions service and the event bus, so wrapping the instance methods sees every call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalCloud } from '../../local/cloud';
import type { InvokeOptions, LocalFunction } from '../../local/lambda/runtime';
import { type AdminSession, at, http } from '../../test/support/client';

export interface InvocationRecord {
  readonly functionName: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly ok: boolean;
}

export interface ExecutionEnd {
  readonly status: string;
  readonly atMs: number;
  readonly executionArn: string;
}

export class CloudProbe {
  readonly invocations: InvocationRecord[] = [];
  /** The last error of each function (name: message), so a failed request can say why. */
  readonly lastErrors = new Map<string, string>();
  private readonly ended = new Map<string, ExecutionEnd>();
  private readonly waiters = new Map<string, (end: ExecutionEnd) => void>();
  /** Called with each invocation's event before it runs (e.g. to capture a proxy event). */
  onInvoke?: (functionName: string, event: unknown) => void;
  /** Record invocation timings (off during high-volume loops to keep memory flat). */
  recording = true;

  constructor(readonly cloud: LocalCloud) {
    const lambda = cloud.services.lambda;
    const invoke = lambda.invoke.bind(lambda);
    lambda.invoke = async (nameOrArn: string, event: unknown, options?: InvokeOptions) => {
      const functionName = nameOrArn.replace(/^arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+).*$/, '$1');
      this.onInvoke?.(functionName, event);
      const startMs = performance.now();
      let ok = false;
      try {
        const result = await invoke(nameOrArn, event, options);
        ok = true;
        return result;
      } catch (error) {
        this.lastErrors.set(functionName, `${(error as Error).name}: ${(error as Error).message}`);
        throw error;
      } finally {
        if (this.recording) this.invocations.push({ functionName, startMs, endMs: performance.now(), ok });
      }
    };
    const events = cloud.services.events;
    const put = events.put.bind(events);
    events.put = (event: Readonly<Record<string, unknown>>) => {
      const detail = event.detail as { name?: string; status?: string; executionArn?: string } | undefined;
      if (
        event['detail-type'] === 'Step Functions Execution Status Change' &&
        detail?.name &&
        detail.status &&
        detail.status !== 'RUNNING'
      ) {
        const end = { status: detail.status, atMs: performance.now(), executionArn: String(detail.executionArn) };
        this.ended.set(detail.name, end);
        this.waiters.get(detail.name)?.(end);
        this.waiters.delete(detail.name);
      }
      put(event);
    };
  }

  /** Resolves when the execution named `name` leaves RUNNING (seen on its status-change event). */
  executionEnd(name: string, timeoutMs = 120_000): Promise<ExecutionEnd> {
    const known = this.ended.get(name);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(name);
        reject(new Error(`execution ${name} did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(name, (end) => {
        clearTimeout(timer);
        resolve(end);
      });
    });
  }

  endedExecutions(): ReadonlyMap<string, ExecutionEnd> {
    return this.ended;
  }

  functions(): LocalFunction[] {
    return this.cloud.services.lambda.list();
  }

  fn(stackPrefix: string, match: (fn: LocalFunction) => boolean): LocalFunction {
    const found = this.functions().find(
      (candidate) => candidate.functionName.startsWith(stackPrefix) && match(candidate),
    );
    if (!found) throw new Error(`no function in ${stackPrefix} matches`);
    return found;
  }

  /** The pooled API's authorizer (it alone holds the tenant data role). */
  pooledAuthorizer(): LocalFunction {
    return this.fn('tenantflow-pooled', (f) => f.environment.TENANT_DATA_ROLE_ARN !== undefined);
  }

  pooledProducts(): LocalFunction {
    return this.fn(
      'tenantflow-pooled',
      (f) => f.environment.PRODUCTS_TABLE !== undefined && f.environment.ORDERS_TABLE === undefined,
    );
  }

  invocationCounts(): Map<string, number> {
    return new Map(this.cloud.services.lambda.invocations);
  }

  /** The local STS's counters, if the endpoint exposes them (GET /local/stats). */
  async stsStats(): Promise<{ assumeRole: number } | undefined> {
    const endpoint = this.pooledAuthorizer().environment.AWS_ENDPOINT_URL_STS;
    if (!endpoint) return undefined;
    try {
      const res = await http('GET', at(endpoint, '/local/stats'));
      return res.status === 200 && typeof res.body?.assumeRole === 'number'
        ? (res.body as { assumeRole: number })
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Re-registers every function with a private copy of its code and layers under `dir`. The local
 * cloud runs bundles from cdk.out, which any `npm start` or test run of a changed tree
 * re-synthesizes (deleting the old assets); a bench run of many minutes on a shared working tree
 * would otherwise lose its functions' code mid-run (seen: "Cannot find module …/cdk.out/asset.…").
 */
export function pinFunctionCode(cloud: LocalCloud, dir: string): void {
  const copies = new Map<string, string>();
  const copyOf = (source: string) => {
    let copy = copies.get(source);
    if (!copy) {
      copy = path.join(dir, `${copies.size}-${path.basename(source)}`);
      fs.cpSync(source, copy, { recursive: true });
      copies.set(source, copy);
    }
    return copy;
  };
  const lambda = cloud.services.lambda;
  for (const fn of lambda.list())
    lambda.register({ ...fn, codeDir: copyOf(fn.codeDir), layerDirs: fn.layerDirs.map(copyOf) });
}

/**
 * The proxy event the gateway builds for each session's `GET <route>` (authorizer context with
 * that tenant's scoped credentials), captured as it reaches `functionName`.
 */
export async function captureProxyEvents(
  probe: CloudProbe,
  sessions: readonly AdminSession[],
  functionName: string,
  route: string,
): Promise<unknown[]> {
  const events: unknown[] = [];
  for (const session of sessions) {
    let captured: unknown;
    probe.onInvoke = (name, event) => {
      if (name === functionName && captured === undefined) captured = event;
    };
    const warm = await http('GET', at(session.config.apiUrl, route), { token: session.idToken });
    probe.onInvoke = undefined;
    if (warm.status !== 200 || captured === undefined) throw new Error(`GET ${route}: ${warm.status}`);
    events.push(captured);
  }
  return events;
}
