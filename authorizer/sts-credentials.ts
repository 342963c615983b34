/** STS AssumeRole of the tenant data role with the tenant's session policy (the authorizer's only STS use). */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { ScopedCredentials } from './credentials-cache';
import { serializeSessionPolicy, tenantSessionName, tenantSessionPolicy } from './isolation-policy';

export interface TenantRoleConfig {
  /** The pooled stack's tenant data access role. */
  readonly roleArn: string;
  /** The tables the role reaches; the session policy narrows them to the tenant's items. */
  readonly tableArns: readonly string[];
  /** @default 3600 (the role's maximum session duration) */
  readonly durationSeconds?: number;
}

export function stsTenantCredentials(config: TenantRoleConfig, sts = new STSClient({})) {
  return async (tenantId: string): Promise<ScopedCredentials> => {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: config.roleArn,
        RoleSessionName: tenantSessionName(tenantId),
        Policy: serializeSessionPolicy(tenantSessionPolicy(tenantId, config.tableArns)),
        DurationSeconds: config.durationSeconds ?? 3600,
      }),
    );
    if (
      !Credentials?.AccessKeyId ||
      !Credentials.SecretAccessKey ||
      !Credentials.SessionToken ||
      !Credentials.Expiration
    ) {
      throw new Error(`STS AssumeRole for tenant ${tenantId} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  };
}
