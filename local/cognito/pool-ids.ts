import { randomInt } from 'node:crypto';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { UserPool } from 'cognito-local/lib/services/userPoolService';

/** The account id in the ARNs of local pools (the local cloud has no real account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new user pool id in the real form, `<region>_` and 9 alphanumerics, e.g. `us-east-1_aB3dE5fG7`. */
export function newUserPoolId(region: string): string {
  let suffix = '';
  for (let i = 0; i < 9; i++) suffix += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return `${region}_${suffix}`;
}

/**
 * Wraps cognito-local's pool registry so every new pool gets a real-form id and ARN.
 * cognito-local's CreateUserPool target hard-codes `local_XXXXXXXX`, which aws-jwt-verify rejects
 * as a user pool id; rewriting at this seam fixes both our own pool creation and pools created
 * through the SDK (a Step Functions task creating a silo tenant's pool), without patching the
 * package.
 */
export class RealFormPoolIds implements CognitoService {
  constructor(
    private readonly inner: CognitoService,
    private readonly region: string,
  ) {}

  createUserPool(ctx: Context, userPool: UserPool): Promise<UserPool> {
    const Id = newUserPoolId(this.region);
    const Arn = `arn:aws:cognito-idp:${this.region}:${LOCAL_ACCOUNT_ID}:userpool/${Id}`;
    return this.inner.createUserPool(ctx, { ...userPool, Id, Arn });
  }

  deleteUserPool(ctx: Context, userPool: UserPool) {
    return this.inner.deleteUserPool(ctx, userPool);
  }
  getAppClient(ctx: Context, clientId: string) {
    return this.inner.getAppClient(ctx, clientId);
  }
  getUserPool(ctx: Context, userPoolId: string) {
    return this.inner.getUserPool(ctx, userPoolId);
  }
  getUserPoolForClientId(ctx: Context, clientId: string) {
    return this.inner.getUserPoolForClientId(ctx, clientId);
  }
  listAppClients(ctx: Context, userPoolId: string) {
    return this.inner.listAppClients(ctx, userPoolId);
  }
  listUserPools(ctx: Context) {
    return this.inner.listUserPools(ctx);
  }
}
