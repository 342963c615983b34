/**
 * Where sign-up keeps its state: the Registrations table (registrations and idempotency
 * records), TenantNames (the reservations), TenantDetails (read only) and the onboarding state
 * machine in Step Functions.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { approvalStore } from '../approvals/approval-store';
import { executionArnOf } from '../executions/execution-arn';
import { describeExecution } from '../executions/execution-store';
import { conditionally, isConditionalCheckFailed } from '../shared/conditional-write';
import { executionHistory } from '../shared/execution-history';
import { stepsFromHistory } from '../shared/execution-steps';
import type {
  ExecutionStatus,
  IdempotencyRecord,
  Registration,
  RegistrationDeps,
  RegistrationStatusDeps,
} from './registrations';

/** The tables and the state machine, as the function's environment names them (read when used). */
export interface RegistrationResources {
  readonly REGISTRATIONS_TABLE: string;
  readonly TENANT_NAMES_TABLE: string;
  readonly TENANT_DETAILS_TABLE: string;
  readonly ONBOARDING_STATE_MACHINE_ARN: string;
  readonly APPROVALS_TABLE: string;
}

export interface RegistrationClients {
  readonly dynamoDb: Pick<DynamoDBDocumentClient, 'send'>;
  /** The SFNClient itself: the shared history reader takes one. */
  readonly sfn: SFNClient;
}

/** Idempotency records share the registrations table under a prefix no registration id can have. */
const idempotencyId = (key: string) => `idempotency#${key}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every I/O of sign-up and registration status (ids and time are the handler's). */
export function registrationStore(
  { dynamoDb, sfn }: RegistrationClients,
  resources: RegistrationResources,
): Omit<RegistrationDeps & RegistrationStatusDeps, 'newId' | 'now'> & {
  pendingOnboardingApprovals(): Promise<string[]>;
} {
  const approvals = approvalStore(dynamoDb, resources.APPROVALS_TABLE);
  // An onboarding's execution is named after its registration.
  const describeOnboarding: RegistrationStatusDeps['describeOnboarding'] = async (registrationId) => {
    const executionArn = executionArnOf(resources.ONBOARDING_STATE_MACHINE_ARN, registrationId);
    const execution = executionArn && (await describeExecution(sfn, executionArn));
    if (!executionArn || !execution) return undefined;
    const events = await executionHistory(sfn, executionArn);
    return { status: execution.status as ExecutionStatus, steps: stepsFromHistory(events) };
  };

  return {
    async claimIdempotencyKey(key, record) {
      try {
        await dynamoDb.send(
          new PutCommand({
            TableName: resources.REGISTRATIONS_TABLE,
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
        const existing = await dynamoDb.send(
          new GetCommand({
            TableName: resources.REGISTRATIONS_TABLE,
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
      await dynamoDb.send(
        new DeleteCommand({ TableName: resources.REGISTRATIONS_TABLE, Key: { registrationId: idempotencyId(key) } }),
      );
    },
    reserveTenantName(nameKey, tenantId) {
      return conditionally(
        dynamoDb.send(
          new PutCommand({
            TableName: resources.TENANT_NAMES_TABLE,
            Item: { tenantNameKey: nameKey, tenantId, reservedAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(tenantNameKey)',
          }),
        ),
      );
    },
    async releaseTenantName(nameKey, tenantId) {
      await dynamoDb.send(
        new DeleteCommand({
          TableName: resources.TENANT_NAMES_TABLE,
          Key: { tenantNameKey: nameKey },
          ConditionExpression: 'tenantId = :tenantId',
          ExpressionAttributeValues: { ':tenantId': tenantId },
        }),
      );
    },
    async saveRegistration(registration) {
      await dynamoDb.send(
        new PutCommand({ TableName: resources.REGISTRATIONS_TABLE, Item: { ...registration, kind: 'registration' } }),
      );
    },
    async deleteRegistration(registrationId) {
      await dynamoDb.send(new DeleteCommand({ TableName: resources.REGISTRATIONS_TABLE, Key: { registrationId } }));
    },
    async getRegistration(registrationId) {
      // Registration ids are UUIDs: anything else (an idempotency record's id) is not one.
      if (!UUID.test(registrationId)) return undefined;
      const result = await dynamoDb.send(
        new GetCommand({ TableName: resources.REGISTRATIONS_TABLE, Key: { registrationId } }),
      );
      return result.Item?.kind === 'registration' ? (result.Item as Registration) : undefined;
    },
    async startOnboarding(executionName, input) {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: resources.ONBOARDING_STATE_MACHINE_ARN,
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    },
    async onboardingExists(registrationId) {
      return (await describeOnboarding(registrationId)) !== undefined;
    },
    describeOnboarding,
    async cacheView(registrationId, view, at) {
      await conditionally(
        dynamoDb.send(
          new UpdateCommand({
            TableName: resources.REGISTRATIONS_TABLE,
            Key: { registrationId },
            UpdateExpression: 'SET cached = :cached',
            // A late IN_PROGRESS never replaces the final view another request stored.
            ConditionExpression:
              'attribute_exists(registrationId) AND (attribute_not_exists(cached) OR cached.#view.#status <> :succeeded)',
            ExpressionAttributeNames: { '#view': 'view', '#status': 'status' },
            ExpressionAttributeValues: { ':cached': { view, at: at.toISOString() }, ':succeeded': 'SUCCEEDED' },
          }),
        ),
      );
    },
    async awaitingApproval(registrationId) {
      return (await approvals.get(registrationId)) !== undefined;
    },
    async pendingOnboardingApprovals() {
      return (await approvals.pending('onboarding')).map((approval) => approval.executionId);
    },
    async tenantStatus(tenantId) {
      const { Item } = await dynamoDb.send(
        new GetCommand({
          TableName: resources.TENANT_DETAILS_TABLE,
          Key: { tenantId },
          ProjectionExpression: '#s',
          ExpressionAttributeNames: { '#s': 'status' },
        }),
      );
      return Item?.status as string | undefined;
    },
  };
}
