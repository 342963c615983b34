/**
 * The audit trail: one append-only entry per call of a state-changing route (the route table's
 * `audit` names the action), written by the router after the handler answered, refused calls
 * included. The entry says who (the authorizer's context), what, on which tenant, when, the API
 * Gateway request id and the outcome. No AWS SDK here: every API's router imports this module
 * (the table writer is audit-store.ts).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AuditEntry } from '../../contracts/schemas/control-plane';

export type { AuditEntry };

/** Where the router writes entries (the audit table, or a fake in tests). */
export type AuditSink = (entry: AuditEntry) => Promise<void>;

/** How long entries are kept (the table's TTL attribute `expiresAt`). */
export const AUDIT_RETENTION_DAYS = 400;

/** A non-empty string, else undefined. */
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The JSON response body's fields (the tenant an execution is about, the user just created). */
function bodyOf(body: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The entry for one call: pure, from the request, its response, the time and a fresh id. */
export function auditEntryOf(
  action: string,
  event: Pick<APIGatewayProxyEvent, 'requestContext' | 'pathParameters'>,
  response: Pick<APIGatewayProxyResult, 'statusCode' | 'body'>,
  at: Date,
  auditId: string = randomUUID(),
): AuditEntry {
  const authorizer = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const params = event.pathParameters ?? {};
  const body = bodyOf(response.body);
  const callerTenant = text(authorizer.tenantId);
  // The tenant acted on: named in the path, else the one the answer is about, else the caller's own.
  const tenantId = text(params.tenantId) ?? text(body.tenantId) ?? callerTenant;
  const target =
    text(params.executionId) ?? text(params.registrationId) ?? text(params.username) ?? text(body.username);
  const { statusCode } = response;
  return {
    auditId,
    at: at.toISOString(),
    actor: {
      username: text(authorizer.username) ?? 'unknown',
      role: text(authorizer.userRole) ?? 'unknown',
      userPoolId: text(authorizer.userPoolId) ?? 'unknown',
      ...(callerTenant ? { tenantId: callerTenant } : {}),
    },
    action,
    ...(tenantId ? { tenantId } : {}),
    ...(target ? { target } : {}),
    requestId: text(event.requestContext?.requestId) ?? 'unknown',
    outcome: statusCode < 400 ? 'SUCCEEDED' : statusCode < 500 ? 'REFUSED' : 'FAILED',
    statusCode,
  };
}

/** The audit table's key of an entry: the month partitions the log, time orders it. */
export function auditKeyOf(entry: Pick<AuditEntry, 'at' | 'auditId'>): { month: string; sk: string } {
  return { month: entry.at.slice(0, 7), sk: `${entry.at}#${entry.auditId}` };
}
