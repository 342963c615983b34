/** Operators' executions API: list, detail (definition + history), redrive, stop. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, pathParam, router } from '../shared/http';
import { markOnboardingAgain, stepFunctionsExecutions } from './execution-store';
import { type ExecutionsDeps, executionDetail, listExecutions, redriveExecution, stopExecution } from './executions';

const env = defineEnv(['ONBOARDING_STATE_MACHINE_ARN', 'TENANT_DETAILS_TABLE']);
const deps = lazy(
  (): ExecutionsDeps => ({
    stateMachineArn: env.ONBOARDING_STATE_MACHINE_ARN,
    executions: stepFunctionsExecutions(traced(new SFNClient({}))),
    markOnboardingAgain: (tenantId, at) => markOnboardingAgain(dynamoDb(), env.TENANT_DETAILS_TABLE, tenantId, at),
    now: () => new Date(),
  }),
);

export const handler = instrumentApi(
  router(
    {
      'GET /executions': async (event) => json(200, await listExecutions(deps(), event.queryStringParameters ?? {})),
      'GET /executions/{executionId}': async (event) =>
        json(200, await executionDetail(deps(), pathParam(event, 'executionId'))),
      'POST /executions/{executionId}/redrive': async (event) =>
        json(202, await redriveExecution(deps(), pathParam(event, 'executionId'))),
      'POST /executions/{executionId}/stop': async (event) =>
        json(200, await stopExecution(deps(), pathParam(event, 'executionId'))),
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
