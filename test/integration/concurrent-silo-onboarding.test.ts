/**
 * PLATINUM sign-ups at the same time. Each onboarding starts a tenant pipeline run for its own
 * tenant and waits (task token) until that run's fan-out deploys its stack. In CodePipeline's
 * default SUPERSEDED mode a run waiting to enter a stage is dropped when a newer run arrives,
 * so an onboarding would never be resumed; the template's PARALLEL mode, which the local
 * CodePipeline honours like AWS, lets every run deploy its own tenant.
 */
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  type PipelineExecution,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_PIPELINE_NAME } from '../../infra/stacks/pipeline-stack';
import { http, register, settledApproving, uniqueName } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';
import { LOCAL_CLIENT, localEndpoints } from '../support/integration/telemetry';

const SIGN_UPS = 3;
let codePipeline: CodePipelineClient;

beforeAll(() => {
  codePipeline = new CodePipelineClient({ ...LOCAL_CLIENT, endpoint: localEndpoints().codepipeline });
});

afterAll(() => codePipeline?.destroy());

/** The tenant pipeline's runs started for these tenants (pipeline variable `tenantId`). */
async function pipelineRunsOf(tenantIds: readonly string[]): Promise<PipelineExecution[]> {
  const runs: PipelineExecution[] = [];
  let nextToken: string | undefined;
  do {
    const page = await codePipeline.send(
      new ListPipelineExecutionsCommand({ pipelineName: TENANT_PIPELINE_NAME, nextToken }),
    );
    for (const { pipelineExecutionId } of page.pipelineExecutionSummaries ?? []) {
      const { pipelineExecution } = await codePipeline.send(
        new GetPipelineExecutionCommand({ pipelineName: TENANT_PIPELINE_NAME, pipelineExecutionId }),
      );
      const tenantId = pipelineExecution?.variables?.find((v) => v.name === 'tenantId')?.resolvedValue ?? '';
      if (pipelineExecution && tenantIds.includes(tenantId)) runs.push(pipelineExecution);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return runs;
}

describe('PLATINUM sign-ups at the same time', () => {
  it('all end ACTIVE, each deployed by its own pipeline run, none superseded', async () => {
    const names = Array.from({ length: SIGN_UPS }, (_, i) => uniqueName(`concurrent-${i}`));

    const accepted = await Promise.all(names.map((name) => register(cloud(), name, 'PLATINUM')));
    // Approved as the seeded operator as each one asks for it, as `signUp` does.
    const outcomes = await Promise.allSettled(
      accepted.map(({ registrationId }) => settledApproving(cloud(), registrationId, 60_000)),
    );

    const runs = await pipelineRunsOf(accepted.map((a) => a.tenantId));
    expect(runs.map((run) => run.status)).toEqual(Array(SIGN_UPS).fill('Succeeded'));
    expect(runs.map((run) => run.executionMode)).toEqual(Array(SIGN_UPS).fill('PARALLEL'));
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.status : outcome.reason))).toEqual(
      Array(SIGN_UPS).fill('SUCCEEDED'),
    );
    for (const name of names) {
      expect((await http('GET', controlPlane(`/tenant-config/${name}`))).body).toMatchObject({
        deploymentModel: 'silo',
        status: 'ACTIVE',
      });
    }
  }, 180_000);
});
