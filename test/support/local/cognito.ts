/** Test support for the local Cognito: temporary data directories, an SDK client, JWT claims, a seeded pool. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoService, startCognito } from '../../../local/cognito';

/** A fresh data directory in the OS temp dir; `remove()` deletes it. */
export function tempDataDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'tenantflow-cognito-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The real SDK client pointed at the local endpoint (credentials are never checked locally). */
export function sdkClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The payload of a JWT, unverified: for asserting on claims. */
export function jwtClaims(jwt: string | undefined): Record<string, unknown> {
  const payload = jwt?.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The pool layout the control plane uses: email as username, tenant claims, one app client. */
export async function seedTenantPool(cognito: CognitoService, prefix = 'ControlPlane') {
  const userPoolId = await cognito.ensureUserPool(`${prefix}/UserPool`, {
    poolName: 'tenantflow-users',
    usernameAttributes: ['email'],
    customAttributes: ['tenantId', 'userRole'],
  });
  const clientId = await cognito.ensureUserPoolClient(`${prefix}/AppClient`, userPoolId, {
    clientName: 'tenantflow-app',
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    readAttributes: ['email', 'custom:tenantId', 'custom:userRole'],
    writeAttributes: ['email'],
  });
  return { userPoolId, clientId };
}

export { startCognito };
