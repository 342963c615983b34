/** `POST /registrations` and `GET /registrations/{registrationId}` (public); `GET /registrations` (operators). */
import { randomUUID } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseRegistrationRequest } from '../../contracts/requests';
import { instrumentApi, logger, tagTenant, traced } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, parseJsonBody, pathParam, router } from '../shared/http';
import { registrationStore } from './registration-store';
import { describeRegistration, listAwaitingRegistrations, registerTenant } from './registrations';

const env = defineEnv([
  'REGISTRATIONS_TABLE',
  'TENANT_NAMES_TABLE',
  'TENANT_DETAILS_TABLE',
  'ONBOARDING_STATE_MACHINE_ARN',
  'APPROVALS_TABLE',
]);
const deps = lazy(() => ({
  ...registrationStore({ dynamoDb: dynamoDb(), sfn: traced(new SFNClient({})) }, env),
  newId: randomUUID,
  now: () => new Date(),
}));

export const handler = instrumentApi(
  router(
    {
      'POST /registrations': async (event) => {
        const request = parseRegistrationRequest(parseJsonBody(event));
        const idempotencyKey = Object.entries(event.headers ?? {}).find(
          ([name]) => name.toLowerCase() === 'idempotency-key',
        )?.[1];
        const accepted = await registerTenant(deps(), request, idempotencyKey || undefined);
        // From here on the sign-up's lines and trace belong to the tenant it created.
        tagTenant({ tenantId: accepted.tenantId, tier: request.tier });
        return json(202, accepted);
      },
      'GET /registrations': async (event) =>
        json(200, await listAwaitingRegistrations(deps(), event.queryStringParameters ?? {})),
      'GET /registrations/{registrationId}': async (event) => {
        const registration = await describeRegistration(deps(), pathParam(event, 'registrationId'));
        tagTenant({ tenantId: registration.tenantId, tier: registration.tier });
        return json(200, registration);
      },
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
