/** `GET /audit` (operators; a tenant admin for their own tenant). */
import { instrumentApi, logger } from '../../layers/tenant-context/observability';
import { dynamoDb } from '../shared/aws-clients';
import { defineEnv } from '../shared/env';
import { json, router } from '../shared/http';
import { readAudit } from './audit';
import { auditLogQuery } from './audit-log-store';

const env = defineEnv(['AUDIT_TABLE']);

export const handler = instrumentApi(
  router(
    {
      'GET /audit': async (event) => {
        const authorizer = (event.requestContext.authorizer ?? {}) as Record<string, unknown>;
        const caller = {
          role: String(authorizer.userRole ?? ''),
          tenantId: typeof authorizer.tenantId === 'string' ? authorizer.tenantId : undefined,
        };
        const deps = { query: auditLogQuery(dynamoDb(), env.AUDIT_TABLE), now: () => new Date() };
        return json(200, await readAudit(deps, event.queryStringParameters ?? {}, caller));
      },
    },
    (message, error) => logger.error(message, error as Error),
  ),
);
