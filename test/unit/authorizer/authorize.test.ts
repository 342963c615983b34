import type { APIGatewayRequestAuthorizerEvent, PolicyDocument, Statement } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  type AuthorizerConfig,
  type AuthorizerDeps,
  authorize,
  bearerToken,
  UnauthorizedError,
} from '../../../authorizer/authorize';
import type { VerifiedToken } from '../../../authorizer/token-verifier';
import type { TenantRecord } from '../../../contracts/tenant-record';

const OPERATOR_POOL = 'us-east-1_operators';
const POOLED_POOL = 'us-east-1_pooled';
const SILO_POOL = 'us-east-1_silo';
const STAGE = 'arn:aws:execute-api:us-east-1:111122223333:api123/prod/';
const METHOD_ARN = `${STAGE}GET/products`;

const TENANT: TenantRecord = {
  tenantId: 'tenant-a',
  tenantName: 'acme',
  tenantNameKey: 'acme',
  tier: 'STANDARD',
  deploymentModel: 'pool',
  status: 'ACTIVE',
  email: 'owner@acme.example',
  registrationId: 'r-1',
  userPoolId: POOLED_POOL,
  apiKeyValue: 'key-of-tenant-a',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function eventWith(headers: Record<string, string> | null, methodArn = METHOD_ARN): APIGatewayRequestAuthorizerEvent {
  return { type: 'REQUEST', methodArn, headers } as unknown as APIGatewayRequestAuthorizerEvent;
}

const withToken = (methodArn?: string) => eventWith({ Authorization: 'Bearer the.jwt.token' }, methodArn);

function token(userPoolId: string, claims: Record<string, unknown>): VerifiedToken {
  return {
    userPoolId,
    payload: { sub: 'user-1', 'cognito:username': 'alice', ...claims } as unknown as VerifiedToken['payload'],
  };
}

const tenantUser = (overrides: Record<string, unknown> = {}, pool = POOLED_POOL) =>
  token(pool, {
    'custom:userRole': 'TenantUser',
    'custom:tenantId': 'tenant-a',
    'cognito:groups': ['tenant-a'],
    ...overrides,
  });

function deps(
  verified: VerifiedToken | undefined,
  tenants: TenantRecord[] = [TENANT],
): AuthorizerDeps & { verify: ReturnType<typeof vi.fn> } {
  return {
    verify: vi.fn(async () => verified),
    getTenant: async (tenantId) => tenants.find((tenant) => tenant.tenantId === tenantId),
  };
}

const TENANT_API: AuthorizerConfig = { api: 'tenant' };
const CONTROL_PLANE: AuthorizerConfig = { api: 'control-plane', operatorPoolId: OPERATOR_POOL };

function statement(policy: PolicyDocument): Statement & { Effect: string; Resource: string[] } {
  expect(policy.Statement).toHaveLength(1);
  return policy.Statement[0] as Statement & { Effect: string; Resource: string[] };
}

function expectDenyAll(result: { policyDocument: PolicyDocument; usageIdentifierKey?: string | null }) {
  expect(statement(result.policyDocument)).toEqual({
    Effect: 'Deny',
    Action: 'execute-api:Invoke',
    Resource: [`${STAGE}*`],
  });
  expect(result.usageIdentifierKey).toBeUndefined();
}

describe('authorize: tokens', () => {
  it('is Unauthorized without an Authorization header, without asking the verifier', async () => {
    const d = deps(tenantUser());

    await expect(authorize(TENANT_API, d, eventWith({}))).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authorize(TENANT_API, d, eventWith(null))).rejects.toThrow('Unauthorized');
    expect(d.verify).not.toHaveBeenCalled();
  });

  it('is Unauthorized for a header that is not a bearer token', async () => {
    await expect(
      authorize(TENANT_API, deps(tenantUser()), eventWith({ Authorization: 'Basic dXNlcjpwdw==' })),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('is Unauthorized when the token does not verify', async () => {
    await expect(authorize(TENANT_API, deps(undefined), withToken())).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('authorize: operators', () => {
  it('allows a SystemAdmin of the operator pool exactly the operator routes', async () => {
    const result = await authorize(
      CONTROL_PLANE,
      deps(token(OPERATOR_POOL, { 'custom:userRole': 'SystemAdmin' })),
      withToken(`${STAGE}GET/tenants`),
    );

    expect(statement(result.policyDocument)).toEqual({
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: [
        `${STAGE}GET/registrations`,
        `${STAGE}POST/registrations/*/approve`,
        `${STAGE}POST/registrations/*/reject`,
        `${STAGE}GET/tenants`,
        `${STAGE}GET/tenants/*`,
        `${STAGE}POST/tenants/*/deactivate`,
        `${STAGE}POST/tenants/*/activate`,
        `${STAGE}GET/tenants/*/traces`,
        `${STAGE}GET/tenants/*/logs`,
        `${STAGE}GET/traces/*`,
        `${STAGE}GET/executions`,
        `${STAGE}GET/executions/*`,
        `${STAGE}POST/executions/*/redrive`,
        `${STAGE}POST/executions/*/stop`,
        `${STAGE}POST/executions/*/approve`,
        `${STAGE}POST/executions/*/reject`,
        `${STAGE}GET/audit`,
        `${STAGE}GET/releases`,
        `${STAGE}GET/releases/*`,
      ],
    });
    expect(result.context).toEqual({ userRole: 'SystemAdmin', username: 'alice', userPoolId: OPERATOR_POOL });
  });

  it('names an operator by their email, the name they sign in with', async () => {
    const result = await authorize(
      CONTROL_PLANE,
      deps(
        token(OPERATOR_POOL, {
          'custom:userRole': 'SystemAdmin',
          'cognito:username': 'c0ffee',
          email: 'ops@example.com',
        }),
      ),
      withToken(`${STAGE}GET/tenants`),
    );

    expect(result.context).toMatchObject({ username: 'ops@example.com', userPoolId: OPERATOR_POOL });
  });

  it('denies a SystemAdmin claim from any pool but the operator pool', async () => {
    const claim = token(POOLED_POOL, {
      'custom:userRole': 'SystemAdmin',
      'custom:tenantId': 'tenant-a',
      'cognito:groups': ['tenant-a'],
    });

    expectDenyAll(await authorize(CONTROL_PLANE, deps(claim), withToken()));
  });

  it('denies operators on the tenant API, which has no operator pool', async () => {
    expectDenyAll(
      await authorize(TENANT_API, deps(token(OPERATOR_POOL, { 'custom:userRole': 'SystemAdmin' })), withToken()),
    );
  });
});

describe('authorize: tenant users', () => {
  it("allows a tenant's user exactly the tenant routes and hands over the tenant's API key", async () => {
    const result = await authorize(TENANT_API, deps(tenantUser()), withToken());

    expect(statement(result.policyDocument).Effect).toBe('Allow');
    expect([...statement(result.policyDocument).Resource].sort()).toEqual(
      [
        'GET/products',
        'POST/products',
        'GET/products/*',
        'PUT/products/*',
        'DELETE/products/*',
        'GET/orders',
        'POST/orders',
        'GET/orders/*',
        'PUT/orders/*',
        'DELETE/orders/*',
      ]
        .map((route) => `${STAGE}${route}`)
        .sort(),
    );
    expect(result.usageIdentifierKey).toBe('key-of-tenant-a');
    expect(result.context).toEqual({
      tenantId: 'tenant-a',
      tier: 'STANDARD',
      userRole: 'TenantUser',
      username: 'alice',
      userPoolId: POOLED_POOL,
    });
  });

  it("denies a user who is not in the tenant's group, even with the tenant's id in the token", async () => {
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({ 'cognito:groups': ['tenant-b'] })), withToken()));
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({ 'cognito:groups': undefined })), withToken()));
  });

  it("denies a token from a pool that is not the tenant's pool", async () => {
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({}, SILO_POOL)), withToken()));
  });

  it.each(['INACTIVE', 'ONBOARDING', 'FAILED'] as const)('denies the users of a %s tenant', async (status) => {
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser(), [{ ...TENANT, status }]), withToken()));
  });

  it('denies a user its admin disabled, whose ID token is still valid', async () => {
    expectDenyAll(
      await authorize(TENANT_API, deps(tenantUser(), [{ ...TENANT, disabledUsers: new Set(['alice']) }]), withToken()),
    );
    // Another user of the tenant is not affected.
    const other = await authorize(
      TENANT_API,
      deps(tenantUser(), [{ ...TENANT, disabledUsers: new Set(['bob']) }]),
      withToken(),
    );
    expect(statement(other.policyDocument).Effect).toBe('Allow');
  });

  it('denies a tenant id the registry does not know', async () => {
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser(), []), withToken()));
  });

  it('denies a token without a tenant id or with an unknown role', async () => {
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({ 'custom:tenantId': undefined })), withToken()));
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({ 'custom:userRole': 'Root' })), withToken()));
    expectDenyAll(await authorize(TENANT_API, deps(tenantUser({ 'custom:userRole': undefined })), withToken()));
  });

  it('allows a TenantAdmin exactly the users routes of the control-plane API, with its tenant in the context', async () => {
    const result = await authorize(
      CONTROL_PLANE,
      deps(tenantUser({ 'custom:userRole': 'TenantAdmin' })),
      withToken(`${STAGE}GET/users`),
    );

    expect(statement(result.policyDocument)).toEqual({
      Effect: 'Allow',
      Action: 'execute-api:Invoke',
      Resource: [
        `${STAGE}GET/audit`,
        `${STAGE}GET/users`,
        `${STAGE}POST/users`,
        `${STAGE}GET/users/*`,
        `${STAGE}POST/users/*/disable`,
        `${STAGE}POST/users/*/enable`,
      ],
    });
    expect(result.context).toMatchObject({ tenantId: 'tenant-a', userRole: 'TenantAdmin' });
  });

  it('denies a TenantUser on the control-plane API, where no route is open to it', async () => {
    expectDenyAll(await authorize(CONTROL_PLANE, deps(tenantUser({ 'custom:userRole': 'TenantUser' })), withToken()));
  });
});

