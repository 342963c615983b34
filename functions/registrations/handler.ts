/** `POST /registrations` and `GET /registrations/{registrationId}` (public). */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb, requiredEnv } from '../shared/aws-clients';
import { conditionally, isConditionalCheckFailed } from '../shared/conditional-write';
import { executionHistory } from '../shared/execution-history';
import { stepsFromHistory } from '../shared/execution-steps';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { parseRegistrationRequest } from '../shared/tenant-names';
import {
  describeRegistration,
  type ExecutionStatus,
  type IdempotencyRecord,
  type Registration,
  type RegistrationDeps,
  registerTenant,
} from './registrations';

const logger = new Logger();
const sfn = new SFNClient({});
const REGISTRATIONS_TABLE = requiredEnv('REGISTRATIONS_TABLE');
const TENANT_NAMES_TABLE = requiredEnv('TENANT_NAMES_TABLE');
const STATE_MACHINE_ARN = requiredEnv('ONBOARDING_STATE_MACHINE_ARN');
const TENANTS_TABLE = requiredEnv('TENANT_DETAILS_TABLE');

/** Idempotency records share the registrations table under a prefix no registration id can have. */
const idempotencyId = (key: string) => `idempotency#${key}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const deps: RegistrationDeps = {
  async claimIdempotencyKey(key, record) {
    try {
      await dynamoDb().send(
        new PutCommand({
          TableName: REGISTRATIONS_TABLE,
          Item: {
            registrationId: idempotencyId(key),
            registrationRef: record.registrationId,
            tenantId: record.tenantId,
            requestHash: record.requestHash,
            kind: 'idempotency',
          },
          ConditionExpression: 'attribute_not_exists(registrationId)',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = await dynamoDb().send(
        new GetCommand({
          TableName: REGISTRATIONS_TABLE,
          Key: { registrationId: idempotencyId(key) },
          ConsistentRead: true,
        }),
      );
      const item = existing.Item ?? {};
      return {
        registrationId: item.registrationRef,
        tenantId: item.tenantId,
        requestHash: item.requestHash,
      } as IdempotencyRecord;
    }
  },
  async releaseIdempotencyKey(key) {
    await dynamoDb().send(
      new DeleteCommand({ TableName: REGISTRATIONS_TABLE, Key: { registrationId: idempotencyId(key) } }),
    );
  },
  reserveTenantName(nameKey, tenantId) {
    return conditionally(
      dynamoDb().send(
        new PutCommand({
          TableName: TENANT_NAMES_TABLE,
          Item: { tenantNameKey: nameKey, tenantId, reservedAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(tenantNameKey)',
        }),
      ),
    );
  },
  async releaseTenantName(nameKey, tenantId) {
    await dynamoDb().send(
      new DeleteCommand({
        TableName: TENANT_NAMES_TABLE,
        Key: { tenantNameKey: nameKey },
        ConditionExpression: 'tenantId = :tenantId',
        ExpressionAttributeValues: { ':tenantId': tenantId },
      }),
    );
  },
  async saveRegistration(registration) {
    await dynamoDb().send(
      new PutCommand({ TableName: REGISTRATIONS_TABLE, Item: { ...registration, kind: 'registration' } }),
    );
  },
  async deleteRegistration(registrationId) {
    await dynamoDb().send(new DeleteCommand({ TableName: REGISTRATIONS_TABLE, Key: { registrationId } }));
  },
  async getRegistration(registrationId) {
    if (!UUID.test(registrationId)) return undefined;
    const result = await dynamoDb().send(new GetCommand({ TableName: REGISTRATIONS_TABLE, Key: { registrationId } }));
    return result.Item?.kind === 'registration' ? (result.Item as Registration) : undefined;
  },
  async startOnboarding(executionName, input) {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        name: executionName,
        input: JSON.stringify(input),
      }),
    );
  },
  async onboardingExists(registrationId) {
    return (await describeOnboarding(registrationId)) !== undefined;
  },
  newId: randomUUID,
  now: () => new Date(),
};

async function tenantStatus(tenantId: string): Promise<string | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: TENANTS_TABLE,
      Key: { tenantId },
      ProjectionExpression: '#s',
      ExpressionAttributeNames: { '#s': 'status' },
    }),
  );
  return Item?.status as string | undefined;
}

async function describeOnboarding(registrationId: string) {
  const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${registrationId}`;
  try {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await executionHistory(sfn, executionArn);
    return { status: execution.status as ExecutionStatus, steps: stepsFromHistory(events) };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

export const handler = router(
  {
    'POST /registrations': async (event) => {
      const request = parseRegistrationRequest(parseJsonBody(event));
      const idempotencyKey = Object.entries(event.headers ?? {}).find(
        ([name]) => name.toLowerCase() === 'idempotency-key',
      )?.[1];
      return json(202, await registerTenant(deps, request, idempotencyKey || undefined));
    },
    'GET /registrations/{registrationId}': async (event) =>
      json(
        200,
        await describeRegistration({ ...deps, describeOnboarding, tenantStatus }, pathParam(event, 'registrationId')),
      ),
  },
  (message, error) => logger.error(message, error as Error),
);
