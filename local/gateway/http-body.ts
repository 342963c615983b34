/** Reads an HTTP request body with a size limit, for the gateway's front and management endpoint. */
import type { IncomingMessage } from 'node:http';

/** A body over the limit (declared or streamed). */
export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

/** Reads a request body up to `limit` bytes; rejects with {@link RequestTooLargeError} beyond. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestTooLargeError());
  // No Content-Length and no Transfer-Encoding means no body (RFC 9112 §6.3): most API calls are
  // such GETs, and waiting for the stream's 'end' would cost them an event-loop turn.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new RequestTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
    // A client that goes away mid-body must not leave the request pending forever.
    req.on('close', () => {
      if (done) return;
      done = true;
      reject(new Error('request closed before its body was complete'));
    });
  });
}
