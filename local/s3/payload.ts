/**
 * Request bodies as S3 clients send them: plain, or `aws-chunked` (what SDK v3 and botocore use
 * for streamed uploads with a trailing checksum), with the CRC32 checksum S3 verifies.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';

/** A body S3 would refuse, with the error code it answers. */
export class PayloadError extends Error {
  constructor(
    readonly code: 'IncompleteBody' | 'BadDigest' | 'InvalidRequest',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** True when the body is framed as `aws-chunked`. */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  return (
    (header(headers, 'content-encoding') ?? '').split(',').some((part) => part.trim() === 'aws-chunked') ||
    (header(headers, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-')
  );
}

/**
 * The object bytes of an `aws-chunked` body and its trailing headers (`x-amz-checksum-crc32: …`).
 * Chunk signatures (`;chunk-signature=`) are not checked: the seed request's signature is.
 */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new PayloadError('IncompleteBody', 'The aws-chunked body ends inside a chunk header');
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new PayloadError('InvalidRequest', 'Malformed aws-chunked header');
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size > body.length)
      throw new PayloadError('IncompleteBody', 'The aws-chunked body ends inside a chunk');
    chunks.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(chunks), trailers };
}

/** CRC32 of the data as S3 writes it: big-endian, base64. */
export function crc32Base64(data: Buffer): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(data) >>> 0);
  return bytes.toString('base64');
}

/**
 * The object bytes of a request and the CRC32 the client sent (header or trailer), verified.
 * Other checksum algorithms are accepted unverified.
 */
export function objectBytes(headers: IncomingHttpHeaders, body: Buffer): { data: Buffer; checksumCrc32?: string } {
  const { data, trailers } = isAwsChunked(headers) ? decodeAwsChunked(body) : { data: body, trailers: {} };
  const declared = header(headers, 'x-amz-decoded-content-length');
  if (declared !== undefined && Number(declared) !== data.length)
    throw new PayloadError('IncompleteBody', 'The decoded body is not x-amz-decoded-content-length bytes long');
  const checksum = header(headers, 'x-amz-checksum-crc32') ?? trailers['x-amz-checksum-crc32'];
  if (checksum !== undefined && checksum !== crc32Base64(data))
    throw new PayloadError('BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
  return { data, checksumCrc32: checksum };
}
