import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore';
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory';

type Json = Record<string, unknown>;

/**
 * Writes JSON to `file` so that a crash leaves either the old or the new content, never half of
 * one: a torn pool file would keep the local cloud from starting again.
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, dateReplacer, 2));
  renameSync(tmp, file);
}

/** Reads a JSON file written by {@link writeJsonAtomic}, reviving `*Date` fields; `undefined` if absent. */
export function readJson(file: string): Json | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'), dateReviver) as Json;
}

/**
 * cognito-local's data store factory, with the same file format as its StormDB store (one JSON
 * file per pool plus `clients.json`, `*Date` fields as ISO strings) but written synchronously and
 * atomically on every change. StormDB writes asynchronously with plain `fs.writeFile`: two
 * concurrent requests on one pool can land on disk out of order (a restart then loses the later
 * change) or interleave into a corrupt file.
 */
export class JsonFileDataStoreFactory implements DataStoreFactory {
  /** @param directory where the store files live (created if missing) */
  constructor(private readonly directory: string) {}

  create(_ctx: unknown, id: string, defaults: object): Promise<DataStore> {
    mkdirSync(this.directory, { recursive: true });
    const file = join(this.directory, `${id}.json`);
    const stored = readJson(file);
    // Same rule as StormDB's `default()`: an empty or missing file takes the defaults.
    const state = stored && Object.keys(stored).length > 0 ? stored : (structuredClone(defaults) as Json);
    const store = new JsonFileDataStore(file, state);
    store.save();
    return Promise.resolve(store);
  }
}

class JsonFileDataStore implements DataStore {
  constructor(
    private readonly file: string,
    private readonly state: Json,
  ) {}

  save(): void {
    writeJsonAtomic(this.file, this.state);
  }

  getRoot<T>(): Promise<T | null> {
    return Promise.resolve(this.state as T);
  }

  get<T>(_ctx: unknown, key: string | string[], defaultValue?: T): Promise<T | null> {
    let node: unknown = this.state;
    for (const k of path(key)) {
      node = isObject(node) ? node[k] : undefined;
    }
    return Promise.resolve((node as T | undefined) ?? defaultValue ?? null);
  }

  set<T>(_ctx: unknown, key: string | string[], value: T): Promise<void> {
    const keys = path(key);
    const parent = this.walk(keys.slice(0, -1), true);
    if (parent) parent[keys[keys.length - 1] as string] = value;
    this.save();
    return Promise.resolve();
  }

  delete(_ctx: unknown, key: string | string[]): Promise<void> {
    const keys = path(key);
    const parent = this.walk(keys.slice(0, -1), false);
    if (parent) delete parent[keys[keys.length - 1] as string];
    this.save();
    return Promise.resolve();
  }

  private walk(keys: string[], create: boolean): Json | undefined {
    let node: Json = this.state;
    for (const k of keys) {
      const next = node[k];
      if (isObject(next)) node = next;
      else if (create) node = node[k] = {};
      else return undefined;
    }
    return node;
  }
}

const path = (key: string | string[]): string[] => (Array.isArray(key) ? key : [key]);

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null;

// cognito-local keeps dates as Date objects in memory and the `*Date` naming is its convention.
function dateReplacer(this: Json, key: string, value: unknown): unknown {
  const raw = this[key];
  return key.endsWith('Date') && raw instanceof Date ? raw.toISOString() : value;
}

function dateReviver(key: string, value: unknown): unknown {
  return key.endsWith('Date') && (typeof value === 'string' || typeof value === 'number') ? new Date(value) : value;
}
