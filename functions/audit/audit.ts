/**
 * Reading the audit log: `GET /audit?tenantId&from&to&limit&nextToken`, newest first. Entries are
 * partitioned by month (see shared/audit-trail.ts), so a period is read month by month backwards;
 * one tenant's entries come from the table's byTenant index in one query. Independent of the SDK:
 * audit-log-store.ts is the I/O.
 */
import { ForbiddenError, ValidationError } from '../../contracts/errors';
import type { AuditEntry } from '../shared/audit-trail';
import { decodeNextToken, encodeNextToken, parseLimit } from '../shared/pagination';

/** The longest period one request may cover. */
export const MAX_AUDIT_DAYS = 366;
/** The period when the request names none: the last 30 days. */
export const DEFAULT_AUDIT_DAYS = 30;
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who asks: an operator, or a tenant admin (with their tenant). */
export interface AuditCaller {
  readonly role: string;
  readonly tenantId?: string;
}

/** One query of the table: a month's partition, or a tenant's entries in the index, between two sort keys. */
export interface AuditQuery {
  readonly partition: { readonly month: string } | { readonly tenantId: string };
  readonly fromSk: string;
  readonly toSk: string;
  readonly limit: number;
  readonly startKey?: Record<string, unknown>;
}

export interface AuditDeps {
  query(query: AuditQuery): Promise<{ items: AuditEntry[]; lastKey?: Record<string, unknown> }>;
  now(): Date;
}

function timeOf(query: Readonly<Record<string, string | undefined>>, field: 'from' | 'to'): Date | undefined {
  const raw = query[field];
  if (raw === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime()))
    throw new ValidationError([{ field, message: 'must be an ISO 8601 date (YYYY-MM-DD) or date and time' }]);
  // A bare date as `to` means the whole of that day.
  return field === 'to' && raw.length === 10 ? new Date(time.getTime() + DAY_MS - 1) : time;
}

/** The request's period, tenant and page, checked; a tenant admin may read only their own tenant. */
export function auditRequestOf(
  query: Readonly<Record<string, string | undefined>>,
  caller: AuditCaller,
  now: Date,
): { tenantId?: string; from: Date; to: Date; limit: number; nextToken?: string } {
  const tenantId = query.tenantId;
  if (tenantId !== undefined && !UUID.test(tenantId))
    throw new ValidationError([{ field: 'tenantId', message: 'must be a tenant id' }]);
  if (caller.role !== 'SystemAdmin' && (tenantId === undefined || tenantId !== caller.tenantId))
    throw new ForbiddenError('A tenant admin may read only their own tenant’s audit entries (?tenantId=<yours>)');
  const to = timeOf(query, 'to') ?? now;
  const from = timeOf(query, 'from') ?? new Date(to.getTime() - DEFAULT_AUDIT_DAYS * DAY_MS);
  if (from > to) throw new ValidationError([{ field: 'from', message: 'must not be after to' }]);
  if (to.getTime() - from.getTime() > MAX_AUDIT_DAYS * DAY_MS)
    throw new ValidationError([{ field: 'from', message: `the period must not exceed ${MAX_AUDIT_DAYS} days` }]);
  return { tenantId, from, to, limit: parseLimit(query), nextToken: query.nextToken };
}

/** The months (YYYY-MM) of a period, newest first. */
export function monthsOf(from: Date, to: Date): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
  const first = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1);
  while (cursor.getTime() >= first) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return months;
}

/** `GET /audit`: one page of entries, newest first. */
export async function readAudit(
  deps: AuditDeps,
  query: Readonly<Record<string, string | undefined>>,
  caller: AuditCaller,
): Promise<{ items: AuditEntry[]; nextToken?: string }> {
  const request = auditRequestOf(query, caller, deps.now());
  const bounds = { fromSk: request.from.toISOString(), toSk: `${request.to.toISOString()}#\uffff` };
  if (request.tenantId) {
    // Pinned to the tenant: a forged token cannot move the query to another tenant's entries.
    const startKey = decodeNextToken(request.nextToken, { tenantId: request.tenantId });
    const page = await deps.query({
      partition: { tenantId: request.tenantId },
      ...bounds,
      limit: request.limit,
      startKey,
    });
    return { items: page.items, ...(page.lastKey ? { nextToken: encodeNextToken(stringKey(page.lastKey)) } : {}) };
  }
  const token = decodeNextToken(request.nextToken);
  const months = monthsOf(request.from, request.to);
  let index = token ? months.indexOf(String(token.month)) : 0;
  if (index < 0) throw new ValidationError([{ field: 'nextToken', message: 'is not a valid page token' }]);
  // A token is a key to continue after, or (`{month}` alone) the month to start with.
  let startKey = token?.sk !== undefined ? token : undefined;
  const items: AuditEntry[] = [];
  while (index < months.length && items.length < request.limit) {
    const month = months[index] as string;
    const page = await deps.query({ partition: { month }, ...bounds, limit: request.limit - items.length, startKey });
    items.push(...page.items);
    if (page.lastKey) {
      startKey = page.lastKey;
      if (items.length >= request.limit) return { items, nextToken: encodeNextToken(stringKey(page.lastKey)) };
    } else {
      index += 1;
      startKey = undefined;
    }
  }
  // A full page that ended exactly at a month's end continues with the next month.
  const next = items.length >= request.limit && index < months.length ? { month: months[index] as string } : undefined;
  return { items, ...(next ? { nextToken: encodeNextToken(next) } : {}) };
}

function stringKey(key: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, String(value)]));
}
