import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cognitoEndpointOverride,
  LocalJwksFetchError,
  localJwksFetcher,
} from '../../../functions/shared/local-cloud-endpoints';

const JWKS_URI = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123/.well-known/jwks.json';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('on AWS (no emulator endpoint set)', () => {
  it('overrides nothing: no Cognito endpoint and no JWKS fetcher of its own', () => {
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', '');

    expect(cognitoEndpointOverride()).toBeUndefined();
    expect(localJwksFetcher()).toBeUndefined();
  });
});

describe('on the local cloud', () => {
  it("names the Cognito emulator's endpoint", () => {
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229');

    expect(cognitoEndpointOverride()).toBe('http://127.0.0.1:9229');
  });

  it("fetches a pool's JWKS from the emulator instead of Cognito", async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229');
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (uri: string) => {
      fetched.push(uri);
      return new Response('{"keys":[]}');
    });

    const body = await localJwksFetcher()?.fetch(JWKS_URI);

    expect(fetched).toEqual(['http://127.0.0.1:9229/eu-west-1_abc123/.well-known/jwks.json']);
    expect(new TextDecoder().decode(body)).toBe('{"keys":[]}');
  });

  it('fails with LocalJwksFetchError naming the URI and status when the emulator does not serve the JWKS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'http://127.0.0.1:9229');
    vi.stubGlobal('fetch', async () => new Response('no such pool', { status: 404 }));

    const fetched = localJwksFetcher()?.fetch(JWKS_URI);

    await expect(fetched).rejects.toStrictEqual(new LocalJwksFetchError(JWKS_URI, 404));
    await expect(fetched).rejects.toMatchObject({
      name: 'LocalJwksFetchError',
      message: `JWKS fetch ${JWKS_URI}: HTTP 404`,
    });
  });
});
