/**
 * The release fan-out's Lambda steps (workflows/deploy-fanout.ts): plan the waves, record each
 * tenant's outcome, assess a wave, summarize the release. Thin: the logic is in fanout.ts and
 * record.ts; this file wires DynamoDB (TenantStackMapping) and Step Functions (task tokens).
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { METRICS } from '../../contracts/observability';
import { instrumentStep, MetricUnit, metrics, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { conditionally } from '../shared/conditional-write';
import { defineEnv, lazy, transientAware } from '../shared/env';
import {
  advanceWaves,
  type PlannedRelease,
  planWaves,
  type ReleasePlan,
  type ReleaseSummary,
  releaseSettingsOf,
  type StackMappingRow,
  type SummarizeInput,
  startProgress,
  summarizeRelease as summarize,
  type TenantOutcome,
  type TenantResult,
  undeployableReason,
  type WaveProgress,
} from './fanout';
import { type RecordDeps, type RecordInput, recordDeployment, recordUndeployable } from './record';

const env = defineEnv(['TENANT_STACK_MAPPING_TABLE']);
const sfn = lazy(() => traced(new SFNClient({})));

/** TenantStackMapping and Step Functions task tokens, for record.ts. */
export const recordDeps: RecordDeps = {
  writeDeployed(tenantId, fields) {
    return conditionally(
      dynamoDb().send(
        new UpdateCommand({
          TableName: env.TENANT_STACK_MAPPING_TABLE,
          Key: { tenantId },
          ConditionExpression: 'attribute_exists(tenantId)',
          UpdateExpression: fields.usagePlanId
            ? 'SET deployedVersion = :v, deployedAt = :at, apiUrl = :url, usagePlanId = :plan REMOVE lastDeployError'
            : 'SET deployedVersion = :v, deployedAt = :at, apiUrl = :url REMOVE lastDeployError',
          ExpressionAttributeValues: {
            ':v': fields.deployedVersion,
            ':at': fields.deployedAt,
            ':url': fields.apiUrl,
            ...(fields.usagePlanId ? { ':plan': fields.usagePlanId } : {}),
          },
        }),
      ),
    );
  },
  writeDeployError(tenantId, reason) {
    return conditionally(
      dynamoDb().send(
        new UpdateCommand({
          TableName: env.TENANT_STACK_MAPPING_TABLE,
          Key: { tenantId },
          ConditionExpression: 'attribute_exists(tenantId)',
          UpdateExpression: 'SET lastDeployError = :reason',
          ExpressionAttributeValues: { ':reason': reason },
        }),
      ),
    );
  },
  async readToken(tenantId) {
    const { Item } = await dynamoDb().send(
      new GetCommand({
        TableName: env.TENANT_STACK_MAPPING_TABLE,
        Key: { tenantId },
        ConsistentRead: true,
        ProjectionExpression: 'waitingTaskToken',
      }),
    );
    const token = (Item as Pick<StackMappingRow, 'waitingTaskToken'> | undefined)?.waitingTaskToken;
    return token || undefined;
  },
  async clearToken(tenantId, token) {
    // False when another token was written meanwhile (a newer onboarding): not ours to remove.
    await conditionally(
      dynamoDb().send(
        new UpdateCommand({
          TableName: env.TENANT_STACK_MAPPING_TABLE,
          Key: { tenantId },
          ConditionExpression: 'waitingTaskToken = :token',
          UpdateExpression: 'REMOVE waitingTaskToken',
          ExpressionAttributeValues: { ':token': token },
        }),
      ),
    );
  },
  async sendTaskSuccess(taskToken, output) {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output }));
  },
  async sendTaskFailure(taskToken, error, cause) {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32_768) }));
  },
  now: () => new Date(),
};

async function mappingRows(tenantId: string): Promise<StackMappingRow[]> {
  if (tenantId) {
    const { Item } = await dynamoDb().send(
      new GetCommand({ TableName: env.TENANT_STACK_MAPPING_TABLE, Key: { tenantId }, ConsistentRead: true }),
    );
    return Item ? [Item as StackMappingRow] : [];
  }
  const rows: StackMappingRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDb().send(
      new ScanCommand({
        TableName: env.TENANT_STACK_MAPPING_TABLE,
        ConsistentRead: true,
        FilterExpression: 'deploymentModel = :silo',
        ExpressionAttributeValues: { ':silo': 'silo' },
        ExclusiveStartKey: startKey,
      }),
    );
    rows.push(...((page.Items ?? []) as StackMappingRow[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
}

/** A fan-out step's telemetry: the release version is its correlation id (the execution is named after it). */
const releaseStep = <E, R>(
  handler: (event: E) => Promise<R>,
  versionOf: (event: E) => unknown,
  tenantOf?: (event: E) => string | undefined,
) =>
  instrumentStep(handler, (event) => {
    const version = versionOf(event);
    const tenantId = tenantOf?.(event);
    return {
      correlationId: typeof version === 'string' ? version : undefined,
      tenant: tenantId ? { tenantId } : undefined,
    };
  });

const DEPLOY_METRICS: Record<TenantOutcome, string> = {
  succeeded: METRICS.releaseDeploysSucceeded,
  unchanged: METRICS.releaseDeploysUnchanged,
  failed: METRICS.releaseDeploysFailed,
};

/** PlanRelease: reads TenantStackMapping and cuts the silo tenants into waves. */
export const planRelease = releaseStep(planReleaseOf, (event) => (event as { version?: unknown } | undefined)?.version);

async function planReleaseOf(event: unknown): Promise<PlannedRelease> {
  const release = releaseSettingsOf(event);
  return transientAware(async () => {
    const rows = await mappingRows(release.tenantId);
    const plan = planWaves(release, rows);
    // A silo row that cannot be deployed is a failed deployment: record it, and fail the onboarding waiting for it.
    for (const row of rows) {
      const reason = row.deploymentModel === 'silo' ? undeployableReason(row) : undefined;
      if (reason) await recordUndeployable(row, reason, recordDeps);
    }
    return { plan, progress: startProgress(plan) };
  }, 'PlanRelease');
}

/** RecordTenantDeployed / RecordTenantUnchanged / RecordTenantFailed; each outcome is counted (release deploys). */
export const recordTenantDeployment = releaseStep(
  async (event: RecordInput): Promise<TenantResult> => {
    const result = await transientAware(
      () => recordDeployment(event, recordDeps),
      `Record ${event.state?.tenant?.tenantId}`,
    );
    metrics.addMetric(DEPLOY_METRICS[result.outcome], MetricUnit.Count, 1);
    return result;
  },
  (event) => event.state?.release?.version,
  (event) => event.state?.tenant?.tenantId,
);

/** AssessWave: adds a wave's results; the next wave, or a stop when its failures exceed the tolerated share. */
export const assessWave = releaseStep(
  async (event: {
    plan: ReleasePlan;
    progress: WaveProgress;
    waveResults: TenantResult[];
    toleratedFailurePercentage: number;
  }): Promise<WaveProgress> =>
    advanceWaves(event.plan, event.progress, event.waveResults, event.toleratedFailurePercentage),
  (event) => event.plan?.release?.version,
);

/** SummarizeRelease: the execution's output. */
export const summarizeRelease = releaseStep(
  async (event: SummarizeInput): Promise<ReleaseSummary> => summarize(event),
  (event) => event.plan?.release?.version,
);
