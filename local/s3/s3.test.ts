import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CredentialResolver, type LocalS3, startLocalS3 } from '.';

const KEYS: Readonly<Record<string, string>> = { LOCALTEST: 'test-secret', LOCALREADER: 'reader-secret' };
const credentials: CredentialResolver = (accessKeyId) =>
  KEYS[accessKeyId]
    ? { ok: true, secretAccessKey: KEYS[accessKeyId] as string }
    : {
        ok: false,
        code: 'InvalidAccessKeyId',
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      };

let dataDir: string;
let s3: LocalS3;
let clockOffsetMs = 0;
const clients: S3Client[] = [];

async function start(authorize?: Parameters<typeof startLocalS3>[0]['authorize']): Promise<LocalS3> {
  return startLocalS3({
    dataDir,
    region: 'us-east-1',
    credentials,
    authorize,
    sweepIntervalMs: 0,
    now: () => Date.now() + clockOffsetMs,
  });
}

function client(accessKeyId = 'LOCALTEST', secretAccessKey = KEYS[accessKeyId] ?? 'wrong'): S3Client {
  const created = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  clients.push(created);
  return created;
}

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-s3-'));
  clockOffsetMs = 0;
  s3 = await start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await s3.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('local S3 objects', () => {
  it('stores, reads, heads and deletes an object with its metadata', async () => {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'exports' }));
    await s3Client.send(new HeadBucketCommand({ Bucket: 'exports' }));

    const put = await s3Client.send(
      new PutObjectCommand({
        Bucket: 'exports',
        Key: 'tenant a/export 1.jsonl',
        Body: '{"a":1}\n{"b":2}\n',
        ContentType: 'application/x-ndjson',
        Metadata: { tenant: 'a' },
      }),
    );
    const got = await s3Client.send(new GetObjectCommand({ Bucket: 'exports', Key: 'tenant a/export 1.jsonl' }));
    const head = await s3Client.send(new HeadObjectCommand({ Bucket: 'exports', Key: 'tenant a/export 1.jsonl' }));
    const buckets = await s3Client.send(new ListBucketsCommand({}));
    await s3Client.send(new DeleteObjectCommand({ Bucket: 'exports', Key: 'tenant a/export 1.jsonl' }));

    expect(await got.Body?.transformToString()).toBe('{"a":1}\n{"b":2}\n');
    expect(got.ETag).toBe(put.ETag);
    expect(head).toMatchObject({ ContentLength: 16, ContentType: 'application/x-ndjson', Metadata: { tenant: 'a' } });
    expect(buckets.Buckets?.map((b) => b.Name)).toEqual(['exports']);
    await expect(
      s3Client.send(new GetObjectCommand({ Bucket: 'exports', Key: 'tenant a/export 1.jsonl' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('answers NoSuchBucket for a bucket that was never created', async () => {
    await expect(client().send(new PutObjectCommand({ Bucket: 'missing', Key: 'k', Body: 'x' }))).rejects.toMatchObject(
      {
        name: 'NoSuchBucket',
        $metadata: { httpStatusCode: 404 },
      },
    );
  });

  it('decodes a streamed (aws-chunked) upload of unknown length and verifies its CRC32', async () => {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'streams' }));
    const body = Readable.from([Buffer.from('first,'), Buffer.from('second,'), Buffer.from('third')]);

    await new Upload({ client: s3Client, params: { Bucket: 'streams', Key: 'streamed', Body: body } }).done();
    const got = await s3Client.send(new GetObjectCommand({ Bucket: 'streams', Key: 'streamed' }));

    expect(await got.Body?.transformToString()).toBe('first,second,third');
  });

  it('assembles a multipart upload from lib-storage (11 MiB in three parts)', async () => {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'big' }));
    const data = Buffer.alloc(11 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);

    const done = await new Upload({
      client: s3Client,
      params: { Bucket: 'big', Key: 'export.jsonl', Body: data },
      partSize: 5 * 1024 * 1024,
    }).done();
    const got = await s3Client.send(new GetObjectCommand({ Bucket: 'big', Key: 'export.jsonl' }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);

    expect(done.ETag).toMatch(/-3"$/);
    expect(bytes.equals(data)).toBe(true);
  });

  it('deletes many objects at once and lists every page of a prefix in key order', async () => {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'pages' }));
    const keys = Array.from({ length: 25 }, (_, i) => `t1/${String(i).padStart(2, '0')}.json`);
    for (const Key of [...keys, 't2/other.json', 't1-sibling.json'])
      await s3Client.send(new PutObjectCommand({ Bucket: 'pages', Key, Body: Key }));
    await s3Client.send(
      new DeleteObjectsCommand({ Bucket: 'pages', Delete: { Objects: [{ Key: 't2/other.json' }, { Key: 'nope' }] } }),
    );

    const listed: string[] = [];
    let pages = 0;
    let ContinuationToken: string | undefined;
    do {
      const page = await s3Client.send(
        new ListObjectsV2Command({ Bucket: 'pages', Prefix: 't1/', MaxKeys: 10, ContinuationToken }),
      );
      pages += 1;
      listed.push(...(page.Contents ?? []).map((o) => String(o.Key)));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    const top = await s3Client.send(new ListObjectsV2Command({ Bucket: 'pages', Delimiter: '/' }));

    expect(pages).toBe(3);
    expect(listed).toEqual(keys);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['t1/']);
    expect(top.Contents?.map((o) => o.Key)).toEqual(['t1-sibling.json']);
  });

  it('keeps buckets, objects and lifecycle rules across a restart', async () => {
    await client().send(new CreateBucketCommand({ Bucket: 'kept' }));
    await client().send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/b.txt', Body: 'still here' }));
    s3.ensureBucket('kept', [{ Id: 'expire', Status: 'Enabled', ExpirationInDays: 30 }]);
    await s3.close();
    for (const c of clients.splice(0)) c.destroy();

    s3 = await start();
    const got = await client().send(new GetObjectCommand({ Bucket: 'kept', Key: 'a/b.txt' }));
    const lifecycle = await client().send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'kept' }));

    expect(await got.Body?.transformToString()).toBe('still here');
    expect(lifecycle.Rules).toEqual([expect.objectContaining({ ID: 'expire', Expiration: { Days: 30 } })]);
  });

  it('expires the objects under a lifecycle rule prefix once their days have passed', async () => {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'aging' }));
    await s3Client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'aging',
        LifecycleConfiguration: {
          Rules: [{ ID: 'exports', Status: 'Enabled', Filter: { Prefix: 'exports/' }, Expiration: { Days: 30 } }],
        },
      }),
    );
    await s3Client.send(new PutObjectCommand({ Bucket: 'aging', Key: 'exports/t1.jsonl', Body: 'x' }));
    await s3Client.send(new PutObjectCommand({ Bucket: 'aging', Key: 'keep/t1.jsonl', Body: 'y' }));

    clockOffsetMs = 29 * 86_400_000;
    const early = s3.sweep();
    clockOffsetMs = 30 * 86_400_000 + 1000;
    const late = s3.sweep();

    expect(early).toEqual([]);
    expect(late).toEqual(['aging/exports/t1.jsonl']);
  });
});

