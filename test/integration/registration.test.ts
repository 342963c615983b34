import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { POOL_ONBOARDING_TASKS } from '../../contracts/onboarding-states';
import { http, signUp, tableNamed, uniqueName, welcomeMailOf } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';

const POOL_STEPS = [...POOL_ONBOARDING_TASKS];

async function executionCount(): Promise<number> {
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: cloud().stepFunctionsEndpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: cloud().onboardingStateMachineArn, maxResults: 1000, nextToken }),
    );
    count += page.executions?.length ?? 0;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

describe('POST /registrations', () => {
  it.each(['BASIC', 'STANDARD', 'PREMIUM'])(
    'onboards a %s tenant through every pool step to SUCCEEDED',
    async (tier) => {
      const tenantName = uniqueName(tier.toLowerCase());

      const registration = await signUp(cloud(), tenantName, tier);

      expect(registration.status).toBe('SUCCEEDED');
      expect(registration.tier).toBe(tier);
      expect(registration.steps.map((step) => step.name)).toEqual(POOL_STEPS);
      for (const step of registration.steps) {
        expect(step.status).toBe('SUCCEEDED');
        expect(Date.parse(step.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
      }
      const config = await http('GET', controlPlane(`/tenant-config/${tenantName}`));
      expect(config.body).toMatchObject({ tenantName, tier, deploymentModel: 'pool', status: 'ACTIVE' });
      const mail = await welcomeMailOf(cloud(), tenantName);
      expect(mail.to).toBe(`admin@${tenantName}.example.com`);
      expect(mail.variables.temporaryPassword).toMatch(/.{12,}/);
    },
  );

  it('answers 202 with the ids and IN_PROGRESS at once', async () => {
    const tenantName = uniqueName('quick');

    const accepted = await http('POST', controlPlane('/registrations'), {
      body: {
        tenantName,
        email: 'owner@example.com',
        tier: 'BASIC',
        companyName: 'Quick Ltd',
        phone: '+1 555 0100',
        address: '1 Main St',
      },
    });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      registrationId: expect.any(String),
      tenantId: expect.any(String),
      status: 'IN_PROGRESS',
    });
    const status = await http('GET', controlPlane(`/registrations/${accepted.body.registrationId}`));
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ registrationId: accepted.body.registrationId, tenantName, tier: 'BASIC' });
  });

  it.each([
    ['a bad tier', { tenantName: 'valid-name', email: 'a@b.co', tier: 'GOLD' }, 'tier'],
    ['a missing tier', { tenantName: 'valid-name', email: 'a@b.co' }, 'tier'],
    ['a too short name', { tenantName: 'ab', email: 'a@b.co', tier: 'BASIC' }, 'tenantName'],
    ['a name with bad characters', { tenantName: 'bad_name!', email: 'a@b.co', tier: 'BASIC' }, 'tenantName'],
    ['a too long name', { tenantName: 'x'.repeat(41), email: 'a@b.co', tier: 'BASIC' }, 'tenantName'],
    ['a bad email', { tenantName: 'valid-name', email: 'not-an-email', tier: 'BASIC' }, 'email'],
    ['a missing email', { tenantName: 'valid-name', tier: 'BASIC' }, 'email'],
    ['a non-string name', { tenantName: 42, email: 'a@b.co', tier: 'BASIC' }, 'tenantName'],
    ['an unknown field', { tenantName: 'valid-name', email: 'a@b.co', tier: 'BASIC', plan: 'x' }, 'plan'],
  ])('rejects %s with 400 naming the field and starts no execution', async (_case, body, field) => {
    const before = await executionCount();

    const response = await http('POST', controlPlane('/registrations'), { body });

    expect(response.status).toBe(400);
    expect(response.body.message).toEqual(expect.any(String));
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await executionCount()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"tenantName": "x",'],
    ['a JSON array', '[]'],
    ['an empty body', ''],
  ])('rejects %s with 400 naming the body', async (_case, rawBody) => {
    const response = await http('POST', controlPlane('/registrations'), {
      rawBody,
      headers: { 'Content-Type': 'application/json' },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('refuses a taken name in any case with 409 and starts no second execution', async () => {
    const tenantName = uniqueName('taken');
    await signUp(cloud(), tenantName);
    const before = await executionCount();

    const again = await http('POST', controlPlane('/registrations'), {
      body: { tenantName: tenantName.toUpperCase(), email: 'x@y.co', tier: 'PREMIUM' },
    });

    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([expect.objectContaining({ field: 'tenantName' })]);
    expect(await executionCount()).toBe(before);
  });

  it('lets only one of two racing sign-ups of the same name through', async () => {
    const tenantName = uniqueName('race');
    const body = { tenantName, email: 'r@example.com', tier: 'BASIC' };

    const [first, second] = await Promise.all([
      http('POST', controlPlane('/registrations'), { body }),
      http('POST', controlPlane('/registrations'), { body: { ...body, tenantName: tenantName.toUpperCase() } }),
    ]);

    expect([first.status, second.status].sort()).toEqual([202, 409]);
  });

  it('returns the same registration for a repeated Idempotency-Key and body, and 422 for another body', async () => {
    const tenantName = uniqueName('idem');
    const key = `key-${tenantName}`;
    const body = { tenantName, email: 'i@example.com', tier: 'STANDARD' };
    const before = await executionCount();

    const first = await http('POST', controlPlane('/registrations'), { body, headers: { 'Idempotency-Key': key } });
    const repeat = await http('POST', controlPlane('/registrations'), { body, headers: { 'Idempotency-Key': key } });
    const other = await http('POST', controlPlane('/registrations'), {
      body: { ...body, tier: 'PREMIUM' },
      headers: { 'Idempotency-Key': key },
    });

    expect(first.status).toBe(202);
    expect(repeat.status).toBe(202);
    expect(repeat.body.registrationId).toBe(first.body.registrationId);
    expect(repeat.body.tenantId).toBe(first.body.tenantId);
    expect(other.status).toBe(422);
    expect(await executionCount()).toBe(before + 1);
  });
});

describe('GET /registrations/{registrationId}', () => {
  it('answers 404 for an unknown registration', async () => {
    const response = await http('GET', controlPlane('/registrations/00000000-0000-4000-8000-000000000000'));

    expect(response.status).toBe(404);
  });

  it('stores a SUCCEEDED view and serves it from the Registrations table, not from Step Functions', async () => {
    const tenantName = uniqueName('cached');
    const { registrationId } = await signUp(cloud(), tenantName);
    const dynamo = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: cloud().dynamoDbEndpoint,
      credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
    });
    const table = await tableNamed(dynamo, 'Registrations');
    const row = await dynamo.send(
      new GetItemCommand({ TableName: table, Key: { registrationId: { S: registrationId } } }),
    );

    expect(row.Item?.cached?.M?.view?.M?.status?.S).toBe('SUCCEEDED');
    // What is stored is what is served (the public view: no email).
    const served = await http('GET', controlPlane(`/registrations/${registrationId}`));
    expect(served.body.status).toBe('SUCCEEDED');
    expect(JSON.stringify(row.Item?.cached)).not.toContain('@');
  });

  it('answers 404, not a leak, for an idempotency record id', async () => {
    const response = await http('GET', controlPlane(`/registrations/${encodeURIComponent('idempotency#anything')}`));

    expect(response.status).toBe(404);
  });
});
