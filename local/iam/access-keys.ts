import { stableId } from '../stable-id';

/** The secret every execution role's local access key signs with (the local cloud has no secrets to keep). */
export const LOCAL_ROLE_SECRET = 'local-secret';

/**
 * The local access key of an execution role: each role gets its own, so the IAM front can tell
 * which role made a request (what a Lambda execution environment's credentials do on AWS).
 */
export function localAccessKeyOf(roleArn: string): string {
  return `LOCAL${stableId('role', roleArn, 12).toUpperCase()}`;
}
