/**
 * The local API Gateway: serves the REST APIs the deployer registers under
 * `/restapis/<id>/<stage>/` of the console origin, and runs a small management endpoint for
 * `@aws-sdk/client-api-gateway`. This module only composes the units: route matching
 * (`deployed-apis.ts`), authorization and its result cache (`authorization.ts`,
 * `authorizer-cache.ts`), API keys and usage limits (`usage-plans.ts`), the Lambda proxy
 * integration (`lambda-proxy.ts`), the HTTP front (`http-front.ts`) and the management server.
 */
import { join } from 'node:path';
import { ApiKeyStore } from './api-key-store';
import { AuthorizerCache } from './authorizer-cache';
import { DeployedApis } from './deployed-apis';
import { createHttpFront, type GatewayCounters } from './http-front';
import { invokeWithin } from './invoke-within';
import { startManagementServer } from './management-server';
import type { LocalApiGateway, LocalApiGatewayOptions } from './types';
import { UsagePlans } from './usage-plans';

/** Bound on cached authorizer results, so a flood of distinct tokens cannot exhaust memory. */
const AUTHORIZER_CACHE_ENTRIES = 10_000;
/** The file, under `dataDir`, that holds API keys and usage-plan keys. */
export const API_KEY_STORE_FILE = join('apigateway', 'api-keys.json');

/** Starts the local API Gateway (management endpoint listening on 127.0.0.1). */
export async function startLocalApiGateway(opts: LocalApiGatewayOptions): Promise<LocalApiGateway> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const timeoutMs = opts.integrationTimeoutMs ?? 29_000;
  const publicBaseUrl = opts.publicBaseUrl.replace(/\/+$/, '');
  const store = await ApiKeyStore.open(join(opts.dataDir, API_KEY_STORE_FILE));
  const apis = new DeployedApis();
  const plans = new UsagePlans(store);
  const authorizerResults = new AuthorizerCache(opts.createCache(AUTHORIZER_CACHE_ENTRIES), now);
  const invoke = invokeWithin(opts.invoke, timeoutMs);
  const counters: GatewayCounters = {
    requests: 0,
    authorizerInvocations: 0,
    authorizerCacheHits: 0,
    throttled: 0,
    quotaExceeded: 0,
    integrationInvocations: 0,
  };
  const handle = createHttpFront({
    apis,
    plans,
    authorization: { cache: authorizerResults, invoke, log, counters },
    proxy: { invoke, timeoutMs, log },
    counters,
    now,
    log,
    region: opts.region ?? 'us-east-1',
    accountId: opts.accountId ?? '000000000000',
    domainName: new URL(publicBaseUrl).host,
    forwardedPort: new URL(publicBaseUrl).port || '80',
    tracing: opts.tracing,
  });
  const management = await startManagementServer(
    {
      store,
      usagePlans: () => plans.all(),
      restApis: () => apis.models(),
      now,
      onKeyRemoved: (keyId) => plans.forgetKey(keyId),
    },
    { port: opts.managementPort, log },
  );

  return {
    managementEndpoint: management.endpoint,
    registerRestApi(api) {
      apis.register(api);
      // A re-deploy may change authorizers or their functions: stale policies must not survive it.
      authorizerResults.forgetApi(api.restApiId);
    },
    registerUsagePlan: (plan) => plans.register(plan),
    unregisterRestApi(restApiId) {
      apis.unregister(restApiId);
      authorizerResults.forgetApi(restApiId);
    },
    unregisterUsagePlan: (id) => plans.unregister(id),
    urlOf: (restApiId, stageName) =>
      `${publicBaseUrl}/restapis/${encodeURIComponent(restApiId)}/${encodeURIComponent(stageName)}/`,
    handle,
    stats: () => ({ ...counters }),
    async close() {
      await management.close();
      await store.flush();
    },
  };
}
