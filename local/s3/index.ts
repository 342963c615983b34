/**
 * The local S3: a path-style S3 REST endpoint on 127.0.0.1 (`forcePathStyle` clients, the AWS
 * CLI with `--endpoint-url`), persisted under its data directory. Every request is SigV4-signed,
 * in the Authorization header or a presigned URL, and verified against the local credentials;
 * presigned URLs are refused after `X-Amz-Expires`. An optional `authorize` hook applies IAM.
 *
 * Operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
 * Put/Get/DeleteBucketLifecycle(Configuration), ListObjects (V1 and V2), PutObject, GetObject
 * (with Range), HeadObject, DeleteObject, DeleteObjects and multipart upload (Create, UploadPart,
 * Complete, Abort). Anything else answers 501 NotImplemented.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as path from 'node:path';
import { RequestTooLargeError, readBody } from '../gateway/http-body';
import { listenOnLoopback } from '../listen';
import { authenticate, type CredentialResolver, type S3Signer } from './auth';
import { S3Error } from './errors';
import {
  expirationRulesOf,
  expirationRulesOfTemplate,
  lifecycleDocumentOf,
  type TemplateLifecycleRule,
} from './lifecycle';
import { type ObjectMeta, ObjectStore, S3StoreError } from './object-store';
import { objectBytes, PayloadError } from './payload';
import { child, childrenNamed, MalformedXmlError, parseXml, type XmlObject, xmlDocument } from './xml';

export type { CredentialLookup, CredentialResolver, S3Signer } from './auth';

/** IAM for S3: the reason a request is denied, or undefined when allowed. */
export type S3Authorizer = (signer: S3Signer, action: string, resource: string) => Promise<string | undefined>;

/** Options of {@link startLocalS3}. */
export interface LocalS3Options {
  /** Where buckets and objects are kept (created). */
  readonly dataDir: string;
  readonly region: string;
  /** The secret of each access key the local S3 accepts. */
  readonly credentials: CredentialResolver;
  /** IAM decisions per request (absent: every authenticated request is allowed). */
  readonly authorize?: S3Authorizer;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Largest accepted request body. @default 256 MiB */
  readonly maxBodyBytes?: number;
  /** How often expired objects are deleted; 0 turns the timer off. @default 1 hour */
  readonly sweepIntervalMs?: number;
  /** The clock (tests move it). @default Date.now */
  readonly now?: () => number;
}

