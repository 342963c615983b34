import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMESPACE } from '../../../contracts/observability';
import { instrumentApi, instrumentStep, logger, metrics } from '../../../layers/tenant-context/observability';

/** Every JSON line the function writes (Powertools Logger lines and EMF records). */
function captureStdout() {
  const lines: Record<string, unknown>[] = [];
  const write = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // not JSON
      }
    }
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(write as never),
    vi.spyOn(process.stderr, 'write').mockImplementation(write as never),
    vi.spyOn(console, 'log').mockImplementation(write as never),
    vi.spyOn(console, 'info').mockImplementation(write as never),
    vi.spyOn(console, 'error').mockImplementation(write as never),
  ];
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

const event = (authorizer: Record<string, unknown> | undefined): APIGatewayProxyEvent =>
  ({
    httpMethod: 'GET',
    resource: '/products/{productId}',
    path: '/products/p-1',
    headers: { Authorization: 'Bearer secret-token' },
    requestContext: { requestId: 'req-1', authorizer },
  }) as unknown as APIGatewayProxyEvent;

const context = { functionName: 'products', awsRequestId: 'aws-1', memoryLimitInMB: '256' } as unknown as Context;
const emfOf = (lines: Record<string, unknown>[]) => lines.filter((line) => line._aws !== undefined);
const requestLineOf = (lines: Record<string, unknown>[]) => lines.find((line) => line.message === 'request');

describe('instrumentApi', () => {
  let out: ReturnType<typeof captureStdout>;
  beforeEach(() => {
    out = captureStdout();
  });
  afterEach(() => out.restore());

  it('writes one request line with the tenant, the correlation id, the route, the status and the latency', async () => {
    const handler = instrumentApi(async () => ({ statusCode: 404, body: '{"message":"Product not found"}' }));

    const result = await handler(event({ tenantId: 'tenant-a', tier: 'BASIC', accessKeyId: 'AKIA' }), context);

    expect(result.statusCode).toBe(404);
    expect(requestLineOf(out.lines)).toMatchObject({
      level: 'INFO',
      tenantId: 'tenant-a',
      tier: 'BASIC',
      correlation_id: 'req-1',
      route: 'GET /products/{productId}',
      statusCode: 404,
      latencyMs: expect.any(Number),
      function_request_id: 'aws-1',
    });
  });

  it('records Requests, ClientErrors and Latency with service and tier dimensions and the tenant as a property', async () => {
    const handler = instrumentApi(async () => ({ statusCode: 400, body: '{}' }));

    await handler(event({ tenantId: 'tenant-a', tier: 'PREMIUM' }), context);

    const [record] = emfOf(out.lines);
    expect(record).toMatchObject({ Requests: 1, ClientErrors: 1, tier: 'PREMIUM', tenantId: 'tenant-a' });
    const directive = (
      (record as { _aws: unknown })._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
    ).CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(METRIC_NAMESPACE);
    expect(directive?.Dimensions).toEqual([['service', 'tier']]);
    expect(record).not.toHaveProperty('ServerErrors');
  });

  it('counts a thrown error as a 500 and rethrows it', async () => {
    const failure = new Error('boom');
    const handler = instrumentApi(async () => {
      throw failure;
    });

    await expect(handler(event({ tenantId: 'tenant-a', tier: 'BASIC' }), context)).rejects.toBe(failure);

    expect(requestLineOf(out.lines)).toMatchObject({ statusCode: 500 });
    expect(emfOf(out.lines)[0]).toMatchObject({ Requests: 1, ServerErrors: 1 });
  });

  it('has no tier dimension and no tenant keys for a caller without a tenant (an operator)', async () => {
    const handler = instrumentApi(async () => ({ statusCode: 200, body: '{}' }));

    await handler(event(undefined), context);

    expect(requestLineOf(out.lines)).not.toHaveProperty('tenantId');
    const directive = (
      (emfOf(out.lines)[0] as { _aws: unknown })._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }
    ).CloudWatchMetrics[0];
    expect(directive?.Dimensions).toEqual([['service']]);
  });

  it('never writes the request’s headers, body or credentials', async () => {
    const handler = instrumentApi(async () => ({ statusCode: 200, body: '{"secret":"x"}' }));

    await handler(
      event({ tenantId: 'tenant-a', tier: 'BASIC', secretAccessKey: 'S3CR3T', sessionToken: 'T0K3N' }),
      context,
    );

    const written = JSON.stringify(out.lines);
    expect(written).not.toMatch(/secret-token|S3CR3T|T0K3N|"secret"/);
  });

  it('does not carry one request’s tenant into the next request', async () => {
    const handler = instrumentApi(async () => ({ statusCode: 200, body: '{}' }));

    await handler(event({ tenantId: 'tenant-a', tier: 'BASIC' }), context);
    await handler(event(undefined), context);

    const requests = out.lines.filter((line) => line.message === 'request');
    expect(requests.map((line) => line.tenantId)).toEqual(['tenant-a', undefined]);
  });
});

describe('instrumentStep', () => {
  let out: ReturnType<typeof captureStdout>;
  beforeEach(() => {
    out = captureStdout();
  });
  afterEach(() => out.restore());

  const describeState = (state: { registrationId: string; tenantId: string; tier: string }) => ({
    correlationId: state.registrationId,
    tenant: { tenantId: state.tenantId, tier: state.tier },
    failureMetric: 'OnboardingStepFailures',
  });
  const state = { registrationId: 'reg-1', tenantId: 'tenant-a', tier: 'BASIC' };

  it('stamps the step’s lines with the execution name and the tenant', async () => {
    const handler = instrumentStep(async () => {
      logger.info('creating the api key');
      return 'done';
    }, describeState);

    await expect(handler(state)).resolves.toBe('done');

    expect(out.lines.find((line) => line.message === 'creating the api key')).toMatchObject({
      correlation_id: 'reg-1',
      tenantId: 'tenant-a',
      tier: 'BASIC',
    });
    // Every step says it is done, so a workflow can be followed by its correlation id.
    expect(out.lines.find((line) => line.message === 'step done')).toMatchObject({
      level: 'INFO',
      correlation_id: 'reg-1',
      tenantId: 'tenant-a',
    });
  });

  it('logs a failure by name and counts it, then rethrows it', async () => {
    const failure = Object.assign(new Error('Throttled'), { name: 'TransientStepError' });
    const handler = instrumentStep(async () => {
      throw failure;
    }, describeState);

    await expect(handler(state)).rejects.toBe(failure);

    expect(out.lines.find((line) => line.message === 'step failed')).toMatchObject({
      level: 'ERROR',
      error: { name: 'TransientStepError', message: 'Throttled' },
      tenantId: 'tenant-a',
    });
    expect(emfOf(out.lines)[0]).toMatchObject({ OnboardingStepFailures: 1, tier: 'BASIC', tenantId: 'tenant-a' });
  });

  it('publishes nothing when a step recorded no metric', async () => {
    const handler = instrumentStep(
      async () => 'ok',
      () => ({}),
    );
    metrics.setThrowOnEmptyMetrics(false);

    await handler({});

    expect(emfOf(out.lines)).toEqual([]);
  });
});
