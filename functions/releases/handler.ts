/**
 * Operators' releases API: `GET /releases`, `GET /releases/{releaseId}`. A release is an
 * execution of the fan-out state machine; Step Functions is read, never copied. Names and
 * deployed versions come from TenantDetails and TenantStackMapping (the rows the fan-out records on).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, pathParam, router } from '../shared/http';
import { releaseStore } from './release-store';
import { getRelease, listReleases, type ReleasesDeps } from './releases';

const env = defineEnv(['FANOUT_STATE_MACHINE_ARN', 'TENANT_DETAILS_TABLE', 'TENANT_STACK_MAPPING_TABLE']);
const deps = lazy(
  (): ReleasesDeps => ({
    stateMachineArn: env.FANOUT_STATE_MACHINE_ARN,
    ...releaseStore({ dynamoDb: dynamoDb(), sfn: traced(new SFNClient({})) }, env),
  }),
);

export const handler = instrumentApi(
  router(
    {
      'GET /releases': async (event) => json(200, await listReleases(deps(), event.queryStringParameters ?? {})),
      'GET /releases/{releaseId}': async (event) => json(200, await getRelease(deps(), pathParam(event, 'releaseId'))),
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
