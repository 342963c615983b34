/** `POST /registrations` and `GET /registrations/{registrationId}` (public). */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseRegistrationRequest } from '../../contracts/requests';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { registrationStore } from './registration-store';
import { describeRegistration, registerTenant } from './registrations';

const env = defineEnv([
  'REGISTRATIONS_TABLE',
  'TENANT_NAMES_TABLE',
  'TENANT_DETAILS_TABLE',
  'ONBOARDING_STATE_MACHINE_ARN',
]);
const logger = new Logger();
const deps = lazy(() => ({
  ...registrationStore({ dynamoDb: dynamoDb(), sfn: new SFNClient({}) }, env),
  newId: randomUUID,
  now: () => new Date(),
}));

export const handler = router(
  {
    'POST /registrations': async (event) => {
      const request = parseRegistrationRequest(parseJsonBody(event));
      const idempotencyKey = Object.entries(event.headers ?? {}).find(
        ([name]) => name.toLowerCase() === 'idempotency-key',
      )?.[1];
      return json(202, await registerTenant(deps(), request, idempotencyKey || undefined));
    },
    'GET /registrations/{registrationId}': async (event) =>
      json(200, await describeRegistration(deps(), pathParam(event, 'registrationId'))),
  },
  (message, error) => logger.error(message, error as Error),
);
