/** The control-plane API as the operator console calls it, with the operator's ID token. */
import { ApiClient, allPages, type Page, pageQuery } from '../shared/api';
import { type AuditEntry, type AuditQuery, type AuditSource, auditPath } from '../shared/audit';
import type {
  Execution,
  ExecutionDetail,
  LogLine,
  Registration,
  Release,
  ReleaseDetail,
  Tenant,
  TraceDetail,
  TraceSummary,
} from './types';

/** The window and filters of a tenant's telemetry lists (all optional: the API defaults to the last hour). */
export interface TelemetryQuery {
  readonly from?: string;
  readonly to?: string;
  readonly level?: string;
  readonly nextToken?: string;
}

/** What waits for an operator's answer: a registration, or any lifecycle execution. */
export type ApprovalTarget = { readonly registrationId: string } | { readonly executionId: string };

/** An operator's answer: approve, or reject with the reason the applicant is told. */
export type ApprovalAnswer = { readonly approve: true } | { readonly reason: string };

export class OperatorClient extends ApiClient implements AuditSource {
  /** Every tenant, page after page (bounded, for the dashboard and the tenants table). */
  allTenants(signal?: AbortSignal): Promise<Tenant[]> {
    return allPages((next) => this.call<Page<Tenant>>('GET', `/tenants${pageQuery(next)}`, undefined, signal));
  }

  tenant(tenantId: string, signal?: AbortSignal): Promise<Tenant> {
    return this.call('GET', `/tenants/${encodeURIComponent(tenantId)}`, undefined, signal);
  }

  setTenantActive(tenantId: string, active: boolean): Promise<unknown> {
    return this.call('POST', `/tenants/${encodeURIComponent(tenantId)}/${active ? 'activate' : 'deactivate'}`);
  }

  executions(opts: { status?: string; nextToken?: string } = {}, signal?: AbortSignal): Promise<Page<Execution>> {
    return this.call('GET', `/executions${pageQuery(opts.nextToken, { status: opts.status })}`, undefined, signal);
  }

  execution(executionId: string, signal?: AbortSignal): Promise<ExecutionDetail> {
    return this.call('GET', `/executions/${encodeURIComponent(executionId)}`, undefined, signal);
  }

  redrive(executionId: string): Promise<unknown> {
    return this.call('POST', `/executions/${encodeURIComponent(executionId)}/redrive`);
  }

  stop(executionId: string): Promise<unknown> {
    return this.call('POST', `/executions/${encodeURIComponent(executionId)}/stop`);
  }

  /** Every registration waiting for an operator's approval, oldest first (page after page). */
  pendingRegistrations(signal?: AbortSignal): Promise<Registration[]> {
    return allPages((next) =>
      this.call<Page<Registration>>(
        'GET',
        `/registrations${pageQuery(next, { status: 'AWAITING_APPROVAL' })}`,
        undefined,
        signal,
      ),
    );
  }

  /**
   * Approves or rejects (with the reason the applicant reads) what waits for approval: a
   * registration (`POST /registrations/{id}/…`) or any lifecycle execution (`POST /executions/{id}/…`).
   */
  answerApproval(waiting: ApprovalTarget, answer: ApprovalAnswer): Promise<unknown> {
    const base =
      'registrationId' in waiting
        ? `/registrations/${encodeURIComponent(waiting.registrationId)}`
        : `/executions/${encodeURIComponent(waiting.executionId)}`;
    return 'reason' in answer
      ? this.call('POST', `${base}/reject`, { reason: answer.reason })
      : this.call('POST', `${base}/approve`);
  }

  /** The latest releases (one page: the newest first). */
  releases(signal?: AbortSignal): Promise<Page<Release>> {
    return this.call('GET', `/releases${pageQuery()}`, undefined, signal);
  }

  release(releaseId: string, signal?: AbortSignal): Promise<ReleaseDetail> {
    return this.call('GET', `/releases/${encodeURIComponent(releaseId)}`, undefined, signal);
  }

  /** One page of a tenant's recent requests (X-Ray traces), newest first. */
  tenantTraces(tenantId: string, query: TelemetryQuery = {}, signal?: AbortSignal): Promise<Page<TraceSummary>> {
    return this.tenantList('traces', tenantId, query, signal);
  }

  /** One page of a tenant's log lines, oldest first. */
  tenantLogs(tenantId: string, query: TelemetryQuery = {}, signal?: AbortSignal): Promise<Page<LogLine>> {
    return this.tenantList('logs', tenantId, query, signal);
  }

  private tenantList<T>(list: 'traces' | 'logs', tenantId: string, query: TelemetryQuery, signal?: AbortSignal) {
    const { nextToken, ...rest } = query;
    const path = `/tenants/${encodeURIComponent(tenantId)}/${list}${pageQuery(nextToken, rest)}`;
    return this.call<Page<T>>('GET', path, undefined, signal);
  }

  /** One page of the audit log, newest first: every tenant's, or one tenant's (`query.tenantId`). */
  audit(query: AuditQuery, nextToken?: string, signal?: AbortSignal): Promise<Page<AuditEntry>> {
    return this.call('GET', auditPath(query, nextToken), undefined, signal);
  }

  /** One trace with its segments as a waterfall. */
  trace(traceId: string, signal?: AbortSignal): Promise<TraceDetail> {
    return this.call('GET', `/traces/${encodeURIComponent(traceId)}`, undefined, signal);
  }
}

/** What a table of one tenant's telemetry takes: the client, the tenant and an optional window. */
export interface TenantTelemetryProps {
  readonly client: OperatorClient;
  readonly tenantId: string;
  readonly window?: Pick<TelemetryQuery, 'from' | 'to'>;
}