describe('authorize: silo stacks', () => {
  const SILO_TENANT: TenantRecord = {
    ...TENANT,
    tenantId: 'tenant-s',
    deploymentModel: 'silo',
    tier: 'PLATINUM',
    userPoolId: SILO_POOL,
  };
  const SILO_API: AuthorizerConfig = { api: 'tenant', siloTenantId: 'tenant-s' };

  it("denies another tenant's user on a silo tenant's API without looking the tenant up", async () => {
    const d = deps(tenantUser(), [TENANT, SILO_TENANT]);
    const getTenant = vi.spyOn(d, 'getTenant');

    expectDenyAll(await authorize(SILO_API, d, withToken()));
    expect(getTenant).not.toHaveBeenCalled();
  });

  it('allows the silo tenant its own API from its own pool', async () => {
    const user = tenantUser({ 'custom:tenantId': 'tenant-s', 'cognito:groups': ['tenant-s'] }, SILO_POOL);

    const result = await authorize(SILO_API, deps(user, [SILO_TENANT]), withToken());

    expect(statement(result.policyDocument).Effect).toBe('Allow');
    expect(result.context?.tenantId).toBe('tenant-s');
  });

  it('denies a user of the silo pool who is not in the tenant’s group', async () => {
    const user = tenantUser({ 'custom:tenantId': 'tenant-s', 'cognito:groups': undefined }, SILO_POOL);

    expectDenyAll(await authorize(SILO_API, deps(user, [SILO_TENANT]), withToken()));
  });

  it('allows a silo TenantAdmin the users routes of the control plane, for its own tenant', async () => {
    const admin = tenantUser(
      { 'custom:tenantId': 'tenant-s', 'cognito:groups': ['tenant-s'], 'custom:userRole': 'TenantAdmin' },
      SILO_POOL,
    );

    const result = await authorize(CONTROL_PLANE, deps(admin, [TENANT, SILO_TENANT]), withToken(`${STAGE}GET/users`));

    expect(statement(result.policyDocument).Resource).toContain(`${STAGE}GET/users`);
    expect(result.context).toMatchObject({ tenantId: 'tenant-s', userRole: 'TenantAdmin' });
  });

  it('denies a silo pool’s token claiming a pool tenant on the control plane', async () => {
    const admin = tenantUser({ 'custom:tenantId': 'tenant-a', 'custom:userRole': 'TenantAdmin' }, SILO_POOL);

    expectDenyAll(await authorize(CONTROL_PLANE, deps(admin, [TENANT, SILO_TENANT]), withToken()));
  });
});

