/**
 * AWS clients of the control-plane functions, created once per execution environment. They
 * use the function's own role; on the local cloud the standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables point them at the emulators, so the code is the same in both places.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoDb(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** Reads a required environment variable; a missing one is a deployment bug, reported by name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** True for errors worth retrying: throttling, 5xx and timeouts (mapped to TransientStepError in steps). */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    status >= 500 ||
    e.$retryable !== undefined ||
    [
      'ThrottlingException',
      'TooManyRequestsException',
      'ProvisionedThroughputExceededException',
      'TimeoutError',
      'RequestTimeout',
    ].includes(e.name ?? '')
  );
}
