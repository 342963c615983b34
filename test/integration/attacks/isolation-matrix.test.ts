/**
 * Isolation matrix: two pool tenants (BASIC, STANDARD) and two silo tenants (PLATINUM) attack
 * each other (pool ↔ pool, pool ↔ silo, silo ↔ silo) on every route of the tenant API (each on its
 * own API) with the other's ids, and with forged tenant ids in body, query, path and headers.
 * Nothing of the victim may leak, and nothing of the victim may change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../../contracts/routes';
import { at, type HttpResult, http } from '../../support/client';
import { sharedSiloTenants } from '../../support/integration/attacks';
import { onboardedTenant, type TenantSession } from '../../support/integration/cloud';

interface Fixture {
  session: TenantSession;
  productId: string;
  orderId: string;
}

interface Snapshot {
  products: unknown;
  orders: unknown;
  product: unknown;
  order: unknown;
}

const TENANTS = ['acme', 'globex', 'siloA', 'siloB'] as const;
type TenantKey = (typeof TENANTS)[number];

const fixtures = {} as Record<TenantKey, Fixture>;
const before = {} as Record<TenantKey, Snapshot>;

/** The victim's secret: a product and an order whose ids and name must never reach an attacker. */
async function seeded(session: TenantSession): Promise<Fixture> {
  const product = await session.api('POST', '/products', {
    name: `${session.tenantName} secret`,
    price: 7,
    sku: `${session.tenantName}-SKU`,
  });
  const order = await session.api('POST', '/orders', { lines: [{ productId: product.body.productId, quantity: 2 }] });
  if (product.status !== 201 || order.status !== 201)
    throw new Error(`fixture of ${session.tenantName}: ${product.status} ${order.status}`);
  return { session, productId: product.body.productId, orderId: order.body.orderId };
}

async function snapshot(f: Fixture): Promise<Snapshot> {
  const read = async (path: string) => (await f.session.api('GET', path)).body;
  return {
    products: await read('/products'),
    orders: await read('/orders'),
    product: await read(`/products/${f.productId}`),
    order: await read(`/orders/${f.orderId}`),
  };
}

beforeAll(async () => {
  const [acme, globex, [siloA, siloB]] = await Promise.all([
    onboardedTenant('iso-acme', 'BASIC'),
    onboardedTenant('iso-globex', 'STANDARD'),
    sharedSiloTenants(),
  ]);
  const sessions: Record<TenantKey, TenantSession> = { acme, globex, siloA, siloB };
  await Promise.all(
    TENANTS.map(async (key) => {
      fixtures[key] = await seeded(sessions[key]);
      before[key] = await snapshot(fixtures[key]);
    }),
  );
});

/** No response body may mention any id of the victim. */
function expectNoLeak(response: HttpResult, victim: Fixture) {
  const text = JSON.stringify(response.body ?? '');
  for (const secret of [
    victim.productId,
    victim.orderId,
    victim.session.tenantId,
    `${victim.session.tenantName} secret`,
  ]) {
    expect(text).not.toContain(secret);
  }
}

type Case = {
  readonly route: string;
  readonly name: string;
  readonly request: (
    attacker: Fixture,
    victim: Fixture,
  ) => { method: string; path: string; body?: unknown; headers?: Record<string, string> };
  /** The answer: a foreign id is 404, a forged field 400, an ignored forgery the caller's own data (200). */
  readonly status: number;
};

const ROUTE_CASES: Case[] = [
  {
    route: 'GET /products',
    name: 'lists products',
    request: () => ({ method: 'GET', path: '/products' }),
    status: 200,
  },
  {
    route: 'POST /products',
    name: 'creates a product with the victim’s tenantId in the body',
    request: (_a, v) => ({
      method: 'POST',
      path: '/products',
      body: { name: 'planted', price: 1, tenantId: v.session.tenantId },
    }),
    status: 400,
  },
  {
    route: 'GET /products/{productId}',
    name: 'reads the victim’s product',
    request: (_a, v) => ({ method: 'GET', path: `/products/${v.productId}` }),
    status: 404,
  },
  {
    route: 'PUT /products/{productId}',
    name: 'replaces the victim’s product',
    request: (_a, v) => ({ method: 'PUT', path: `/products/${v.productId}`, body: { name: 'hijacked', price: 0 } }),
    status: 404,
  },
  {
    route: 'DELETE /products/{productId}',
    name: 'deletes the victim’s product',
    request: (_a, v) => ({ method: 'DELETE', path: `/products/${v.productId}` }),
    status: 404,
  },
  { route: 'GET /orders', name: 'lists orders', request: () => ({ method: 'GET', path: '/orders' }), status: 200 },
  {
    route: 'POST /orders',
    name: 'orders the victim’s product',
    request: (_a, v) => ({
      method: 'POST',
      path: '/orders',
      body: { lines: [{ productId: v.productId, quantity: 1 }] },
    }),
    status: 400,
  },
  {
    route: 'GET /orders/{orderId}',
    name: 'reads the victim’s order',
    request: (_a, v) => ({ method: 'GET', path: `/orders/${v.orderId}` }),
    status: 404,
  },
  {
    route: 'PUT /orders/{orderId}',
    name: 'updates the victim’s order',
    request: (_a, v) => ({ method: 'PUT', path: `/orders/${v.orderId}`, body: { status: 'CANCELLED' } }),
    status: 404,
  },
  {
    route: 'DELETE /orders/{orderId}',
    name: 'deletes the victim’s order',
    request: (_a, v) => ({ method: 'DELETE', path: `/orders/${v.orderId}` }),
    status: 404,
  },
];