/** A running local S3. */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>` (path-style). */
  readonly endpoint: string;
  /** Creates a bucket (the deployer's `AWS::S3::Bucket`), replacing its lifecycle rules. */
  ensureBucket(name: string, lifecycleRules?: readonly TemplateLifecycleRule[]): void;
  /** Deletes an empty bucket (the deployer's stack deletion); throws BucketNotEmpty otherwise, NoSuchBucket is no error. */
  deleteBucket(name: string): void;
  /** Deletes expired objects now; returns `bucket/key` of each. */
  sweep(): string[];
  close(): Promise<void>;
}

const STORE_ERROR_STATUS: Readonly<Record<S3StoreError['code'], number>> = {
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  BucketNotEmpty: 409,
  InvalidPart: 400,
  InvalidPartOrder: 400,
};

/** Headers stored with an object and returned on GET/HEAD. */
const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'];

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A request, split as the operations read it. */
interface S3Request {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly body: Buffer;
  readonly signer: S3Signer;
}

/** A response: status, headers and an XML document or bytes. */
interface S3Response {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: string | Buffer;
}

const httpDate = (ms: number) => new Date(ms).toUTCString();
const isoDate = (ms: number) => new Date(ms).toISOString();

function parseTarget(url: URL): { bucket: string; key: string } {
  const [, rawBucket = '', ...rest] = url.pathname.split('/');
  return { bucket: decodeURIComponent(rawBucket), key: rest.map(decodeURIComponent).join('/') };
}

/** IAM action and resource of an operation. */
function accessOf(op: string, bucket: string, key: string): { action: string; resource: string } {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  const actions: Record<string, [string, string]> = {
    ListBuckets: ['s3:ListAllMyBuckets', '*'],
    CreateBucket: ['s3:CreateBucket', bucketArn],
    DeleteBucket: ['s3:DeleteBucket', bucketArn],
    HeadBucket: ['s3:ListBucket', bucketArn],
    ListObjects: ['s3:ListBucket', bucketArn],
    GetBucketLocation: ['s3:GetBucketLocation', bucketArn],
    PutBucketLifecycle: ['s3:PutLifecycleConfiguration', bucketArn],
    GetBucketLifecycle: ['s3:GetLifecycleConfiguration', bucketArn],
    DeleteBucketLifecycle: ['s3:PutLifecycleConfiguration', bucketArn],
    DeleteObjects: ['s3:DeleteObject', objectArn],
    PutObject: ['s3:PutObject', objectArn],
    GetObject: ['s3:GetObject', objectArn],
    DeleteObject: ['s3:DeleteObject', objectArn],
    AbortMultipartUpload: ['s3:AbortMultipartUpload', objectArn],
  };
  const [action, resource] = actions[op] ?? ['s3:PutObject', objectArn];
  return { action, resource };
}

/** Which operation a request is (undefined: not one the local S3 has). */
function operationOf(
  method: string,
  bucket: string,
  key: string,
  query: URLSearchParams,
  copySource: boolean,
): string | undefined {
  if (!bucket) return method === 'GET' ? 'ListBuckets' : undefined;
  const sub = [...query.keys()].filter((name) => !/^(x-amz-|x-id$)/i.test(name));
  const has = (name: string) => query.has(name);
  if (!key) {
    if (has('lifecycle'))
      return { PUT: 'PutBucketLifecycle', GET: 'GetBucketLifecycle', DELETE: 'DeleteBucketLifecycle' }[method];
    if (has('location')) return method === 'GET' ? 'GetBucketLocation' : undefined;
    if (has('delete')) return method === 'POST' ? 'DeleteObjects' : undefined;
    const listing = [
      'list-type',
      'prefix',
      'delimiter',
      'max-keys',
      'continuation-token',
      'start-after',
      'marker',
      'encoding-type',
      'fetch-owner',
    ];
    if (sub.some((name) => !listing.includes(name))) return undefined;
    return { PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket', GET: 'ListObjects' }[method];
  }
  if (method === 'POST' && has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'PUT' && has('uploadId') && has('partNumber')) return 'UploadPart';
  if (method === 'DELETE' && has('uploadId')) return 'AbortMultipartUpload';
  if (
    sub.some(
      (name) => !['versionId', 'partNumber', 'response-content-type', 'response-content-disposition'].includes(name),
    )
  )
    return undefined;
  // CopyObject (x-amz-copy-source) is not implemented.
  if (method === 'PUT') return copySource ? undefined : 'PutObject';
  return { GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method];
}

function objectHeaders(meta: ObjectMeta): Record<string, string | number> {
  return {
    'content-type': meta.contentType,
    'last-modified': httpDate(meta.lastModified),
    etag: meta.etag,
    'accept-ranges': 'bytes',
    ...meta.headers,
    ...Object.fromEntries(Object.entries(meta.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
  };
}

function storedHeadersOf(req: IncomingMessage): { headers: Record<string, string>; metadata: Record<string, string> } {
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
    // aws-chunked is the transfer framing, not the object's encoding.
    else if (STORED_HEADERS.includes(name) && !(name === 'content-encoding' && value === 'aws-chunked'))
      headers[name] = value.replace(/(^|,\s*)aws-chunked(,\s*|$)/, '$1');
  }
  return { headers, metadata };
}

function xml(root: string, value: XmlObject, status = 200): S3Response {
  return { status, headers: { 'content-type': 'application/xml' }, body: xmlDocument(root, value) };
}

function parseBody(body: Buffer): ReturnType<typeof parseXml> {
  try {
    return parseXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof MalformedXmlError)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    throw error;
  }
}

/** The operations, over the store. */
function operations(store: ObjectStore, opts: LocalS3Options, now: () => number) {
  const list = (r: S3Request): S3Response => {
    const v2 = r.query.get('list-type') === '2';
    const prefix = r.query.get('prefix') ?? '';
    const delimiter = r.query.get('delimiter') ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(r.query.get('max-keys') ?? 1000) || 0));
    const token = r.query.get('continuation-token');
    const after = v2
      ? token !== null
        ? Buffer.from(token, 'base64url').toString('utf8')
        : (r.query.get('start-after') ?? '')
      : (r.query.get('marker') ?? '');
    const contents: ObjectMeta[] = [];
    const prefixes: string[] = [];
    let last = '';
    let truncated = false;
    for (const meta of store.keysFrom(r.bucket, prefix, after)) {
      const rest = meta.key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
      if (common !== undefined && common === prefixes[prefixes.length - 1]) {
        last = meta.key;
        continue;
      }
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (common !== undefined) prefixes.push(common);
      else contents.push(meta);
      last = meta.key;
    }
    const entries = {
      Contents: contents.map((meta) => ({
        Key: meta.key,
        LastModified: isoDate(meta.lastModified),
        ETag: meta.etag,
        Size: meta.size,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: p })),
    };
    const common = { Name: r.bucket, Prefix: prefix, Delimiter: delimiter || undefined, MaxKeys: maxKeys };
    if (v2)
      return xml('ListBucketResult', {
        ...common,
        KeyCount: contents.length + prefixes.length,
        IsTruncated: truncated,
        ContinuationToken: token ?? undefined,
        NextContinuationToken: truncated ? Buffer.from(last, 'utf8').toString('base64url') : undefined,
        StartAfter: r.query.get('start-after') ?? undefined,
        ...entries,
      });
    return xml('ListBucketResult', {
      ...common,
      Marker: after,
      IsTruncated: truncated,
      NextMarker: truncated && delimiter ? last : undefined,
      ...entries,
    });
  };

  const putObject = (r: S3Request): S3Response => {
    const { data, checksumCrc32 } = objectBytes(r.req.headers, r.body);
    const { headers, metadata } = storedHeadersOf(r.req);
    const meta = store.put(
      r.bucket,
      {
        key: r.key,
        lastModified: now(),
        contentType: r.req.headers['content-type'] ?? 'binary/octet-stream',
        headers,
        metadata,
        checksumCrc32,
      },
      data,
    );
    return { headers: { etag: meta.etag, ...(checksumCrc32 ? { 'x-amz-checksum-crc32': checksumCrc32 } : {}) } };
  };

  const getObject = (r: S3Request, head: boolean): S3Response => {
    const meta = store.head(r.bucket, r.key);
    const headers: Record<string, string | number> = objectHeaders(meta);
    for (const name of ['content-type', 'content-disposition'] as const) {
      const override = r.query.get(`response-${name}`);
      if (override) headers[name] = override;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(r.req.headers.range ?? ''));
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, meta.size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), meta.size - 1) : meta.size - 1;
      if (start >= meta.size || start > end)
        throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
          RangeRequested: String(r.req.headers.range),
        });
      const body = head ? Buffer.alloc(0) : store.read(r.bucket, r.key).body.subarray(start, end + 1);
      return {
        status: 206,
        headers: {
          ...headers,
          'content-range': `bytes ${start}-${end}/${meta.size}`,
          'content-length': end - start + 1,
        },
        body,
      };
    }
    if (meta.checksumCrc32 && r.req.headers['x-amz-checksum-mode'] === 'ENABLED')
      headers['x-amz-checksum-crc32'] = meta.checksumCrc32;
    if (head) return { headers: { ...headers, 'content-length': meta.size } };
    return { headers, body: store.read(r.bucket, r.key).body };
  };

  const deleteObjects = async (r: S3Request): Promise<S3Response> => {
    const doc = parseBody(r.body);
    const quiet = child(doc, 'Quiet')?.text === 'true';
    const deleted: XmlObject[] = [];
    const errors: XmlObject[] = [];
    for (const object of childrenNamed(doc, 'Object')) {
      const key = child(object, 'Key')?.text ?? '';
      const denied = await opts.authorize?.(r.signer, 's3:DeleteObject', `arn:aws:s3:::${r.bucket}/${key}`);
      if (denied) errors.push({ Key: key, Code: 'AccessDenied', Message: denied });
      else {
        store.delete(r.bucket, key);
        if (!quiet) deleted.push({ Key: key });
      }
    }
    return xml('DeleteResult', { Deleted: deleted, Error: errors });
  };

  const putLifecycle = (r: S3Request): S3Response => {
    const doc = parseBody(r.body);
    if (doc.name !== 'LifecycleConfiguration' || childrenNamed(doc, 'Rule').length === 0)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    store.setLifecycle(r.bucket, r.body.toString('utf8'), expirationRulesOf(doc));
    return {};
  };

  const getLifecycle = (r: S3Request): S3Response => {
    const stored = store.bucketMeta(r.bucket).lifecycleXml;
    if (!stored)
      throw new S3Error('NoSuchLifecycleConfiguration', 404, 'The lifecycle configuration does not exist', {
        BucketName: r.bucket,
      });
    return { headers: { 'content-type': 'application/xml' }, body: stored };
  };

  const completeUpload = (r: S3Request): S3Response => {
    const parts = childrenNamed(parseBody(r.body), 'Part').map((part) => ({
      partNumber: Number(child(part, 'PartNumber')?.text),
      etag: child(part, 'ETag')?.text ?? '',
    }));
    if (parts.length === 0)
      throw new S3Error(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    const meta = store.completeUpload(r.bucket, r.key, String(r.query.get('uploadId')), parts, now());
    return xml('CompleteMultipartUploadResult', {
      Location: `${r.req.headers.host ?? ''}/${r.bucket}/${r.key}`,
      Bucket: r.bucket,
      Key: r.key,
      ETag: meta.etag,
    });
  };

  const table: Record<string, (r: S3Request) => S3Response | Promise<S3Response>> = {
    ListBuckets() {
      return xml('ListAllMyBucketsResult', {
        Owner: { ID: 'local', DisplayName: 'local' },
        Buckets: { Bucket: store.bucketNames().map((b) => ({ Name: b.name, CreationDate: isoDate(b.createdAt) })) },
      });
    },
    CreateBucket(r) {
      if (!BUCKET_NAME.test(r.bucket) || r.bucket.includes('..'))
        throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: r.bucket });
      store.createBucket(r.bucket, now());
      return { headers: { location: `/${r.bucket}` } };
    },
    HeadBucket(r) {
      store.bucketMeta(r.bucket);
      return { headers: { 'x-amz-bucket-region': opts.region } };
    },
    DeleteBucket(r) {
      store.deleteBucket(r.bucket);
      return { status: 204 };
    },
    GetBucketLocation(r) {
      store.bucketMeta(r.bucket);
      // us-east-1 is the empty LocationConstraint.
      const region = opts.region === 'us-east-1' ? '' : opts.region;
      return {
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`,
      };
    },
    PutBucketLifecycle: putLifecycle,
    GetBucketLifecycle: getLifecycle,
    DeleteBucketLifecycle(r) {
      store.setLifecycle(r.bucket, undefined, []);
      return { status: 204 };
    },
    ListObjects(r) {
      store.bucketMeta(r.bucket);
      return list(r);
    },
    DeleteObjects: deleteObjects,
    PutObject: putObject,
    GetObject(r) {
      return getObject(r, false);
    },
    HeadObject(r) {
      return getObject(r, true);
    },
    DeleteObject(r) {
      store.delete(r.bucket, r.key);
      return { status: 204 };
    },
    CreateMultipartUpload(r) {
      const { headers, metadata } = storedHeadersOf(r.req);
      const contentType = r.req.headers['content-type'] ?? 'binary/octet-stream';
      const uploadId = store.createUpload(r.bucket, { key: r.key, contentType, headers, metadata, initiated: now() });
      return xml('InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: uploadId });
    },
    UploadPart(r) {
      const partNumber = Number(r.query.get('partNumber'));
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
        throw new S3Error('InvalidArgument', 400, 'Part number must be an integer between 1 and 10000, inclusive');
      const { data, checksumCrc32 } = objectBytes(r.req.headers, r.body);
      const etag = store.putPart(r.bucket, r.key, String(r.query.get('uploadId')), partNumber, data);
      return { headers: { etag, ...(checksumCrc32 ? { 'x-amz-checksum-crc32': checksumCrc32 } : {}) } };
    },
    CompleteMultipartUpload: completeUpload,
    AbortMultipartUpload(r) {
      store.abortUpload(r.bucket, r.key, String(r.query.get('uploadId')));
      return { status: 204 };
    },
  };
  return table;
}

