/**
 * @tenantflow/tenant-context — shipped as a Lambda layer (/opt/nodejs/node_modules).
 *
 * Gives tenant API functions the caller's tenant as the authorizer established it, tenant-aware
 * telemetry (./observability: logger, tracer and metrics that stamp every line, trace and EMF
 * record with the tenant), and a DynamoDB client built from the credentials the authorizer
 * obtained for that tenant (so the data layer, not only the handler code, keeps tenants apart).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './observability';

export {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
export { instrumentApi, logger, MetricUnit, metrics, tagTenant, traced, tracer } from './observability';
export type { DynamoDBDocumentClient };

/** The tenant of the current request. */
export interface TenantContext {
  readonly tenantId: string;
  readonly tier: string;
  readonly userRole: string;
  readonly username: string;
}

/** Thrown when a request reached a function without an authorizer context (a wiring bug). */
export class MissingTenantContextError extends Error {
  constructor() {
    super('Request has no tenant context from the authorizer');
    this.name = 'MissingTenantContextError';
  }
}

interface AuthorizerContextCarrier {
  readonly requestContext?: { readonly authorizer?: Record<string, unknown> | null } | null;
}

/** Credentials the authorizer passed in its context (issued by STS for this tenant only). */
interface ScopedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Reads the tenant context the authorizer put on the request; never from headers or body. */
export function tenantContextOf(event: AuthorizerContextCarrier): TenantContext {
  const authorizer = event.requestContext?.authorizer ?? {};
  const read = (key: string): string | undefined => {
    const value = authorizer[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const tenantId = read('tenantId');
  if (!tenantId) throw new MissingTenantContextError();
  return {
    tenantId,
    tier: read('tier') ?? 'UNKNOWN',
    userRole: read('userRole') ?? 'TenantUser',
    username: read('username') ?? 'unknown',
  };
}

function scopedCredentialsOf(event: AuthorizerContextCarrier): ScopedCredentials | undefined {
  const authorizer = event.requestContext?.authorizer ?? {};
  const { accessKeyId, secretAccessKey, sessionToken } = authorizer as Record<string, unknown>;
  if (typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' && typeof sessionToken === 'string') {
    return { accessKeyId, secretAccessKey, sessionToken };
  }
  return undefined;
}

const defaultClient = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
const scopedClients = new Map<string, DynamoDBDocumentClient>();
const MAX_SCOPED_CLIENTS = 100;

/**
 * The DynamoDB client for this request: built from the tenant-scoped credentials in the
 * authorizer context when present (pooled stacks), else the function's own role (silo
 * stacks, whose role reaches only that tenant's tables). Clients are reused per access key.
 */
export function tenantDocumentClient(event: AuthorizerContextCarrier): DynamoDBDocumentClient {
  const credentials = scopedCredentialsOf(event);
  if (!credentials) return defaultClient;
  let client = scopedClients.get(credentials.accessKeyId);
  if (!client) {
    if (scopedClients.size >= MAX_SCOPED_CLIENTS) scopedClients.clear();
    client = DynamoDBDocumentClient.from(traced(new DynamoDBClient({ credentials })), {
      marshallOptions: { removeUndefinedValues: true },
    });
    scopedClients.set(credentials.accessKeyId, client);
  }
  return client;
}
