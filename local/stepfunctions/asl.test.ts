import { describe, expect, it } from 'vitest';
import { parseDefinition, parseResource, prepareForInterpreter } from './asl';
import { sdkErrorName } from './task-handlers';

describe('parseResource', () => {
  it('classifies the integrations the way history events name them', () => {
    expect(parseResource('arn:aws:states:::lambda:invoke.waitForTaskToken')).toMatchObject({
      kind: 'lambda-invoke',
      waitForTaskToken: true,
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
    });
    expect(parseResource('arn:aws:states:::aws-sdk:cognitoidentityprovider:createUserPool')).toMatchObject({
      kind: 'sdk',
      service: 'cognitoidentityprovider',
      action: 'createUserPool',
      errorPrefix: 'CognitoIdentityProvider',
      resourceType: 'aws-sdk:cognitoidentityprovider',
    });
    expect(parseResource('arn:aws:states:::dynamodb:putItem')).toMatchObject({ kind: 'sdk', errorPrefix: 'DynamoDB' });
    expect(parseResource('arn:aws:lambda:us-east-1:000000000000:function:f').kind).toBe('lambda-function');
    expect(parseResource('arn:aws:states:::states:startExecution.sync:2').kind).toBe('unsupported');
    expect(parseResource('arn:aws:states:us-east-1:000000000000:activity:a').kind).toBe('unsupported');
  });
});

describe('sdkErrorName', () => {
  it('prefixes the service and always ends in Exception', () => {
    expect(sdkErrorName('CognitoIdentityProvider', 'UsernameExistsException')).toBe(
      'CognitoIdentityProvider.UsernameExistsException',
    );
    expect(sdkErrorName('S3', 'BucketAlreadyExists')).toBe('S3.BucketAlreadyExistsException');
    expect(sdkErrorName('S3', 'S3.NoSuchKeyException')).toBe('S3.NoSuchKeyException');
  });
});

describe('definitions', () => {
  it('rejects a definition whose StartAt is not a state', () => {
    expect(() => parseDefinition('{"StartAt":"X","States":{}}')).toThrow(/StartAt 'X'/);
  });

  it('gives every Task a timeout Node can schedule, nested ones included', () => {
    const machine = parseDefinition(
      JSON.stringify({
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:x', End: true } } },
            Next: 'U',
          },
          U: { Type: 'Task', Resource: 'arn:y', TimeoutSeconds: 99999999, End: true },
        },
      }),
    );

    const prepared = prepareForInterpreter(machine, 'U');

    expect(prepared.StartAt).toBe('U');
    expect(prepared.States.U?.TimeoutSeconds).toBe(2_147_483);
    expect(prepared.States.M?.ItemProcessor?.States.T?.TimeoutSeconds).toBe(2_147_483);
    expect(machine.States.U?.TimeoutSeconds).toBe(99999999);
  });
});
