import { describe, expect, it } from 'vitest';
import { deployTenantStackWith } from '../../../functions/onboarding-steps/deploy-tenant-stack';
import { InvalidRegistrationError } from '../../../functions/onboarding-steps/step';
import { fakeClient, setStepEnvForEachTest } from './fakes';

setStepEnvForEachTest();

const WAITING = { taskToken: 'token-1', tenantId: 'tenant-2' };
const MAPPED = { tenantId: 'tenant-2', stackName: 'tenantflow-silo-tenant-2', deploymentModel: 'silo' };

/** TenantStackMapping holding `row`, CodePipeline and Step Functions. */
function deps(row: Record<string, unknown> | undefined) {
  return {
    dynamoDb: fakeClient({ get: () => ({ Item: row }), update: () => ({}) }),
    codePipeline: fakeClient({ startPipelineExecution: () => ({ pipelineExecutionId: 'run-1' }) }),
    sfn: fakeClient({ sendTaskSuccess: () => ({}) }),
  };
}

describe('deployTenantStack', () => {
  it('leaves the task token on the mapping and starts the tenant pipeline for this tenant only', async () => {
    const { dynamoDb, codePipeline, sfn } = deps(MAPPED);

    const result = await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);

    expect(result).toEqual({ started: true });
    expect(dynamoDb.inputsOf('get')).toEqual([
      { TableName: 'TenantStackMapping', Key: { tenantId: 'tenant-2' }, ConsistentRead: true },
    ]);
    expect(dynamoDb.inputsOf('update')).toEqual([
      {
        TableName: 'TenantStackMapping',
        Key: { tenantId: 'tenant-2' },
        UpdateExpression: 'SET waitingTaskToken = :token',
        ExpressionAttributeValues: { ':token': 'token-1' },
      },
    ]);
    expect(codePipeline.inputsOf('startPipelineExecution')).toEqual([
      {
        name: 'tenant-pipeline',
        variables: [{ name: 'tenantId', value: 'tenant-2' }],
        clientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(sfn.sent).toEqual([]);
  });

  it('asks for the same pipeline run when the invocation is retried, and for another one for another task', async () => {
    const { dynamoDb, codePipeline, sfn } = deps(MAPPED);

    await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);
    await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);
    await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, { ...WAITING, taskToken: 'token-2' });

    const [first, retried, other] = codePipeline.inputsOf('startPipelineExecution').map((i) => i.clientRequestToken);
    expect(retried).toBe(first);
    expect(other).not.toBe(first);
  });

  it('resumes the onboarding at once, starting no pipeline run, when a redrive finds the stack already deployed', async () => {
    const deployed = {
      ...MAPPED,
      deployedVersion: 'v7',
      apiUrl: 'https://globex.example.com/prod/',
      usagePlanId: 'plan-globex',
    };
    const { dynamoDb, codePipeline, sfn } = deps(deployed);

    const result = await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);

    expect(result).toEqual({ started: false });
    expect(sfn.inputsOf('sendTaskSuccess')).toEqual([
      {
        taskToken: 'token-1',
        output: JSON.stringify({
          apiUrl: 'https://globex.example.com/prod/',
          usagePlanId: 'plan-globex',
          stackName: 'tenantflow-silo-tenant-2',
        }),
      },
    ]);
    expect(codePipeline.sent).toEqual([]);
    expect(dynamoDb.inputsOf('update')).toEqual([]);
  });

  it('deploys again when the recorded deployment lacks the usage plan the onboarding needs', async () => {
    const { dynamoDb, codePipeline, sfn } = deps({
      ...MAPPED,
      deployedVersion: 'v7',
      apiUrl: 'https://x.example.com/',
    });

    const result = await deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);

    expect(result).toEqual({ started: true });
    expect(sfn.sent).toEqual([]);
  });

  it('refuses a tenant without a stack mapping with InvalidRegistrationError, starting nothing', async () => {
    const { dynamoDb, codePipeline, sfn } = deps(undefined);

    const deployed = deployTenantStackWith({ dynamoDb, codePipeline, sfn }, WAITING);

    await expect(deployed).rejects.toStrictEqual(new InvalidRegistrationError('No stack mapping for tenant tenant-2'));
    expect(codePipeline.sent).toEqual([]);
  });
});
