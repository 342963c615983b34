/**
 * STS AssumeRole calls stay at one per tenant per session lifetime in each authorizer execution
 * environment (each caches its own credentials, as on Lambda, where overlapping requests run in
 * separate environments), however many users and requests: counted at the local STS endpoint.
 *
 * Two measurements: through HTTP (the whole path, where API Gateway's authorizer cache absorbs
 * most calls), and 10,000 invocations of the real authorizer code in-process with the deployed
 * environment, one per request as if the authorizer cache were off (10,000 HTTP requests would
 * exceed every pool tier's daily quota and take minutes on 2 cores).
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { addTenantUser, at, http, type TenantConfig } from '../../support/client';
import { tenantConfigOf } from '../../support/integration/attacks';
import { cloud, onboardedTenant, type TenantSession } from '../../support/integration/cloud';

const USERS = 50;
let tenant: TenantSession;
let other: TenantSession;
let config: TenantConfig;
const idTokens: string[] = [];

/** The pooled authorizer's environments: live now, and started (cold starts) so far (GET /local/lambda). */
async function authorizerEnvironments(): Promise<{ live: number; started: number }> {
  const { functions } = (await http('GET', at(cloud().consoleUrl, '/local/lambda'))).body as {
    functions: Record<string, { environments: number; environmentsStarted: number }>;
  };
  const name = cloud().pooledFunctions.authorizer.AWS_LAMBDA_FUNCTION_NAME as string;
  const stats = functions[name];
  if (!stats) throw new Error(`no Lambda stats for ${name}`);
  return { live: stats.environments, started: stats.environmentsStarted };
}

async function assumeRoleCalls(): Promise<number> {
  return (await http('GET', at(cloud().pooledFunctions.authorizer.AWS_ENDPOINT_URL_STS as string, '/local/stats'))).body
    .assumeRole as number;
}

beforeAll(async () => {
  [tenant, other] = await Promise.all([onboardedTenant('sts', 'PREMIUM'), onboardedTenant('sts-other')]);
  config = await tenantConfigOf(tenant);
  idTokens.push(tenant.idToken);
  for (let i = 1; i < USERS; i++)
    idTokens.push(
      (await addTenantUser(cloud(), config, `user${i}@${tenant.tenantName}.example.com`, 'TenantUser')).IdToken ?? '',
    );
}, 120_000);

describe('STS calls', () => {
  it(`${USERS} users × 4 requests through the tenant API cost at most one AssumeRole per authorizer environment`, async () => {
    const environmentsBefore = await authorizerEnvironments();
    const before = await assumeRoleCalls();

    const statuses: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < USERS; i += 10) {
        const batch = idTokens.slice(i, i + 10).map((token) => http('GET', at(tenant.apiUrl, '/products'), { token }));
        statuses.push(...(await Promise.all(batch)).map((r) => r.status));
      }
    }

    expect(statuses).toEqual(statuses.map(() => 200));
    const calls = (await assumeRoleCalls()) - before;
    // Batches of 10 overlap: each environment that served the tenant may miss once, no more.
    const environmentsAfter = await authorizerEnvironments();
    const environments = environmentsBefore.live + environmentsAfter.started - environmentsBefore.started;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(environments);
    expect(calls).toBeLessThan(statuses.length / 10);
    console.info(
      `AssumeRole calls for ${statuses.length} HTTP requests: ${calls}, in ${environments} authorizer environments`,
    );
  });

  it(`10,000 authorizer invocations from ${USERS} users of one tenant cost one AssumeRole (the first, a miss)`, async () => {
    Object.assign(process.env, cloud().pooledFunctions.authorizer);
    const { handler } = (await import('../../../authorizer/handler')) as {
      handler: (e: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
    };
    const event = (token: string) =>
      ({
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:us-east-1:000000000000:api/prod/GET/products',
        headers: { Authorization: `Bearer ${token}` },
      }) as unknown as APIGatewayRequestAuthorizerEvent;
    const before = await assumeRoleCalls();

    // This module instance starts cold: the first call is a miss (registry read + AssumeRole).
    let started = performance.now();
    const first = await handler(event(idTokens[0] as string));
    const missMs = performance.now() - started;
    started = performance.now();
    const keys = new Set<string>();
    for (let i = 1; i < 10_000; i++) {
      const result = await handler(event(idTokens[i % USERS] as string));
      keys.add(String(result.context?.accessKeyId));
    }
    const hitMs = (performance.now() - started) / 9_999;

    expect(first.context?.accessKeyId).toEqual(expect.any(String));
    expect([...keys]).toEqual([first.context?.accessKeyId]);
    const calls = (await assumeRoleCalls()) - before;
    expect(calls).toBe(1);
    // A warm miss: another tenant's first request once the module, JWKS and SDK clients are warm.
    started = performance.now();
    const otherResult = await handler(event(other.idToken));
    const warmMissMs = performance.now() - started;
    expect(otherResult.context?.accessKeyId).not.toBe(first.context?.accessKeyId);
    console.info(
      `authorizer in-process: cold miss ${missMs.toFixed(1)} ms, warm miss (registry read + AssumeRole) ${warmMissMs.toFixed(1)} ms, hit ${hitMs.toFixed(2)} ms per invocation; AssumeRole calls for 10,000 invocations: ${calls}`,
    );
  });
});
