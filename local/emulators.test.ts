import { describe, expect, it } from 'vitest';
import { functionEnvironmentOf, localizeUrlWith, type ServiceEndpoints } from './emulators';
import { localAccessKeyOf } from './iam/access-keys';

const ENDPOINTS: ServiceEndpoints = {
  codepipeline: 'http://127.0.0.1:1',
  sfn: 'http://127.0.0.1:2',
  cognitoidentityprovider: 'http://127.0.0.1:3',
  dynamodb: 'http://127.0.0.1:4',
  apigateway: 'http://127.0.0.1:5',
  sts: 'http://127.0.0.1:6',
  sesv2: 'http://127.0.0.1:7',
  logs: 'http://127.0.0.1:8',
  monitoring: 'http://127.0.0.1:9',
  xray: 'http://127.0.0.1:10',
  s3: 'http://127.0.0.1:11',
  events: 'http://127.0.0.1:12',
};

describe('functionEnvironmentOf', () => {
  it('points every SDK at the local endpoints and signs with the role’s own key', () => {
    const environment = functionEnvironmentOf(ENDPOINTS)({
      functionName: 'products',
      roleArn: 'arn:aws:iam::000000000000:role/ProductsFn',
      memorySize: 256,
    });

    expect(environment).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4',
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:3',
      AWS_ENDPOINT_URL_CODEPIPELINE: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:8',
      AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:11',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:12',
      AWS_ACCESS_KEY_ID: localAccessKeyOf('arn:aws:iam::000000000000:role/ProductsFn'),
      AWS_LAMBDA_FUNCTION_NAME: 'products',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    });
    expect(Object.keys(environment).filter((name) => name.startsWith('AWS_ENDPOINT_URL_'))).toHaveLength(12);
  });

  it('leaves the log level to the template, and keys a function without a role by its name', () => {
    const environment = functionEnvironmentOf(ENDPOINTS)({ functionName: 'fn', memorySize: 128 });

    expect(environment).toMatchObject({ AWS_ACCESS_KEY_ID: localAccessKeyOf('fn') });
    expect(environment).not.toHaveProperty('POWERTOOLS_LOG_LEVEL');
  });
});

describe('localizeUrlWith', () => {
  it('rewrites execute-api URLs to the local gateway’s', () => {
    const localize = localizeUrlWith({ urlOf: (id, stage) => `http://127.0.0.1:4000/restapis/${id}/${stage}/` });

    expect(localize('api=https://abc123.execute-api.us-east-1.amazonaws.com/prod/products')).toBe(
      'api=http://127.0.0.1:4000/restapis/abc123/prod/products',
    );
    expect(localize('https://example.com/prod/')).toBe('https://example.com/prod/');
  });
});
