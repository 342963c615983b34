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

export { isTransientAwsError, requiredEnv } from './env';