describe('local S3 signatures', () => {
  async function presignedExport(expiresIn: number): Promise<string> {
    const s3Client = client();
    await s3Client.send(new CreateBucketCommand({ Bucket: 'signed' }));
    await s3Client.send(new PutObjectCommand({ Bucket: 'signed', Key: 'tenant/export.jsonl', Body: 'line\n' }));
    return getSignedUrl(s3Client, new GetObjectCommand({ Bucket: 'signed', Key: 'tenant/export.jsonl' }), {
      expiresIn,
    });
  }

  it('honours a presigned GET URL until X-Amz-Expires and refuses it after with S3 error XML', async () => {
    const url = await presignedExport(60);

    const valid = await fetch(url);
    const validBody = await valid.text();
    clockOffsetMs = 61_000;
    const expired = await fetch(url);
    const expiredBody = await expired.text();

    expect(valid.status).toBe(200);
    expect(validBody).toBe('line\n');
    expect(expired.status).toBe(403);
    expect(expiredBody).toContain('<Code>AccessDenied</Code>');
    expect(expiredBody).toContain('<Message>Request has expired</Message>');
  });

  it('refuses a presigned URL whose key or signature was changed', async () => {
    const url = await presignedExport(60);
    const otherKey = url.replace('export.jsonl', 'other.jsonl');
    const otherSignature = url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');

    const responses = await Promise.all([fetch(otherKey), fetch(otherSignature)]);
    const bodies = await Promise.all(responses.map((r) => r.text()));

    expect(responses.map((r) => r.status)).toEqual([403, 403]);
    for (const body of bodies) expect(body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('refuses a wrong secret, an unknown access key and an unsigned request', async () => {
    await client().send(new CreateBucketCommand({ Bucket: 'guarded' }));

    await expect(client('LOCALTEST', 'not-the-secret').send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(client('NOBODY', 'x').send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
    });
    expect((await fetch(`${s3.endpoint}/guarded`)).status).toBe(403);
  });

  it('applies the authorize hook per action and resource', async () => {
    await s3.close();
    s3 = await start(async (signer, action, resource) =>
      signer.accessKeyId === 'LOCALREADER' && action !== 's3:GetObject'
        ? `User is not authorized to perform: ${action} on resource: ${resource}`
        : undefined,
    );
    await client().send(new CreateBucketCommand({ Bucket: 'iam' }));
    await client().send(new PutObjectCommand({ Bucket: 'iam', Key: 'k', Body: 'v' }));
    const reader = client('LOCALREADER');

    const got = await reader.send(new GetObjectCommand({ Bucket: 'iam', Key: 'k' }));
    const denied = reader.send(new PutObjectCommand({ Bucket: 'iam', Key: 'k', Body: 'w' }));

    expect(await got.Body?.transformToString()).toBe('v');
    await expect(denied).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('s3:PutObject'),
    });
  });
});
