import type { TenantTable } from '../../../functions/shared/tenant-table';

/**
 * An in-memory TenantTable: items live in one partition per tenant, exactly as the DynamoDB
 * table is keyed, so a test can prove a tenant never reaches another tenant's items.
 */
export class FakeTenantTable<T extends object> implements TenantTable<T> {
  readonly partitions = new Map<string, Map<string, T>>();

  constructor(private readonly idAttribute: keyof T & string) {}

  private partition(tenantId: string): Map<string, T> {
    let partition = this.partitions.get(tenantId);
    if (!partition) {
      partition = new Map();
      this.partitions.set(tenantId, partition);
    }
    return partition;
  }

  private idOf(item: T): string {
    return String(item[this.idAttribute]);
  }

  /** Seeds an item directly, bypassing the domain code under test. */
  seed(tenantId: string, item: T): void {
    this.partition(tenantId).set(this.idOf(item), item);
  }

  async list(tenantId: string, limit: number): Promise<{ items: T[]; nextToken?: string }> {
    return { items: [...this.partition(tenantId).values()].slice(0, limit) };
  }

  async get(tenantId: string, id: string): Promise<T | undefined> {
    return this.partition(tenantId).get(id);
  }

  async getMany(tenantId: string, ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const id of ids) {
      const item = this.partition(tenantId).get(id);
      if (item) found.set(id, item);
    }
    return found;
  }

  async put(tenantId: string, item: T): Promise<void> {
    const partition = this.partition(tenantId);
    if (partition.has(this.idOf(item)))
      throw Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
    partition.set(this.idOf(item), item);
  }

  async replace(tenantId: string, item: T): Promise<T | undefined> {
    const partition = this.partition(tenantId);
    if (!partition.has(this.idOf(item))) return undefined;
    partition.set(this.idOf(item), item);
    return item;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.partition(tenantId).delete(id);
  }
}

/** Deterministic ids: id-1, id-2, ... */
export function sequentialIds(prefix = 'id'): () => string {
  let next = 0;
  return () => `${prefix}-${++next}`;
}

export const FIXED_NOW = new Date('2026-01-02T03:04:05.000Z');
