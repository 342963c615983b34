import { describe, expect, it } from 'vitest';
import { AccessDecisions } from './access-decisions';
import type { Identity } from './iam-registry';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Products';
const allow = (actions: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: TABLE }],
});
const identity = (sessionPolicy?: Identity['sessionPolicy']): Identity =>
  ({
    kind: sessionPolicy ? 'session' : 'role',
    principalArn: 'arn:aws:sts::000000000000:assumed-role/Fn/local-function',
    secretAccessKey: 'x',
    identityPolicies: [{ name: 'items', policy: allow(['dynamodb:GetItem', 'dynamodb:Query']) }],
    sessionPolicy,
  }) as unknown as Identity;

describe('AccessDecisions', () => {
  it('allows what the role allows, and names the missing grant otherwise', async () => {
    const decisions = new AccessDecisions({ version: 0 });

    expect(await decisions.decide(identity(), 'AK1', { action: 'dynamodb:GetItem', resource: TABLE })).toEqual({
      allowed: true,
    });
    expect(await decisions.decide(identity(), 'AK1', { action: 'dynamodb:PutItem', resource: TABLE })).toEqual({
      allowed: false,
      reason: 'no identity-based policy allows the dynamodb:PutItem action',
    });
  });

  it('intersects the role with a session policy', async () => {
    const decisions = new AccessDecisions({ version: 0 });
    const session = identity(allow(['dynamodb:GetItem']));

    expect(await decisions.decide(session, 'AK2', { action: 'dynamodb:Query', resource: TABLE })).toEqual({
      allowed: false,
      reason: 'no session policy allows the dynamodb:Query action',
    });
  });

  it('answers a repeated check from the cache until the registry changes', async () => {
    const registry = { version: 0 };
    const decisions = new AccessDecisions(registry);
    const check = { action: 'dynamodb:GetItem', resource: TABLE, leadingKeys: ['t1'] };

    await decisions.decide(identity(), 'AK1', check);
    await decisions.decide(identity(), 'AK1', check);
    registry.version = 1;
    await decisions.decide(identity(), 'AK1', check);

    expect(decisions.cacheHits).toBe(1);
  });
});
