/**
 * Who signed an S3 request, checked as S3 checks it: SigV4 in the Authorization header (with the
 * payload hash the client declares, verified against the body) or in a presigned URL's query
 * (refused once `X-Amz-Date` + `X-Amz-Expires` has passed). S3 signs the path as sent.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { amzDateMillis, parsePresignedSigV4, parseSigV4, verifySigV4 } from '../iam/sigv4';
import { S3Error } from './errors';

/** The secret of an access key, or why it is refused. */
export type CredentialLookup =
  | { readonly ok: true; readonly secretAccessKey: string }
  | {
      readonly ok: false;
      readonly code: 'InvalidAccessKeyId' | 'ExpiredToken' | 'InvalidToken';
      readonly message: string;
    };

/** Resolves an access key (and session token) to its secret. */
export type CredentialResolver = (accessKeyId: string, sessionToken: string | undefined) => CredentialLookup;

/** The signer of an accepted request. */
export interface S3Signer {
  readonly accessKeyId: string;
  readonly sessionToken?: string;
}

/** Longest presigned URL validity S3 accepts (7 days). */
const MAX_EXPIRES_SECONDS = 604_800;
/** How far a header-signed request's time may be from the server's (S3: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Checks the request's signature; resolves to its signer or throws {@link S3Error}. */
export function authenticate(
  req: IncomingMessage,
  body: Buffer,
  credentials: CredentialResolver,
  now: number,
): S3Signer {
  const url = req.url ?? '/';
  const presigned = parsePresignedSigV4(url);
  if (!presigned && new URL(url, 'http://local').searchParams.has('X-Amz-Algorithm'))
    throw new S3Error(
      'AuthorizationQueryParametersError',
      400,
      'The presigned URL is missing or has malformed X-Amz-* parameters.',
    );
  const signed = presigned ?? parseSigV4(req.headers);
  if (!signed) throw new S3Error('AccessDenied', 403, 'Anonymous access is not allowed on the local S3.');
  const signedAt = amzDateMillis(signed.amzDate);
  if (presigned) {
    const expires = presigned.expiresSeconds ?? 0;
    if (expires > MAX_EXPIRES_SECONDS)
      throw new S3Error(
        'AuthorizationQueryParametersError',
        400,
        'X-Amz-Expires must be less than a week (in seconds) that is 604800',
      );
    if (now > signedAt + expires * 1000)
      throw new S3Error('AccessDenied', 403, 'Request has expired', {
        Expires: isoSeconds(signedAt + expires * 1000),
        ServerTime: isoSeconds(now),
      });
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
      { RequestTime: signed.amzDate, ServerTime: isoSeconds(now) },
    );
  }
  const lookup = credentials(signed.accessKeyId, signed.sessionToken);
  if (!lookup.ok)
    throw new S3Error(lookup.code, lookup.code === 'InvalidAccessKeyId' ? 403 : 400, lookup.message, {
      AWSAccessKeyId: signed.accessKeyId,
    });
  const request = { method: req.method ?? 'GET', url, headers: req.headers, body };
  if (!verifySigV4(signed, request, lookup.secretAccessKey, { rawPath: true }))
    throw new S3Error(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: signed.accessKeyId },
    );
  const declared = req.headers['x-amz-content-sha256'];
  if (!presigned && typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared)) {
    if (createHash('sha256').update(body).digest('hex') !== declared)
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        400,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
  }
  return { accessKeyId: signed.accessKeyId, sessionToken: signed.sessionToken };
}
