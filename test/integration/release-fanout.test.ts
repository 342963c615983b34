/**
 * The release fan-out across many silo tenants: one tenant's stack deployment fails, the
 * others are updated and their versions recorded; a release with nothing new is a no-op.
 */
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary } from '../../functions/pipeline/fanout';
import { STACK_NAMES } from '../../infra/app';
import { templateUrlOf } from '../../local/cloudformation/template-source';
import { at, cloud, http, signUp, uniqueName, waitFor } from './support/client';

const TENANTS = 20;
const credentials = { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' };
let tenantIds: string[] = [];

async function release(version: string): Promise<ReleaseSummary> {
  const sfn = new SFNClient({ region: 'us-east-1', endpoint: cloud().stepFunctionsEndpoint, credentials });
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  const fanout = machines.find((machine) => machine.name?.includes('release-fanout'));
  if (!fanout?.stateMachineArn)
    throw new Error(`No fan-out state machine among ${machines.map((m) => m.name).join(', ')}`);
  const templateUrl = templateUrlOf(path.resolve(__dirname, '../../cdk.out'), STACK_NAMES.siloTemplate);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: fanout.stateMachineArn,
      input: JSON.stringify({ tenantId: '', version, templateUrl, waveSize: 10, pollSeconds: 0 }),
    }),
  );
  const done = await waitFor(
    async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    },
    `release ${version}`,
    120_000,
  );
  expect(done.status, done.cause).toBe('SUCCEEDED');
  return JSON.parse(done.output as string) as ReleaseSummary;
}

async function mappingRows(): Promise<Map<string, Record<string, { S?: string }>>> {
  const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: cloud().dynamoDbEndpoint, credentials });
  const table = ((await dynamo.send(new ListTablesCommand({}))).TableNames ?? []).find((name) =>
    name.includes('TenantStackMapping'),
  );
  const rows = (await dynamo.send(new ScanCommand({ TableName: table }))).Items ?? [];
  return new Map(rows.map((row) => [row.tenantId?.S as string, row as Record<string, { S?: string }>]));
}

beforeAll(async () => {
  const registrations = await Promise.all(Array.from({ length: TENANTS }, () => signUp(uniqueName('fan'), 'PLATINUM')));
  expect(registrations.map((r) => r.status)).toEqual(registrations.map(() => 'SUCCEEDED'));
  tenantIds = registrations.map((r) => r.tenantId);
}, 300_000);

describe(`a release to ${TENANTS} silo tenants`, () => {
  it('updates every stack but the one whose deployment fails, reports that one with its reason, and records versions', async () => {
    const broken = tenantIds[7] as string;
    await http('POST', at(cloud().consoleUrl, '/local/faults'), {
      body: { step: `cloudformation:tenantflow-silo-${broken}`, times: 1 },
    });

    const summary = await release('v2');

    const mine = (ids: readonly string[]) => ids.filter((id) => tenantIds.includes(id));
    expect(mine(summary.succeeded).sort()).toEqual(tenantIds.filter((id) => id !== broken).sort());
    expect(summary.failed.filter((f) => tenantIds.includes(f.tenantId))).toEqual([
      { tenantId: broken, reason: expect.any(String) },
    ]);
    const rows = await mappingRows();
    for (const id of tenantIds.filter((tenantId) => tenantId !== broken))
      expect(rows.get(id)?.deployedVersion?.S, id).toBe('v2');
    // The failed tenant keeps its previous release (rolled back) and the error is on record.
    expect(rows.get(broken)?.deployedVersion?.S).not.toBe('v2');
    expect(rows.get(broken)?.lastDeployError?.S).toEqual(expect.any(String));
  }, 180_000);

  it('with nothing new, changes nothing (the failed tenant catches up once, then every stack is unchanged)', async () => {
    const catchUp = await release('v2');
    const again = await release('v2');

    expect(catchUp.succeeded.filter((id) => tenantIds.includes(id))).toEqual([tenantIds[7]]);
    expect(again.succeeded.filter((id) => tenantIds.includes(id))).toEqual([]);
    expect(again.unchanged.filter((id) => tenantIds.includes(id)).sort()).toEqual([...tenantIds].sort());
    expect(again.failed).toEqual([]);
  }, 180_000);
});
