/**
 * The local S3's storage under its data directory: per bucket a `bucket.json` (creation time,
 * lifecycle configuration), each object as `<sha256(key)>.bin` with its metadata beside it in
 * `<sha256(key)>.json`, and in-progress multipart uploads as one directory of parts each. The
 * metadata of every object is read into memory at start, so listing never touches the disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What S3 returns about an object besides its bytes. */
export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly contentType: string;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires as sent. */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` (names without the prefix). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The full-object CRC32 (base64) when the client sent one with PutObject. */
  readonly checksumCrc32?: string;
}

/** A lifecycle rule the sweep applies: objects under `prefix` expire `days` after their last change. */
export interface ExpirationRule {
  readonly id: string;
  readonly prefix: string;
  readonly days: number;
}

/** A bucket's own record. */
export interface BucketMeta {
  readonly name: string;
  readonly createdAt: number;
  /** The LifecycleConfiguration document as the client sent it. */
  readonly lifecycleXml?: string;
  readonly expirationRules?: readonly ExpirationRule[];
}

interface UploadMeta {
  readonly uploadId: string;
  readonly key: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly initiated: number;
}

interface Bucket {
  meta: BucketMeta;
  readonly objects: Map<string, ObjectMeta>;
  /** Keys in order, rebuilt on the first listing after a change. */
  sortedKeys?: string[];
}

/** The error S3 answers with, by its code. */
export class S3StoreError extends Error {
  constructor(
    readonly code:
      | 'NoSuchBucket'
      | 'NoSuchKey'
      | 'NoSuchUpload'
      | 'BucketNotEmpty'
      | 'InvalidPart'
      | 'InvalidPartOrder',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const fileOf = (key: string) => createHash('sha256').update(key).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest();

/** Writes through a temporary file so a crash never leaves half a file under the final name. */
function writeAtomic(file: string, data: string | Buffer): void {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** Buckets and objects on disk. */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      const metaFile = path.join(dir, name, 'bucket.json');
      if (!fs.existsSync(metaFile)) continue;
      const objects = new Map<string, ObjectMeta>();
      const objectsDir = path.join(dir, name, 'objects');
      for (const file of fs.existsSync(objectsDir) ? fs.readdirSync(objectsDir) : []) {
        if (!file.endsWith('.json')) continue;
        const meta = readJson<ObjectMeta>(path.join(objectsDir, file));
        // A crash between the two writes leaves metadata without bytes: that object never completed.
        if (fs.existsSync(path.join(objectsDir, `${fileOf(meta.key)}.bin`))) objects.set(meta.key, meta);
      }
      this.buckets.set(name, { meta: readJson<BucketMeta>(metaFile), objects });
    }
  }

  bucketNames(): BucketMeta[] {
    return [...this.buckets.values()].map((b) => b.meta).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** Creates the bucket unless it exists (S3 in us-east-1 answers 200 for a bucket one owns). */
  createBucket(name: string, now = Date.now()): void {
    if (this.buckets.has(name)) return;
    const meta: BucketMeta = { name, createdAt: now };
    fs.mkdirSync(path.join(this.dir, name, 'objects'), { recursive: true });
    writeAtomic(path.join(this.dir, name, 'bucket.json'), JSON.stringify(meta));
    this.buckets.set(name, { meta, objects: new Map() });
  }

  deleteBucket(name: string): void {
    const bucket = this.bucket(name);
    if (bucket.objects.size > 0)
      throw new S3StoreError('BucketNotEmpty', 'The bucket you tried to delete is not empty');
    fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
    this.buckets.delete(name);
  }

  bucketMeta(name: string): BucketMeta {
    return this.bucket(name).meta;
  }

  setLifecycle(name: string, lifecycleXml: string | undefined, expirationRules: readonly ExpirationRule[]): void {
    const bucket = this.bucket(name);
    bucket.meta = { name, createdAt: bucket.meta.createdAt, lifecycleXml, expirationRules };
    writeAtomic(path.join(this.dir, name, 'bucket.json'), JSON.stringify(bucket.meta));
  }

  head(bucketName: string, key: string): ObjectMeta {
    const meta = this.bucket(bucketName).objects.get(key);
    if (!meta) throw new S3StoreError('NoSuchKey', 'The specified key does not exist.');
    return meta;
  }

  read(bucketName: string, key: string): { meta: ObjectMeta; body: Buffer } {
    const meta = this.head(bucketName, key);
    return { meta, body: fs.readFileSync(this.objectFile(bucketName, key, 'bin')) };
  }

  put(bucketName: string, meta: Omit<ObjectMeta, 'etag' | 'size'>, body: Buffer, etag?: string): ObjectMeta {
    const bucket = this.bucket(bucketName);
    const stored: ObjectMeta = { ...meta, size: body.length, etag: etag ?? `"${md5(body).toString('hex')}"` };
    writeAtomic(this.objectFile(bucketName, meta.key, 'bin'), body);
    writeAtomic(this.objectFile(bucketName, meta.key, 'json'), JSON.stringify(stored));
    if (!bucket.objects.has(meta.key)) bucket.sortedKeys = undefined;
    bucket.objects.set(meta.key, stored);
    return stored;
  }

  /** Deletes the object; a missing key is no error (S3 answers 204 either way). */
  delete(bucketName: string, key: string): void {
    const bucket = this.bucket(bucketName);
    if (!bucket.objects.delete(key)) return;
    bucket.sortedKeys = undefined;
    fs.rmSync(this.objectFile(bucketName, key, 'json'), { force: true });
    fs.rmSync(this.objectFile(bucketName, key, 'bin'), { force: true });
  }

  /** Keys after `after` (exclusive) that start with `prefix`, in order. */
  *keysFrom(bucketName: string, prefix: string, after: string): Generator<ObjectMeta> {
    const bucket = this.bucket(bucketName);
    bucket.sortedKeys ??= [...bucket.objects.keys()].sort();
    const keys = bucket.sortedKeys;
    // Keys under a prefix are contiguous from the prefix on: binary search for the first one.
    const start = after > prefix ? after : prefix;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((keys[mid] as string) < start) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key === after) continue;
      if (!key.startsWith(prefix)) return;
      const meta = bucket.objects.get(key);
      if (meta) yield meta;
    }
  }

  createUpload(bucketName: string, upload: Omit<UploadMeta, 'uploadId'>): string {
    this.bucket(bucketName);
    const uploadId = randomBytes(24).toString('base64url');
    const dir = this.uploadDir(bucketName, uploadId);
    fs.mkdirSync(dir, { recursive: true });
    writeAtomic(path.join(dir, 'upload.json'), JSON.stringify({ ...upload, uploadId }));
    return uploadId;
  }

  putPart(bucketName: string, key: string, uploadId: string, partNumber: number, body: Buffer): string {
    this.upload(bucketName, key, uploadId);
    writeAtomic(path.join(this.uploadDir(bucketName, uploadId), `part-${partNumber}`), body);
    return `"${md5(body).toString('hex')}"`;
  }

  /** Joins the named parts into the object (S3's multipart ETag: md5 of the parts' md5s, `-N`). */
  completeUpload(
    bucketName: string,
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    now = Date.now(),
  ): ObjectMeta {
    const upload = this.upload(bucketName, key, uploadId);
    const dir = this.uploadDir(bucketName, uploadId);
    const bodies: Buffer[] = [];
    let previous = 0;
    for (const part of parts) {
      if (part.partNumber <= previous)
        throw new S3StoreError('InvalidPartOrder', 'The list of parts was not in ascending order.');
      previous = part.partNumber;
      const file = path.join(dir, `part-${part.partNumber}`);
      const body = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
      if (!body || `"${md5(body).toString('hex')}"` !== `"${part.etag.replace(/"/g, '')}"`)
        throw new S3StoreError('InvalidPart', `Part ${part.partNumber} was not found or its ETag does not match.`);
      bodies.push(body);
    }
    const etag = `"${md5(Buffer.concat(bodies.map(md5))).toString('hex')}-${bodies.length}"`;
    const meta = this.put(
      bucketName,
      { key, lastModified: now, contentType: upload.contentType, headers: upload.headers, metadata: upload.metadata },
      Buffer.concat(bodies),
      etag,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    return meta;
  }

  abortUpload(bucketName: string, key: string, uploadId: string): void {
    this.upload(bucketName, key, uploadId);
    fs.rmSync(this.uploadDir(bucketName, uploadId), { recursive: true, force: true });
  }

  /** Deletes what the buckets' expiration rules say has expired at `now`; returns `bucket/key` of each. */
  expire(now = Date.now()): string[] {
    const expired: string[] = [];
    for (const [name, bucket] of this.buckets) {
      for (const rule of bucket.meta.expirationRules ?? []) {
        for (const meta of [...this.keysFrom(name, rule.prefix, '')]) {
          if (meta.lastModified + rule.days * 86_400_000 > now) continue;
          this.delete(name, meta.key);
          expired.push(`${name}/${meta.key}`);
        }
      }
    }
    return expired;
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new S3StoreError('NoSuchBucket', 'The specified bucket does not exist');
    return bucket;
  }

  private upload(bucketName: string, key: string, uploadId: string): UploadMeta {
    this.bucket(bucketName);
    const file = path.join(this.uploadDir(bucketName, uploadId), 'upload.json');
    const upload = /^[\w-]+$/.test(uploadId) && fs.existsSync(file) ? readJson<UploadMeta>(file) : undefined;
    if (!upload || upload.key !== key)
      throw new S3StoreError('NoSuchUpload', 'The specified multipart upload does not exist.');
    return upload;
  }

  private objectFile(bucketName: string, key: string, ext: 'bin' | 'json'): string {
    return path.join(this.dir, bucketName, 'objects', `${fileOf(key)}.${ext}`);
  }

  private uploadDir(bucketName: string, uploadId: string): string {
    return path.join(this.dir, bucketName, 'uploads', uploadId);
  }
}
