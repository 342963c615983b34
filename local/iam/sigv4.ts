/**
 * AWS Signature Version 4 on the local cloud's IAM-enforcing endpoints: reads who signed a
 * request (the access key) and checks the signature with that key's secret, so a request is
 * attributed to a caller only if it holds the caller's secret, as on AWS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequestInfo {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly sessionToken?: string;
  /** Seconds a presigned URL is valid from `amzDate` (`X-Amz-Expires`); absent for header auth. */
  readonly expiresSeconds?: number;
}

/** How a service canonicalizes what was signed (S3 differs from the others). */
export interface SigV4Variant {
  /**
   * S3 signs the path as sent (encoded once); the other services encode it again.
   * @default false
   */
  readonly rawPath?: boolean;
}

const AUTH =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** Parses the Authorization header; undefined when the request is not SigV4-signed. */
export function parseSigV4(headers: IncomingHttpHeaders): SignedRequestInfo | undefined {
  const match = AUTH.exec(header(headers, 'authorization')?.trim() ?? '');
  const amzDate = header(headers, 'x-amz-date');
  if (!match || !amzDate) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signedHeaders as string).split(';'),
    signature: signature as string,
    amzDate,
    sessionToken: header(headers, 'x-amz-security-token'),
  };
}

/** The SigV4 parameters of a presigned URL's query string; undefined when it has none. */
export function parsePresignedSigV4(url: string): SignedRequestInfo | undefined {
  const query = new URL(url, 'http://local').searchParams;
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return undefined;
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
  const signature = query.get('X-Amz-Signature') ?? '';
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = Number(query.get('X-Amz-Expires') ?? Number.NaN);
  if (!credential || !/^[0-9a-f]{64}$/.test(signature) || !/^\d{8}T\d{6}Z$/.test(amzDate)) return undefined;
  if (!Number.isInteger(expires) || expires < 1) return undefined;
  const [, accessKeyId, date, region, service] = credential as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
    signature,
    amzDate,
    sessionToken: query.get('X-Amz-Security-Token') ?? undefined,
    expiresSeconds: expires,
  };
}

/** Epoch milliseconds of an `X-Amz-Date` value (`20250101T000000Z`). */
export function amzDateMillis(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, se);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of one path segment or query component, as SigV4 wants it. */
const uriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(search: string, presigned: boolean): string {
  const params = [...new URLSearchParams(search)].filter(([k]) => !(presigned && k === 'X-Amz-Signature'));
  const pairs = params.map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * True when `signature` is the SigV4 signature of this request under `secretAccessKey`. The
 * body is not needed when the request names its payload hash (`x-amz-content-sha256`, S3) or is
 * presigned (`UNSIGNED-PAYLOAD`).
 */
export function verifySigV4(
  info: SignedRequestInfo,
  request: { method: string; url: string; headers: IncomingHttpHeaders; body?: Buffer },
  secretAccessKey: string,
  variant: SigV4Variant = {},
): boolean {
  const url = new URL(request.url, 'http://local');
  const presigned = info.expiresSeconds !== undefined;
  const canonicalUri = variant.rawPath
    ? url.pathname
    : url.pathname
        .split('/')
        .map((segment) => uriEncode(decodeURIComponent(segment)))
        .join('/');
  const canonicalHeaders = info.signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = presigned
    ? 'UNSIGNED-PAYLOAD'
    : (header(request.headers, 'x-amz-content-sha256') ?? sha256(request.body ?? Buffer.alloc(0)));
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri || '/',
    canonicalQuery(url.search, presigned),
    canonicalHeaders,
    info.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${info.date}/${info.region}/${info.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', info.amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, info.date);
  for (const part of [info.region, info.service, 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from(info.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
