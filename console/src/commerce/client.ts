import { type Page, request } from '../shared/api';
import type { Order, Product } from './types';

/** The tenant API with the signed-in user's ID token. */
export class TenantClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  private call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return request<T>(this.apiUrl, method, path, { token: this.token, body, signal });
  }

  async all<T>(path: '/products' | '/orders', signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.call<Page<T>>(
        'GET',
        `${path}?limit=100${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`,
        undefined,
        signal,
      );
      items.push(...result.items);
      next = result.nextToken;
      if (!next) break;
    }
    return items;
  }

  products = (signal?: AbortSignal) => this.all<Product>('/products', signal);
  createProduct = (body: unknown) => this.call<Product>('POST', '/products', body);
  updateProduct = (id: string, body: unknown) => this.call<Product>('PUT', `/products/${encodeURIComponent(id)}`, body);
  deleteProduct = (id: string) => this.call<void>('DELETE', `/products/${encodeURIComponent(id)}`);
  orders = (signal?: AbortSignal) => this.all<Order>('/orders', signal);
  createOrder = (lines: { productId: string; quantity: number }[]) => this.call<Order>('POST', '/orders', { lines });
  order = (id: string) => this.call<Order>('GET', `/orders/${encodeURIComponent(id)}`);
}
