/**
 * The control-plane authorizer's code, in-process with its deployed environment, against the
 * local registry and Cognito: a silo tenant's token is verified against the pool and app client
 * its registry row names, never because of its tenant claim alone. Also prints what a silo
 * token costs on a miss (registry read and the pool's JWKS) and on a hit (both cached) next to a
 * pooled token's hit (its pool is configuration), as `npm test` output.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../support/client';
import { sharedSiloTenants, signJwt } from '../../support/integration/attacks';
import { cloud, onboardedTenant, type TenantSession } from '../../support/integration/cloud';

let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
let pool: TenantSession;
let siloA: TenantSession;
let siloB: TenantSession;
const environment = { ...process.env };

beforeAll(async () => {
  [pool, [siloA, siloB]] = await Promise.all([onboardedTenant('cp-auth'), sharedSiloTenants()]);
  // The authorizer module reads its configuration at load time, as in Lambda.
  Object.assign(process.env, cloud().controlPlaneFunctions.authorizer);
  ({ handler } = await import('../../../authorizer/handler'));
});

afterAll(() => {
  process.env = environment;
});

const event = (token: string) =>
  ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:000000000000:api/prod/GET/users',
    headers: { Authorization: `Bearer ${token}` },
  }) as unknown as APIGatewayRequestAuthorizerEvent;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

async function averageMs(token: string, times: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) await handler(event(token));
  return (performance.now() - started) / times;
}

describe('control-plane authorizer (in-process) with silo tokens', () => {
  it('allows each silo tenant’s admin the users routes of its own tenant; prints miss and hit latency', async () => {
    // This module instance starts cold: the pooled token's call pays the SDK and the pooled JWKS.
    const [, coldMs] = await timed(() => handler(event(pool.idToken)));
    const [resultA, missAMs] = await timed(() => handler(event(siloA.idToken)));
    const [resultB, missBMs] = await timed(() => handler(event(siloB.idToken)));
    // Warm both paths first: the first few hundred calls also measure V8 warming up.
    await averageMs(siloA.idToken, 200);
    await averageMs(pool.idToken, 200);
    const siloHitMs = await averageMs(siloA.idToken, 300);
    const pooledHitMs = await averageMs(pool.idToken, 300);

    for (const [result, silo] of [
      [resultA, siloA],
      [resultB, siloB],
    ] as const) {
      expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      expect(result.context).toMatchObject({ tenantId: silo.tenantId, userRole: 'TenantAdmin' });
    }
    console.info(
      `control-plane authorizer in-process: cold first call ${coldMs.toFixed(1)} ms; silo token miss (registry read + pool JWKS) ${missAMs.toFixed(1)} / ${missBMs.toFixed(1)} ms; hit: silo ${siloHitMs.toFixed(2)} ms, pooled ${pooledHitMs.toFixed(2)} ms per invocation`,
    );
  });

  it.each([
    ['the other silo tenant', () => siloB.tenantId],
    ['a pool tenant', () => pool.tenantId],
  ])(
    'refuses a silo token re-signed to claim %s (and its group): its issuer is not that tenant’s pool',
    async (_name, tenantId) => {
      const forged = signJwt({
        ...decodeJwt(siloA.idToken),
        'custom:tenantId': tenantId(),
        'cognito:groups': [tenantId()],
      });

      await expect(handler(event(forged))).rejects.toThrow('Unauthorized');
    },
  );
});
