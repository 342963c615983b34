/**
 * Item 1 (request overhead of the platform) and item 2 (authorizer latency, STS AssumeRole calls).
 *
 * Gateway path: the load generator (its own thread) → console origin → local gateway →
 * authorizer result cache hit → usage plan → products function. Direct path: the same deployed
 * products function invoked through the Lambda runtime with the very events the gateway built
 * (captured from a gateway request of each tenant), round-robin over the same tenants, so both
 * paths do the same work (each tenant's scoped credentials, SigV4 keys and data).
 */
import type { LocalCloud } from '../../local/cloud';
import { type AdminSession, addTenantUser, at, http } from '../../test/support/client';
import { type LoadResult, runHttpLoadInWorker } from '../lib/http-load';
import { type CloudProbe, captureProxyEvents } from '../lib/probe';
import { type Spread, type Summary, spread, summarize } from '../lib/stats';

export interface RoundResult {
  readonly gateway: Summary;
  readonly direct: Summary;
  /** The products function's own time inside gateway requests (invocation through the runtime). */
  readonly functionInGateway: Summary;
  readonly gatewayPerSecond: number;
  readonly directPerSecond: number;
  readonly non200: Record<string, number>;
  readonly authorizerInvocations: number;
}

export interface RequestOverheadResult {
  readonly tenants: number;
  readonly rounds: RoundResult[];
  readonly addedP50Ms: Spread;
  readonly addedP99Ms: Spread;
  readonly throughputRatio: Spread;
  /** Gateway latency minus the function's time inside it, p50: everything the gateway adds, the authorizer cache hit included. */
  readonly gatewayOverheadP50Ms: Spread;
}

