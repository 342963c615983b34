import { describe, expect, it } from 'vitest';
import { allowedResources, apiStageArnPrefix, denyAll, isRole, policy } from '../../../authorizer/rules';
import { ROLES, routesOf } from '../../../contracts/routes';

const STAGE = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/';

describe('apiStageArnPrefix', () => {
  it('keeps the API and stage of a method ARN, whatever the method and path', () => {
    expect(apiStageArnPrefix(`${STAGE}GET/products/p-1`)).toBe(STAGE);
    expect(apiStageArnPrefix(`${STAGE}POST/`)).toBe(STAGE);
  });
});

describe('allowedResources', () => {
  it("lists exactly the role's routes of the API, with {param} as *", () => {
    const resources = allowedResources('control-plane', 'SystemAdmin', `${STAGE}GET/tenants`);

    expect(resources).toEqual([
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
    ]);
  });

  it('never lists public routes (they have no authorizer)', () => {
    for (const role of ROLES) {
      const resources = allowedResources('control-plane', role, `${STAGE}GET/tenants`);
      expect(resources).not.toContain(`${STAGE}POST/registrations`);
      expect(resources).not.toContain(`${STAGE}GET/registrations/*`);
      expect(resources.some((resource) => resource.includes('/tenant-config'))).toBe(false);
    }
  });

  it('gives a role one resource per route it may call and no placeholder survives', () => {
    for (const role of ROLES) {
      const expected = routesOf('tenant').filter(
        (route) => route.access !== 'public' && route.access.includes(role),
      ).length;
      const resources = allowedResources('tenant', role, `${STAGE}GET/orders`);
      expect(resources).toHaveLength(expected);
      expect(resources.some((resource) => /[{}]/.test(resource))).toBe(false);
    }
  });
});

describe('policies', () => {
  it('builds one execute-api:Invoke statement', () => {
    expect(policy('Allow', ['a', 'b'])).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ['a', 'b'] }],
    });
  });

  it('denies the whole stage for a valid token that is not allowed', () => {
    expect(denyAll('user-1', `${STAGE}DELETE/orders/o-1`)).toEqual({
      principalId: 'user-1',
      policyDocument: policy('Deny', [`${STAGE}*`]),
    });
  });
});

describe('isRole', () => {
  it('accepts the three roles only', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('systemadmin')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
