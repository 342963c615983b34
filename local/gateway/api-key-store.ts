/**
 * API keys and usage-plan keys, created at run time by onboarding and kept on disk so a
 * restart of the local cloud keeps every tenant's key. One JSON file, written atomically
 * (temp file + rename) after each change, writes serialized.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** An API key as stored. Dates are epoch milliseconds. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly value: string;
  readonly name: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly customerId?: string;
  readonly createdDate: number;
  readonly lastUpdatedDate: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** The fields of an API key that can change after creation. */
export type ApiKeyChanges = Partial<Pick<ApiKeyRecord, 'name' | 'description' | 'enabled' | 'customerId'>>;

interface StoreFile {
  readonly version: 1;
  readonly apiKeys: readonly ApiKeyRecord[];
  readonly usagePlanKeys: readonly { readonly usagePlanId: string; readonly keyId: string }[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random string over `alphabet` (rejection sampling, so no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** An API key id like API Gateway's: 10 lower-case alphanumerics. */
export function newApiKeyId(): string {
  return randomString(10, LOWER_ALPHANUMERIC);
}

/** An API key value like API Gateway generates: 40 alphanumerics. */
export function newApiKeyValue(): string {
  return randomString(40, ALPHANUMERIC);
}

/** The persistent store of API keys and their usage-plan memberships. */
export class ApiKeyStore {
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly byValue = new Map<string, ApiKeyRecord>();
  /** usagePlanId → key ids, in the order they were added. */
  private readonly planKeys = new Map<string, Set<string>>();
  private saving: Promise<void> = Promise.resolve();
  private tempCounter = 0;

  private constructor(private readonly filePath: string) {}

  /** Opens the store at `filePath`, loading it if it exists. A corrupt file throws rather than losing keys. */
  static async open(filePath: string): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(filePath);
    let text: string | undefined;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const data = JSON.parse(text) as StoreFile;
      if (data.version !== 1) throw new Error(`unsupported API key store version in ${filePath}`);
      for (const key of data.apiKeys) store.index(key);
      for (const { usagePlanId, keyId } of data.usagePlanKeys) store.planSet(usagePlanId).add(keyId);
    }
    return store;
  }

  private index(key: ApiKeyRecord): void {
    const previous = this.keys.get(key.id);
    if (previous) this.byValue.delete(previous.value);
    this.keys.set(key.id, key);
    this.byValue.set(key.value, key);
  }

  private planSet(usagePlanId: string): Set<string> {
    let set = this.planKeys.get(usagePlanId);
    if (!set) {
      set = new Set();
      this.planKeys.set(usagePlanId, set);
    }
    return set;
  }

  /** A key by id. */
  get(id: string): ApiKeyRecord | undefined {
    return this.keys.get(id);
  }

  /** A key by its secret value (what clients send in `x-api-key`). */
  findByValue(value: string): ApiKeyRecord | undefined {
    return this.byValue.get(value);
  }

  /** All keys, ordered by id (a stable order for paging). */
  list(): ApiKeyRecord[] {
    return [...this.keys.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Adds a key and persists it. */
  async create(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    this.index(key);
    await this.save();
    return key;
  }

  /** Changes a key and persists it; undefined if there is no such key. */
  async update(id: string, changes: ApiKeyChanges, now: number): Promise<ApiKeyRecord | undefined> {
    const key = this.keys.get(id);
    if (!key) return undefined;
    const updated: ApiKeyRecord = { ...key, ...changes, lastUpdatedDate: now };
    this.index(updated);
    await this.save();
    return updated;
  }

  /** Deletes a key and its usage-plan memberships; false if there was no such key. */
  async delete(id: string): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key) return false;
    this.keys.delete(id);
    this.byValue.delete(key.value);
    for (const set of this.planKeys.values()) set.delete(id);
    await this.save();
    return true;
  }

  /** Ids of the keys on a usage plan. */
  keyIdsOfPlan(usagePlanId: string): string[] {
    return [...(this.planKeys.get(usagePlanId) ?? [])];
  }

  /** Ids of the usage plans a key is on. */
  planIdsOfKey(keyId: string): string[] {
    const ids: string[] = [];
    for (const [planId, set] of this.planKeys) if (set.has(keyId)) ids.push(planId);
    return ids;
  }

  hasPlanKey(usagePlanId: string, keyId: string): boolean {
    return this.planKeys.get(usagePlanId)?.has(keyId) ?? false;
  }

  async addPlanKey(usagePlanId: string, keyId: string): Promise<void> {
    this.planSet(usagePlanId).add(keyId);
    await this.save();
  }

  /** False if the key was not on the plan. */
  async removePlanKey(usagePlanId: string, keyId: string): Promise<boolean> {
    const removed = this.planKeys.get(usagePlanId)?.delete(keyId) ?? false;
    if (removed) await this.save();
    return removed;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    await this.saving;
  }

  private snapshot(): StoreFile {
    const usagePlanKeys: { usagePlanId: string; keyId: string }[] = [];
    for (const [usagePlanId, set] of this.planKeys) {
      for (const keyId of set) usagePlanKeys.push({ usagePlanId, keyId });
    }
    return { version: 1, apiKeys: this.list(), usagePlanKeys };
  }

  private save(): Promise<void> {
    // Chained so writes never interleave; each write takes the state at its turn, so the
    // last one on disk is always the latest state. A failed write fails its caller only.
    const write = this.saving.then(async () => {
      const temp = `${this.filePath}.${process.pid}.${++this.tempCounter}.tmp`;
      await mkdir(dirname(this.filePath), { recursive: true });
      await writeFile(temp, `${JSON.stringify(this.snapshot(), null, 2)}\n`, 'utf8');
      await rename(temp, this.filePath);
    });
    this.saving = write.catch(() => undefined);
    return write;
  }
}
