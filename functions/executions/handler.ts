/** Operators' executions API: list, detail (definition + history), redrive, stop, approve, reject. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseRejectRequest } from '../../contracts/requests';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { approvalStore } from '../approvals/approval-store';
import { auditTrail } from '../shared/audit-store';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { markOnboardingAgain, stepFunctionsExecutions, taskAnswers } from './execution-store';
import {
  approveExecution,
  type ExecutionsDeps,
  executionDetail,
  listExecutions,
  redriveExecution,
  rejectExecution,
  stopExecution,
} from './executions';

const env = defineEnv(['ONBOARDING_STATE_MACHINE_ARN', 'TENANT_DETAILS_TABLE', 'APPROVALS_TABLE', 'AUDIT_TABLE']);
const deps = lazy((): ExecutionsDeps => {
  const sfn = traced(new SFNClient({}));
  return {
    stateMachineArn: env.ONBOARDING_STATE_MACHINE_ARN,
    executions: stepFunctionsExecutions(sfn),
    markOnboardingAgain: (tenantId, at, from, notUpdatedSince) =>
      markOnboardingAgain(dynamoDb(), env.TENANT_DETAILS_TABLE, tenantId, at, from, notUpdatedSince),
    approvals: approvalStore(dynamoDb(), env.APPROVALS_TABLE),
    answerTask: taskAnswers(sfn),
    onboardingOf: async (tenantId) => {
      const { Item } = await dynamoDb().send(
        new GetCommand({
          TableName: env.TENANT_DETAILS_TABLE,
          Key: { tenantId },
          ProjectionExpression: 'registrationId',
        }),
      );
      return Item?.registrationId as string | undefined;
    },
    now: () => new Date(),
  };
});

// A registration's approval is its onboarding execution's: the execution is named after it.
const approve = (param: string) => async (event: APIGatewayProxyEvent) =>
  json(200, await approveExecution(deps(), pathParam(event, param)));
const reject = (param: string) => async (event: APIGatewayProxyEvent) =>
  json(200, await rejectExecution(deps(), pathParam(event, param), parseRejectRequest(parseJsonBody(event)).reason));

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
      'POST /executions/{executionId}/approve': approve('executionId'),
      'POST /executions/{executionId}/reject': reject('executionId'),
      'POST /registrations/{registrationId}/approve': approve('registrationId'),
      'POST /registrations/{registrationId}/reject': reject('registrationId'),
    },
    (message, error) => logger.error(message, error as Error),
    { audit: (entry) => auditTrail(dynamoDb(), env.AUDIT_TABLE)(entry) },
  ),
);