function send(res: ServerResponse, method: string, response: S3Response): void {
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.from(response.body);
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  res.writeHead(response.status ?? 200, {
    'x-amz-request-id': requestId,
    'x-amz-id-2': randomBytes(24).toString('base64'),
    ...(method === 'HEAD' ? {} : { 'content-length': body.length }),
    ...response.headers,
  });
  res.end(method === 'HEAD' ? undefined : body);
}

function errorResponse(error: S3Error, bucket: string, key: string): S3Response {
  return xml(
    'Error',
    {
      Code: error.code,
      Message: error.message,
      ...(bucket && ['NoSuchBucket', 'NoSuchKey'].includes(error.code) ? { BucketName: bucket } : {}),
      ...(key && error.code === 'NoSuchKey' ? { Key: key } : {}),
      ...error.details,
      RequestId: randomBytes(8).toString('hex').toUpperCase(),
    },
    error.status,
  );
}

/** The S3 error for anything an operation throws (undefined: not modelled, a 500). */
function asS3Error(error: unknown): S3Error | undefined {
  if (error instanceof S3Error) return error;
  if (error instanceof S3StoreError) return new S3Error(error.code, STORE_ERROR_STATUS[error.code], error.message);
  if (error instanceof PayloadError) return new S3Error(error.code, 400, error.message);
  if (error instanceof RequestTooLargeError)
    return new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size of the local S3');
  return undefined;
}

