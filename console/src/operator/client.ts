/** The control-plane API as the operator console calls it, with the operator's ID token. */
import { ApiClient, allPages, type Page, pageQuery } from '../shared/api';
import type { Execution, ExecutionDetail, Release, ReleaseDetail, Tenant } from './types';

export class OperatorClient extends ApiClient {
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

  /** The latest releases (one page: the newest first). */
  releases(signal?: AbortSignal): Promise<Page<Release>> {
    return this.call('GET', `/releases${pageQuery()}`, undefined, signal);
  }

  release(releaseId: string, signal?: AbortSignal): Promise<ReleaseDetail> {
    return this.call('GET', `/releases/${encodeURIComponent(releaseId)}`, undefined, signal);
  }
}
