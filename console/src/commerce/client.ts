import { ApiClient, allPages, type Page, pageQuery } from '../shared/api';
import { type AuditEntry, type AuditQuery, type AuditSource, auditPath } from '../shared/audit';
import type { NewUser, Order, Product, TenantUser } from './types';

/** The tenant API with the signed-in user's ID token. */
export class TenantClient extends ApiClient {
  private all<T>(path: '/products' | '/orders', signal?: AbortSignal): Promise<T[]> {
    return allPages((next) => this.call<Page<T>>('GET', `${path}${pageQuery(next)}`, undefined, signal));
  }

  products = (signal?: AbortSignal) => this.all<Product>('/products', signal);
  createProduct = (body: unknown) => this.call<Product>('POST', '/products', body);
  updateProduct = (id: string, body: unknown) => this.call<Product>('PUT', `/products/${encodeURIComponent(id)}`, body);
  deleteProduct = (id: string) => this.call<void>('DELETE', `/products/${encodeURIComponent(id)}`);
  orders = (signal?: AbortSignal) => this.all<Order>('/orders', signal);
  createOrder = (lines: { productId: string; quantity: number }[]) => this.call<Order>('POST', '/orders', { lines });
  order = (id: string) => this.call<Order>('GET', `/orders/${encodeURIComponent(id)}`);
}

/**
 * A tenant admin's users and their tenant's audit log: the control-plane API (not the tenant's
 * API), called with the same ID token of the tenant's user pool.
 */
export class UsersClient extends ApiClient implements AuditSource {
  /** `GET /users` pages hold at most 60 users (Cognito's limit). */
  users = (signal?: AbortSignal) =>
    allPages((next) => this.call<Page<TenantUser>>('GET', `/users${pageQuery(next)}`, undefined, signal));
  user = (username: string, signal?: AbortSignal) =>
    this.call<TenantUser>('GET', `/users/${encodeURIComponent(username)}`, undefined, signal);
  createUser = (user: NewUser) => this.call<TenantUser>('POST', '/users', user);
  setEnabled = (username: string, enabled: boolean) =>
    this.call<TenantUser>('POST', `/users/${encodeURIComponent(username)}/${enabled ? 'enable' : 'disable'}`);
  /** The tenant's audit entries (the API refuses a tenant admin any other tenant's, and none without `tenantId`). */
  audit = (query: AuditQuery, nextToken?: string, signal?: AbortSignal) =>
    this.call<Page<AuditEntry>>('GET', auditPath(query, nextToken), undefined, signal);
}
