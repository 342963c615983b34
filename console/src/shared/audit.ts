/**
 * Reading the audit log (`GET /audit`, docs/api.md) from the web apps: the query, the words of an
 * outcome, and the API's 400 field errors as they show under the filters (pure: unit-tested in
 * console/test).
 */
import type { AuditEntry } from '../../../contracts/schemas/control-plane';
import { type FieldError, type Page, pageQuery } from './api';

export type { AuditEntry };

/** What a view asks the audit log for; every part optional (the API defaults to the last 30 days, every tenant). */
export interface AuditQuery {
  readonly tenantId?: string;
  /** ISO date (YYYY-MM-DD) or date-time. */
  readonly from?: string;
  /** ISO date or date-time; a bare date means the end of that day. */
  readonly to?: string;
}

/** Anything that reads the audit log with a signed-in user's token: the operator's or a tenant admin's client. */
export interface AuditSource {
  audit(query: AuditQuery, nextToken?: string, signal?: AbortSignal): Promise<Page<AuditEntry>>;
}

/** `/audit?limit=100&tenantId&from&to&nextToken`, leaving out what is empty (blank filters ask for the defaults). */
export function auditPath(query: AuditQuery, nextToken?: string): string {
  const trimmed = (value: string | undefined) => value?.trim() || undefined;
  return `/audit${pageQuery(nextToken, {
    tenantId: trimmed(query.tenantId),
    from: trimmed(query.from),
    to: trimmed(query.to),
  })}`;
}

/** An outcome in words, and the colour of its badge. */
export const OUTCOME_LOOKS: Record<
  AuditEntry['outcome'],
  { readonly text: string; readonly color: 'green' | 'grey' | 'red' }
> = {
  SUCCEEDED: { text: 'Succeeded', color: 'green' },
  REFUSED: { text: 'Refused', color: 'grey' },
  FAILED: { text: 'Failed', color: 'red' },
};

/**
 * The API's field errors keyed by field, as a sentence shown under that field's label ("From" /
 * "must not be after to" → "Must not be after to."): the label already names the field.
 */
export function filterErrorsOf(errors: readonly FieldError[]): Partial<Record<string, string>> {
  const result: Partial<Record<string, string>> = {};
  for (const { field, message } of errors) {
    const text = message.charAt(0).toUpperCase() + message.slice(1);
    result[field] ??= /[.!?]$/.test(text) ? text : `${text}.`;
  }
  return result;
}

/** The texts a search over loaded entries matches. */
export const auditSearchText = (e: AuditEntry) => [
  e.action,
  e.actor.username,
  e.actor.role,
  e.tenantId,
  e.target,
  e.requestId,
  e.outcome,
  String(e.statusCode),
];