describe('bearerToken', () => {
  it('reads the token whatever the case of the header and the scheme', () => {
    expect(bearerToken({ authorization: 'bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ AUTHORIZATION: 'Bearer  abc' })).toBe('abc');
  });

  it('rejects empty and multi-part values', () => {
    expect(bearerToken({ Authorization: 'Bearer ' })).toBeUndefined();
    expect(bearerToken({ Authorization: 'Bearer a b' })).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
  });
});

describe('tenant-scoped credentials', () => {
  const credentials = {
    accessKeyId: 'ASIATENANTA',
    secretAccessKey: 'secret-a',
    sessionToken: 'session-a',
    expiration: new Date('2030-01-01T00:00:00Z'),
  };

  it("puts the tenant's STS credentials in the context of an allowed tenant request", async () => {
    const credentialsFor = vi.fn(async () => credentials);
    const config: AuthorizerConfig = { api: 'tenant', operatorPoolId: OPERATOR_POOL };

    const result = await authorize(config, { ...deps(tenantUser()), credentialsFor }, withToken());

    expect(credentialsFor).toHaveBeenCalledWith('tenant-a');
    expect(result.context).toMatchObject({
      tenantId: 'tenant-a',
      accessKeyId: 'ASIATENANTA',
      secretAccessKey: 'secret-a',
      sessionToken: 'session-a',
    });
  });

  it('never obtains credentials for a denied caller', async () => {
    const credentialsFor = vi.fn(async () => credentials);
    const config: AuthorizerConfig = { api: 'tenant', operatorPoolId: OPERATOR_POOL };
    const outsider = tenantUser({ 'cognito:groups': ['tenant-b'] });

    const result = await authorize(config, { ...deps(outsider), credentialsFor }, withToken());

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(credentialsFor).not.toHaveBeenCalled();
  });

  it('adds no credentials where the functions use their own role', async () => {
    const config: AuthorizerConfig = { api: 'tenant', operatorPoolId: OPERATOR_POOL };

    const result = await authorize(config, deps(tenantUser()), withToken());

    expect(result.context).not.toHaveProperty('accessKeyId');
  });
});
