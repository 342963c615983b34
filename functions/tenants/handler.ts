/** Tenant registry API: public `GET /tenant-config/{tenantName}` and the operators' `/tenants` routes. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { instrumentApi, logger, traced } from '../../layers/tenant-context/observability';
import { auditTrail } from '../shared/audit-store';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv, lazy } from '../shared/env';
import { json, pathParam, router } from '../shared/http';
import { lifecycleEvents } from '../shared/lifecycle-events';
import { cognitoEndpointOverride } from '../shared/local-cloud-endpoints';
import { parseLimit } from '../shared/pagination';
import { cognitoGroupMembers } from '../users/user-directory';
import { tenantStore } from './tenant-store';
import { activateTenant, deactivateTenant, getTenant, listTenants, type TenantDeps, tenantConfig } from './tenants';

const env = defineEnv(['TENANT_DETAILS_TABLE', 'TENANT_NAMES_TABLE', 'POOLED_API_URL', 'AWS_REGION', 'AUDIT_TABLE']);
const cognito = lazy(() => traced(new CognitoIdentityProviderClient({})));
const registry = lazy(() => tenantStore(dynamoDb(), env));
const deps = (): TenantDeps => ({
  registry: registry(),
  usersOf: (userPoolId) => cognitoGroupMembers(cognito(), userPoolId),
  now: () => new Date(),
  publish: lifecycleEvents(),
});

export const handler = instrumentApi(
  router(
    {
      'GET /tenant-config/{tenantName}': async (event) =>
        json(
          200,
          await tenantConfig(registry(), pathParam(event, 'tenantName'), {
            pooledApiUrl: env.POOLED_API_URL,
            region: env.AWS_REGION,
            cognitoEndpoint: cognitoEndpointOverride(),
          }),
        ),
      'GET /tenants': async (event) => {
        const query = event.queryStringParameters;
        return json(200, await listTenants(registry(), parseLimit(query), query?.nextToken));
      },
      'GET /tenants/{tenantId}': async (event) => json(200, await getTenant(registry(), pathParam(event, 'tenantId'))),
      'POST /tenants/{tenantId}/deactivate': async (event) =>
        json(200, await deactivateTenant(deps(), pathParam(event, 'tenantId'), event.requestContext.requestId)),
      'POST /tenants/{tenantId}/activate': async (event) =>
        json(200, await activateTenant(deps(), pathParam(event, 'tenantId'), event.requestContext.requestId)),
    },
    (message, error) => logger.error(message, error as Error),
    { audit: (entry) => auditTrail(dynamoDb(), env.AUDIT_TABLE)(entry) },
  ),
);