async function directLoad(
  invoke: () => Promise<unknown>,
  opts: { concurrency: number; maxRequests?: number; durationMs?: number },
): Promise<{ latenciesMs: number[]; okPerSecond: number }> {
  const latenciesMs: number[] = [];
  let issued = 0;
  const max = opts.maxRequests ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const deadline = started + (opts.durationMs ?? 60_000);
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (issued < max && performance.now() < deadline) {
        issued += 1;
        const t0 = performance.now();
        const result = (await invoke()) as { statusCode?: number };
        if (result?.statusCode !== 200) throw new Error(`direct invoke returned ${result?.statusCode}`);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { latenciesMs, okPerSecond: (latenciesMs.length / (performance.now() - started)) * 1000 };
}

export async function benchRequestOverhead(
  cloud: LocalCloud,
  probe: CloudProbe,
  sessions: readonly AdminSession[],
  opts: {
    rounds: number;
    latencyRequests: number;
    concurrency: number;
    throughputMs: number;
    productsPerTenant: number;
  },
): Promise<RequestOverheadResult> {
  const products = probe.pooledProducts();
  // The same data on both paths: a few products per tenant.
  for (const session of sessions) {
    for (let i = 0; i < opts.productsPerTenant; i++) {
      const created = await http('POST', at(session.config.apiUrl, '/products'), {
        token: session.idToken,
        body: { name: `product ${i}`, price: 10 + i, sku: `SKU-${i}`, category: 'bench' },
      });
      if (created.status !== 201 && created.status !== 200)
        throw new Error(`create product: ${created.status} ${JSON.stringify(created.body)}`);
    }
  }
  // The proxy event the gateway builds for each tenant (authorizer context with its scoped credentials).
  const events = await captureProxyEvents(probe, sessions, products.functionName, '/products');
  let next = 0;
  const invokeDirect = () => cloud.services.lambda.invoke(products.functionName, events[next++ % events.length]);
  const targets = sessions.map((session) => ({
    url: at(session.config.apiUrl, '/products'),
    headers: { Authorization: `Bearer ${session.idToken}` },
  }));

  const rounds: RoundResult[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const statsBefore = cloud.services.gateway.stats();
    const from = probe.invocations.length;
    const gateway: LoadResult = await runHttpLoadInWorker({
      targets,
      concurrency: 1,
      maxRequests: opts.latencyRequests,
    });
    const functionInGateway = probe.invocations
      .slice(from)
      .filter((inv) => inv.functionName === products.functionName)
      .map((inv) => inv.endMs - inv.startMs);
    const direct = await directLoad(invokeDirect, { concurrency: 1, maxRequests: opts.latencyRequests });
    const gatewayLoad = await runHttpLoadInWorker({
      targets,
      concurrency: opts.concurrency,
      durationMs: opts.throughputMs,
    });
    const directThroughput = await directLoad(invokeDirect, {
      concurrency: opts.concurrency,
      durationMs: opts.throughputMs,
    });
    const statsAfter = cloud.services.gateway.stats();
    const non200: Record<string, number> = {};
    for (const result of [gateway, gatewayLoad]) {
      for (const [status, n] of Object.entries(result.statuses))
        if (status !== '200') non200[status] = (non200[status] ?? 0) + n;
      if (result.errors) non200.socketErrors = (non200.socketErrors ?? 0) + result.errors;
    }
    rounds.push({
      gateway: summarize(gateway.latenciesMs),
      direct: summarize(direct.latenciesMs),
      functionInGateway: summarize(functionInGateway),
      gatewayPerSecond: gatewayLoad.okPerSecond,
      directPerSecond: directThroughput.okPerSecond,
      non200,
      authorizerInvocations: statsAfter.authorizerInvocations - statsBefore.authorizerInvocations,
    });
  }
  return {
    tenants: sessions.length,
    rounds,
    addedP50Ms: spread(rounds.map((r) => r.gateway.median - r.direct.median)),
    addedP99Ms: spread(rounds.map((r) => r.gateway.p99 - r.direct.p99)),
    throughputRatio: spread(rounds.map((r) => r.gatewayPerSecond / r.directPerSecond)),
    gatewayOverheadP50Ms: spread(rounds.map((r) => r.gateway.median - r.functionInGateway.median)),
  };
}

export interface AuthorizerResult {
  /** First request of a tenant the authorizer has not seen: registry read + AssumeRole + verify (one sample per tenant). */
  readonly coldTenantMiss: Summary;
  /** A gateway cache miss for a known tenant: JWT verify + user↔tenant check + cached credentials, through the runtime. */
  readonly miss: Summary;
  /** AssumeRole calls counted by the local STS. */
  readonly sts: {
    readonly available: boolean;
    readonly users: number;
    readonly invocations: number;
    readonly assumeRoleCalls?: number;
    /** The authorizer environments that may have served those invocations (each caches its own credentials). */
    readonly environments: number;
    readonly httpRequests: number;
    readonly assumeRoleCallsHttp?: number;
    readonly per10k?: number;
  };
}

function authorizerEvent(template: Record<string, any>, token: string): Record<string, any> {
  const headers = { ...template.headers, Authorization: `Bearer ${token}` };
  const multiValueHeaders = { ...template.multiValueHeaders, Authorization: [`Bearer ${token}`] };
  for (const key of Object.keys(headers))
    if (key !== 'Authorization' && key.toLowerCase() === 'authorization') delete headers[key];
  for (const key of Object.keys(multiValueHeaders))
    if (key !== 'Authorization' && key.toLowerCase() === 'authorization') delete multiValueHeaders[key];
  return { ...template, headers, multiValueHeaders };
}

/**
 * `fresh` tenants must not have called their API yet (their first authorizer call is a cold-tenant miss).
 * `stsTenant` gets `users - 1` more users for the AssumeRole count.
 */
export async function benchAuthorizer(
  cloud: LocalCloud,
  probe: CloudProbe,
  fresh: readonly AdminSession[],
  stsTenant: AdminSession,
  opts: { missRequests: number; users: number; stsInvocations: number; httpRoundsPerUser: number; concurrency: number },
): Promise<AuthorizerResult> {
  const authorizer = probe.pooledAuthorizer();
  // Each authorizer environment has its own credentials cache (as on Lambda): the environments
  // that may have served the tenant are those live now and those started until the count ends.
  const lambda = cloud.services.lambda;
  const startedBefore = lambda.environmentsStarted.get(authorizer.functionName) ?? 0;
  const liveBefore = lambda.environmentCount(authorizer.functionName);
  // Counted from before the tenant's very first request, so its one AssumeRole is included.
  const before = (await probe.stsStats())?.assumeRole;
  // The REQUEST event the gateway builds, captured from one real request of the STS tenant.
  let template: Record<string, any> | undefined;
  probe.onInvoke = (name, event) => {
    if (name === authorizer.functionName && template === undefined) template = event as Record<string, any>;
  };
  const first = await http('GET', at(stsTenant.config.apiUrl, '/products'), { token: stsTenant.idToken });
  probe.onInvoke = undefined;
  const afterFirst = (await probe.stsStats())?.assumeRole;
  if (first.status !== 200 || !template) throw new Error(`authorizer event not captured (${first.status})`);
  const base = template;
  const invoke = async (token: string) => {
    const result = (await cloud.services.lambda.invoke(authorizer.functionName, authorizerEvent(base, token))) as {
      policyDocument?: { Statement?: Array<{ Effect?: string }> };
    };
    if (result?.policyDocument?.Statement?.[0]?.Effect !== 'Allow') throw new Error('authorizer did not allow');
  };

  const cold: number[] = [];
  for (const session of fresh) {
    const t0 = performance.now();
    await invoke(session.idToken);
    cold.push(performance.now() - t0);
  }
  // The other tenants' first AssumeRoles are not the STS tenant's: restart the count after them.
  const afterCold = (await probe.stsStats())?.assumeRole;
  const miss: number[] = [];
  for (let i = 0; i < opts.missRequests; i++) {
    const t0 = performance.now();
    await invoke(stsTenant.idToken);
    miss.push(performance.now() - t0);
  }

  // 50 users of one tenant.
  const tokens = [stsTenant.idToken];
  for (let i = 1; i < opts.users; i++)
    tokens.push(
      (await addTenantUser(cloud, stsTenant.config, `user${i}@${stsTenant.tenantName}.example.com`, 'TenantUser'))
        .IdToken ?? '',
    );
  const available = before !== undefined;
  probe.recording = false;
  let issued = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (issued < opts.stsInvocations) {
        const token = tokens[issued % tokens.length] as string;
        issued += 1;
        await invoke(token);
      }
    }),
  );
  probe.recording = true;
  const afterDirect = (await probe.stsStats())?.assumeRole;
  const environments = liveBefore + (lambda.environmentsStarted.get(authorizer.functionName) ?? 0) - startedBefore;
  // And through HTTP, where the gateway's result cache absorbs repeats.
  const load = await runHttpLoadInWorker({
    targets: tokens.map((token) => ({
      url: at(stsTenant.config.apiUrl, '/products'),
      headers: { Authorization: `Bearer ${token}` },
    })),
    concurrency: 10,
    maxRequests: tokens.length * opts.httpRoundsPerUser,
  });
  if (load.latenciesMs.length !== tokens.length * opts.httpRoundsPerUser)
    throw new Error(`STS HTTP pass: ${JSON.stringify(load.statuses)}`);
  const afterHttp = (await probe.stsStats())?.assumeRole;
  const assumeRoleCalls =
    before !== undefined && afterFirst !== undefined && afterCold !== undefined && afterDirect !== undefined
      ? afterFirst - before + (afterDirect - afterCold)
      : undefined;
  return {
    coldTenantMiss: summarize(cold),
    miss: summarize(miss),
    sts: {
      available,
      users: tokens.length,
      // The capture request, the miss loop and the loop below.
      invocations: opts.stsInvocations + opts.missRequests + 1,
      assumeRoleCalls,
      environments,
      httpRequests: tokens.length * opts.httpRoundsPerUser,
      assumeRoleCallsHttp: afterHttp !== undefined && afterDirect !== undefined ? afterHttp - afterDirect : undefined,
      per10k:
        assumeRoleCalls === undefined
          ? undefined
          : (assumeRoleCalls / (opts.stsInvocations + opts.missRequests + 1)) * 10_000,
    },
  };
}
