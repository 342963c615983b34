/**
 * Verifies Cognito ID tokens of several user pools with aws-jwt-verify. On AWS the verifier
 * fetches each pool's JWKS itself (and caches it); on the local cloud (where
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points at the emulator) only the fetcher differs,
 * and the verifier checks issuer, audience, token use, expiry and signature exactly as on AWS.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { CognitoIdTokenPayload } from 'aws-jwt-verify/jwt-model';

export interface TrustedPool {
  readonly userPoolId: string;
  readonly clientId: string;
}

export interface VerifiedToken {
  readonly userPoolId: string;
  readonly payload: CognitoIdTokenPayload;
}

/** Maps the real JWKS URI onto the local emulator (aws-jwt-verify's own fetcher speaks https only). */
function localJwksCache(endpoint: string): SimpleJwksCache {
  return new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const response = await fetch(uri.replace(/^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com/, endpoint));
        if (!response.ok) throw new Error(`JWKS fetch ${uri}: HTTP ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
}

export class TokenVerifier {
  private readonly verifier;

  constructor(
    pools: readonly TrustedPool[],
    localCognitoEndpoint = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
  ) {
    this.verifier = CognitoJwtVerifier.create(
      pools.map((pool) => ({ userPoolId: pool.userPoolId, clientId: pool.clientId, tokenUse: 'id' as const })),
      localCognitoEndpoint ? { jwksCache: localJwksCache(localCognitoEndpoint) } : undefined,
    );
  }

  /** Resolves the verified token, or undefined when it is not a valid ID token of a trusted pool. */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    try {
      const payload = (await this.verifier.verify(token)) as CognitoIdTokenPayload;
      const userPoolId = payload.iss.slice(payload.iss.lastIndexOf('/') + 1);
      return { userPoolId, payload };
    } catch {
      return undefined;
    }
  }
}
