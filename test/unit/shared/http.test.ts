import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
  ValidationError,
} from '../../../contracts/errors';
import { errorResponse, json, parseJsonBody, pathParam, router } from '../../../functions/shared/http';

function event(overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    resource: '/',
    path: '/',
    body: null,
    isBase64Encoded: false,
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('router', () => {
  it('dispatches by method and resource template', async () => {
    const getOne = vi.fn(async () => json(200, { one: true }));
    const handler = router(
      { 'GET /products/{productId}': getOne, 'GET /products': async () => json(200, {}) },
      vi.fn(),
    );

    const response = await handler(
      event({ httpMethod: 'GET', resource: '/products/{productId}', path: '/products/p-1' }),
    );

    expect(response.statusCode).toBe(200);
    expect(getOne).toHaveBeenCalledOnce();
  });

  it('answers 404 for a route it does not serve', async () => {
    const handler = router({ 'GET /products': async () => json(200, {}) }, vi.fn());

    const response = await handler(event({ httpMethod: 'DELETE', resource: '/products' }));

    expect(response.statusCode).toBe(404);
  });

  it('maps a thrown HTTP error to its status', async () => {
    const handler = router(
      {
        'GET /products/{productId}': async () => {
          throw new NotFoundError('Product');
        },
      },
      vi.fn(),
    );

    const response = await handler(event({ resource: '/products/{productId}' }));

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ message: 'Product not found' });
  });

  it('answers 500 without details for an unexpected error, and logs it', async () => {
    const log = vi.fn();
    const failure = new Error('connection string postgres://secret');
    const handler = router(
      {
        'GET /': async () => {
          throw failure;
        },
      },
      log,
    );

    const response = await handler(event({}));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('at ');
    expect(log).toHaveBeenCalledWith('Unhandled error', failure);
  });
});

describe('errorResponse', () => {
  it('lists every invalid field of a ValidationError', () => {
    const errors = [
      { field: 'name', message: 'is required' },
      { field: 'price', message: 'must be a number' },
    ];

    const response = errorResponse(new ValidationError(errors), vi.fn());

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ message: 'Invalid request', errors });
  });

  it('names the field of a conflict', () => {
    const response = errorResponse(new ConflictError("Tenant name 'acme' is already taken", 'tenantName'), vi.fn());

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).errors).toEqual([{ field: 'tenantName', message: "Tenant name 'acme' is already taken" }]);
  });

  it.each([
    [new ForbiddenError(), 403],
    [new NotImplementedError('later', 'tier'), 501],
    [new ConflictError('not redrivable'), 409],
  ])('answers %s with status %i', (error, status) => {
    expect(errorResponse(error, vi.fn()).statusCode).toBe(status);
  });

  it('sends JSON with CORS headers', () => {
    const response = errorResponse(new NotFoundError('Order'), vi.fn());

    expect(response.headers).toMatchObject({ 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
  });
});

describe('parseJsonBody', () => {
  it('parses a JSON object, also when API Gateway base64-encoded it', () => {
    const raw = JSON.stringify({ name: 'Widget' });

    expect(parseJsonBody({ body: raw, isBase64Encoded: false })).toEqual({ name: 'Widget' });
    expect(parseJsonBody({ body: Buffer.from(raw).toString('base64'), isBase64Encoded: true })).toEqual({
      name: 'Widget',
    });
  });

  it.each([
    ['missing', null, 'is required (a JSON object)'],
    ['blank', '  ', 'is required (a JSON object)'],
    ['not JSON', '{name:', 'is not valid JSON'],
    ['an array', '[1]', 'must be a JSON object'],
    ['a string', '"x"', 'must be a JSON object'],
    ['null', 'null', 'must be a JSON object'],
  ])('answers 400 naming body when the body is %s', (_case, body, message) => {
    expect(() => parseJsonBody({ body, isBase64Encoded: false })).toThrow(
      expect.objectContaining({ statusCode: 400, errors: [{ field: 'body', message }] }),
    );
  });
});

describe('pathParam', () => {
  it('returns the URL-decoded parameter', () => {
    expect(pathParam({ pathParameters: { tenantName: 'acme%2Dco' } }, 'tenantName')).toBe('acme-co');
  });

  it('answers 400 naming the parameter when it is missing', () => {
    expect(() => pathParam({ pathParameters: null }, 'productId')).toThrow(
      expect.objectContaining({ statusCode: 400, errors: [{ field: 'productId', message: 'is required' }] }),
    );
  });

  it('answers 400, not 500, for malformed percent-encoding', () => {
    expect(() => pathParam({ pathParameters: { productId: '%E0%A4%A' } }, 'productId')).toThrow(
      expect.objectContaining({ statusCode: 400, errors: [expect.objectContaining({ field: 'productId' })] }),
    );
  });
});