const FORGED_CASES: Case[] = [
  {
    route: 'GET /products',
    name: 'forges ?tenantId= in the query',
    request: (_a, v) => ({ method: 'GET', path: `/products?tenantId=${v.session.tenantId}` }),
    status: 200,
  },
  {
    route: 'GET /orders',
    name: 'forges ?tenantId= in the query',
    request: (_a, v) => ({ method: 'GET', path: `/orders?tenantId=${v.session.tenantId}` }),
    status: 200,
  },
  {
    route: 'GET /products/{productId}',
    name: 'adds ?tenantId= to the victim’s product id',
    request: (_a, v) => ({ method: 'GET', path: `/products/${v.productId}?tenantId=${v.session.tenantId}` }),
    status: 404,
  },
  ...['X-Tenant-Id', 'tenantId', 'x-amzn-tenant-id', 'X-Forwarded-Tenant'].map(
    (header): Case => ({
      route: 'GET /products',
      name: `forges a ${header} header`,
      request: (_a, v) => ({ method: 'GET', path: '/products', headers: { [header]: v.session.tenantId } }),
      status: 200,
    }),
  ),
  {
    route: 'GET /products/{productId}',
    name: 'forges an X-Tenant-Id header on the victim’s product',
    request: (_a, v) => ({
      method: 'GET',
      path: `/products/${v.productId}`,
      headers: { 'X-Tenant-Id': v.session.tenantId },
    }),
    status: 404,
  },
  {
    route: 'GET /products/{productId}',
    name: 'puts the victim’s tenant id in the path',
    request: (_a, v) => ({ method: 'GET', path: `/products/${v.session.tenantId}` }),
    status: 404,
  },
  {
    route: 'GET /products/{productId}',
    name: 'puts tenant#product in the path',
    request: (_a, v) => ({
      method: 'GET',
      path: `/products/${encodeURIComponent(`${v.session.tenantId}#${v.productId}`)}`,
    }),
    status: 404,
  },
  {
    route: 'PUT /products/{productId}',
    name: 'replaces its own product with the victim’s tenantId in the body',
    request: (a, v) => ({
      method: 'PUT',
      path: `/products/${a.productId}`,
      body: { name: 'moved', price: 1, tenantId: v.session.tenantId },
    }),
    status: 400,
  },
  {
    route: 'POST /orders',
    name: 'creates an order with the victim’s tenantId in the body',
    request: (a, v) => ({
      method: 'POST',
      path: '/orders',
      body: { tenantId: v.session.tenantId, lines: [{ productId: a.productId, quantity: 1 }] },
    }),
    status: 400,
  },
  {
    route: 'PUT /orders/{orderId}',
    name: 'updates its own order to the victim’s product',
    request: (a, v) => ({
      method: 'PUT',
      path: `/orders/${a.orderId}`,
      body: { lines: [{ productId: v.productId, quantity: 1 }] },
    }),
    status: 400,
  },
];

/**
 * Every ordered pair of the two pool tenants and silo A, plus silo A ↔ silo B (silo B against the
 * pool tenants would repeat silo A's rows at ~2 s a direction pair). In rounds where each attacker
 * appears once, so an attacker's requests are spread out and a BASIC tenant stays within its
 * burst (50) and rate.
 */
const DIRECTIONS: ReadonlyArray<readonly [TenantKey, TenantKey]> = [
  ['acme', 'globex'],
  ['globex', 'siloA'],
  ['siloA', 'acme'],
  ['siloB', 'siloA'],
  ['acme', 'siloA'],
  ['globex', 'acme'],
  ['siloA', 'globex'],
  ['siloA', 'siloB'],
];

describe('isolation matrix (two pool tenants, two silo tenants)', () => {
  it('covers every route of the tenant API', () => {
    const covered = new Set(ROUTE_CASES.map((c) => c.route));

    expect([...covered].sort()).toEqual(
      routesOf('tenant')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  for (const [attackerName, victimName] of DIRECTIONS) {
    describe(`${attackerName} attacking ${victimName}`, () => {
      it.each([...ROUTE_CASES, ...FORGED_CASES].map((c) => [`${c.route}: ${c.name}`, c] as const))(
        '%s → no leak',
        async (_name, attack) => {
          const attacker = fixtures[attackerName];
          const victim = fixtures[victimName];
          const { method, path, body, headers } = attack.request(attacker, victim);

          const response = await http(method, at(attacker.session.apiUrl, path), {
            body,
            headers,
            token: attacker.session.idToken,
          });

          expect(response.status).toBe(attack.status);
          expectNoLeak(response, victim);
        },
      );
    });
  }

  // Runs after the attack suites above (vitest keeps definition order).
  it('leaves every tenant’s data exactly as it was after all attacks', async () => {
    for (const key of TENANTS) expect(await snapshot(fixtures[key])).toEqual(before[key]);
  });
});