/** Starts the local S3 on 127.0.0.1. */
export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const now = opts.now ?? Date.now;
  const store = new ObjectStore(path.resolve(opts.dataDir));
  const table = operations(store, opts, now);

  async function handle(req: IncomingMessage): Promise<S3Response> {
    const url = new URL(req.url ?? '/', 'http://local');
    const { bucket, key } = parseTarget(url);
    const method = req.method ?? 'GET';
    try {
      const body = await readBody(req, opts.maxBodyBytes ?? 256 * 1024 * 1024);
      const signer = authenticate(req, body, opts.credentials, now());
      const op = operationOf(method, bucket, key, url.searchParams, req.headers['x-amz-copy-source'] !== undefined);
      if (!op)
        throw new S3Error(
          'NotImplemented',
          501,
          `${method} ${url.pathname}${url.search ? ' with these subresources' : ''} is not implemented by the local S3`,
        );
      const { action, resource } = accessOf(op, bucket, key);
      const denied = op === 'DeleteObjects' ? undefined : await opts.authorize?.(signer, action, resource);
      if (denied) throw new S3Error('AccessDenied', 403, denied);
      return await (table[op] as (r: S3Request) => S3Response | Promise<S3Response>)({
        method,
        bucket,
        key,
        query: url.searchParams,
        req,
        body,
        signer,
      });
    } catch (error) {
      const s3Error = asS3Error(error);
      if (!s3Error) throw error;
      return errorResponse(s3Error, bucket, key);
    }
  }

  const server = createServer((req, res) => {
    handle(req)
      .then((response) => send(res, req.method ?? 'GET', response))
      .catch((error: Error) =>
        send(res, req.method ?? 'GET', errorResponse(new S3Error('InternalError', 500, error.message), '', '')),
      );
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  const sweep = () => store.expire(now());
  sweep();
  const interval = opts.sweepIntervalMs ?? 3_600_000;
  const timer = interval > 0 ? setInterval(sweep, interval) : undefined;
  timer?.unref();
  return {
    endpoint,
    ensureBucket(name, lifecycleRules) {
      store.createBucket(name, now());
      if (lifecycleRules === undefined) return;
      const document = xmlDocument('LifecycleConfiguration', lifecycleDocumentOf(lifecycleRules));
      store.setLifecycle(
        name,
        lifecycleRules.length > 0 ? document : undefined,
        expirationRulesOfTemplate(lifecycleRules),
      );
    },
    deleteBucket(name) {
      if (store.hasBucket(name)) store.deleteBucket(name);
    },
    sweep,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
