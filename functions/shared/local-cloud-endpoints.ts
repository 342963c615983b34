/**
 * The product code's only knowledge of the local cloud (local/): where a function reaches an
 * emulator other than through the AWS SDK, which follows the standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables by itself. On AWS these variables are unset, and then every export here answers as
 * plain AWS would (no override, no fetcher of its own): the functions behave exactly as there.
 *
 * It imports no AWS SDK and nothing from local/, so any function may use it at no bundle cost.
 */
import { defineEnv } from './env';

const env = defineEnv([], ['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER']);

/**
 * The Cognito emulator's endpoint on the local cloud; undefined on AWS. Clients signing in need
 * it (the tenant config hands it on), and the authorizer fetches the pools' JWKS from it.
 */
export function cognitoEndpointOverride(): string | undefined {
  return env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
}

/** What aws-jwt-verify's SimpleJwksCache takes as its `fetcher`. */
export interface JwksFetcher {
  fetch(uri: string): Promise<ArrayBuffer>;
}

/** The emulator did not serve a pool's JWKS. */
export class LocalJwksFetchError extends Error {
  constructor(uri: string, status: number) {
    super(`JWKS fetch ${uri}: HTTP ${status}`);
    this.name = 'LocalJwksFetchError';
  }
}

/** The Cognito host of a JWKS URI (`https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json`). */
const COGNITO_HOST = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com/;

/**
 * On the local cloud, a JWKS fetcher that maps Cognito's JWKS URIs onto the emulator
 * (aws-jwt-verify's own fetcher speaks https only, and the emulator http); undefined on AWS,
 * where aws-jwt-verify fetches from Cognito itself.
 */
export function localJwksFetcher(): JwksFetcher | undefined {
  const endpoint = cognitoEndpointOverride();
  if (!endpoint) return undefined;
  return {
    fetch: async (uri) => {
      const response = await fetch(uri.replace(COGNITO_HOST, endpoint));
      if (!response.ok) throw new LocalJwksFetchError(uri, response.status);
      return response.arrayBuffer();
    },
  };
}
