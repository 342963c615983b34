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

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of one path segment or query component, as SigV4 wants it. */
const uriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(search: string): string {
  const pairs = [...new URLSearchParams(search)].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** True when `signature` is the SigV4 signature of this request under `secretAccessKey`. */
export function verifySigV4(
  info: SignedRequestInfo,
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer },
  secretAccessKey: string,
): boolean {
  const url = new URL(request.url, 'http://local');
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
  const canonicalHeaders = info.signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = header(request.headers, 'x-amz-content-sha256') ?? sha256(request.body);
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri || '/',
    canonicalQuery(url.search),
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
