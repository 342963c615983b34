/**
 * AWS clients of the control-plane functions, created once per execution environment at first
 * use. They use the function's own role; on the local cloud the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables point them at the emulators, so the code is the same in
 * both places.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '../../layers/tenant-context/observability';
import { lazy } from './env';

/** The DynamoDB document client (undefined attributes are left out, not refused). */
export const dynamoDb = lazy(() =>
  DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } }),
);

export { requiredEnv } from './env';
