/** The control-plane API as the operator console calls it, with the operator's ID token. */
import { type Page, request } from '../shared/api';
import type { Execution, ExecutionDetail, Tenant } from './types';

export class OperatorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private call<T>(method: string, path: string, signal?: AbortSignal): Promise<T> {
    return request<T>(this.baseUrl, method, path, { token: this.token, signal });
  }

  tenants(nextToken?: string, signal?: AbortSignal): Promise<Page<Tenant>> {
    return this.call(
      'GET',
      `/tenants?limit=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`,
      signal,
    );
  }

  /** Every tenant, page after page (bounded, for the dashboard and the tenants table). */
  async allTenants(signal?: AbortSignal, maxPages = 20): Promise<Tenant[]> {
    const items: Tenant[] = [];
    let next: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await this.tenants(next, signal);
      items.push(...result.items);
      next = result.nextToken;
      if (!next) break;
    }
    return items;
  }

  tenant(tenantId: string): Promise<Tenant> {
    return this.call('GET', `/tenants/${encodeURIComponent(tenantId)}`);
  }

  setTenantActive(tenantId: string, active: boolean): Promise<unknown> {
    return this.call('POST', `/tenants/${encodeURIComponent(tenantId)}/${active ? 'activate' : 'deactivate'}`);
  }

  executions(
    opts: { status?: string; nextToken?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<Page<Execution>> {
    const query = new URLSearchParams({ limit: String(opts.limit ?? 100) });
    if (opts.status) query.set('status', opts.status);
    if (opts.nextToken) query.set('nextToken', opts.nextToken);
    return this.call('GET', `/executions?${query}`, signal);
  }

  execution(executionId: string, signal?: AbortSignal): Promise<ExecutionDetail> {
    return this.call('GET', `/executions/${encodeURIComponent(executionId)}`, signal);
  }

  redrive(executionId: string): Promise<unknown> {
    return this.call('POST', `/executions/${encodeURIComponent(executionId)}/redrive`);
  }

  stop(executionId: string): Promise<unknown> {
    return this.call('POST', `/executions/${encodeURIComponent(executionId)}/stop`);
  }
}
