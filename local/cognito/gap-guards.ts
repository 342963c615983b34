/**
 * Closes cognito-local gaps that matter for tenant isolation, in front of it (cognito-local is
 * not patched): the checks run on the parsed request before cognito-local's own target.
 *
 * - Every pool signs with its own key (`PoolSigningKeys`): the ID and access tokens cognito-local
 *   issues are re-signed by their pool's key, not cognito-local's published one.
 * - Access tokens are verified (signature, expiry, `token_use`), not only decoded.
 * - UpdateUserAttributes / DeleteUserAttributes honour the app client's WriteAttributes, so a
 *   user cannot rewrite `custom:tenantId` or `custom:userRole`.
 * - A disabled user cannot log in.
 * - At first login the temporary password is checked, and NEW_PASSWORD_REQUIRED is answered
 *   only with the Session that challenge issued (single use, 3 minutes, same client and user).
 */
import { randomBytes } from 'node:crypto';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { PoolSigningKeys } from './pool-keys';

export class GuardError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GuardError';
  }
}

type Request = Record<string, any>;

/** Targets that read an access token (cognito-local decodes it without checking the signature). */
const ACCESS_TOKEN_TARGETS = new Set([
  'GetUser',
  'UpdateUserAttributes',
  'DeleteUserAttributes',
  'ChangePassword',
  'DeleteUser',
  'GlobalSignOut',
  'VerifyUserAttribute',
  'GetUserAttributeVerificationCode',
]);
const AUTH_TARGETS = new Set(['InitiateAuth', 'AdminInitiateAuth']);
const CHALLENGE_TARGETS = new Set(['RespondToAuthChallenge', 'AdminRespondToAuthChallenge']);

/** True when the gap guards look at this target (others go to cognito-local untouched). */
export function isGuardedTarget(target: string): boolean {
  return ACCESS_TOKEN_TARGETS.has(target) || AUTH_TARGETS.has(target) || CHALLENGE_TARGETS.has(target);
}

const CHALLENGE_SESSION_MS = 3 * 60_000;
const MAX_CHALLENGE_SESSIONS = 10_000;

const notAuthorized = (message: string) => new GuardError('NotAuthorizedException', message);

export interface GapGuards {
  /** Checks a request before cognito-local runs it; throws GuardError to refuse it. */
  before(target: string, request: Request): Promise<void>;
  /** Adjusts cognito-local's output (the NEW_PASSWORD_REQUIRED Session, the tokens' signatures). */
  after(target: string, request: Request, output: Request): Promise<Request>;
}

export function createGapGuards(deps: {
  cognito: CognitoService;
  ctx: Context;
  /** The pools' own signing keys. */
  keys: PoolSigningKeys;
  now?: () => number;
}): GapGuards {
  const { cognito, ctx } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, { username: string; clientId: string; expires: number }>();

  async function verifiedAccessToken(token: unknown): Promise<Request> {
    const claims = await deps.keys.verify(token);
    if (!claims || claims.token_use !== 'access') throw notAuthorized('Invalid Access Token');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now()) throw notAuthorized('Access Token has expired');
    return claims;
  }

  async function poolOfClient(clientId: unknown) {
    const client = typeof clientId === 'string' ? await cognito.getAppClient(ctx, clientId) : null;
    if (!client) throw new GuardError('ResourceNotFoundException', 'User pool client does not exist.');
    return { client, pool: await cognito.getUserPool(ctx, client.UserPoolId) };
  }

  async function checkWriteAttributes(claims: Request, names: readonly string[]) {
    const { client } = await poolOfClient(claims.client_id);
    const writable = client.WriteAttributes;
    // An app client without WriteAttributes may write every attribute (as on AWS).
    if (!writable || writable.length === 0) return;
    if (names.some((name) => !writable.includes(name)))
      throw notAuthorized('A client attempted to write unauthorized attribute');
  }

  function pruneSessions() {
    for (const [key, session] of sessions) if (session.expires <= now()) sessions.delete(key);
    while (sessions.size >= MAX_CHALLENGE_SESSIONS) sessions.delete(sessions.keys().next().value as string);
  }

  return {
    async before(target, request) {
      if (ACCESS_TOKEN_TARGETS.has(target)) {
        const claims = await verifiedAccessToken(request.AccessToken);
        if (target === 'UpdateUserAttributes') {
          await checkWriteAttributes(
            claims,
            ((request.UserAttributes ?? []) as Array<{ Name: string }>).map((a) => String(a.Name)),
          );
        }
        if (target === 'DeleteUserAttributes')
          await checkWriteAttributes(claims, ((request.UserAttributeNames ?? []) as unknown[]).map(String));
        return;
      }
      if (AUTH_TARGETS.has(target)) {
        const { pool } = await poolOfClient(request.ClientId);
        const parameters = (request.AuthParameters ?? {}) as Record<string, string>;
        const user =
          request.AuthFlow === 'REFRESH_TOKEN_AUTH' || request.AuthFlow === 'REFRESH_TOKEN'
            ? await pool.getUserByRefreshToken(ctx, parameters.REFRESH_TOKEN ?? '')
            : await pool.getUserByUsername(ctx, parameters.USERNAME ?? '');
        if (!user) return; // cognito-local answers UserNotFoundException / NotAuthorizedException itself
        if (user.Enabled === false) throw notAuthorized('User is disabled.');
        if (
          user.UserStatus === 'FORCE_CHANGE_PASSWORD' &&
          parameters.PASSWORD !== undefined &&
          user.Password !== parameters.PASSWORD
        ) {
          throw notAuthorized('Incorrect username or password.');
        }
        return;
      }
      if (CHALLENGE_TARGETS.has(target) && request.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
        const session = typeof request.Session === 'string' ? sessions.get(request.Session) : undefined;
        // Single use: a Session is spent by the first answer, right or wrong.
        if (session) sessions.delete(request.Session);
        const { pool } = await poolOfClient(request.ClientId);
        const user = await pool.getUserByUsername(ctx, String(request.ChallengeResponses?.USERNAME ?? ''));
        if (
          !session ||
          session.expires <= now() ||
          session.clientId !== request.ClientId ||
          !user ||
          user.Username !== session.username
        ) {
          throw notAuthorized('Invalid session for the user.');
        }
      }
    },

    async after(target, request, output) {
      if (AUTH_TARGETS.has(target) && output.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
        const { pool } = await poolOfClient(request.ClientId);
        const user = await pool.getUserByUsername(ctx, String(request.AuthParameters?.USERNAME ?? ''));
        if (!user) return output;
        if (sessions.size >= MAX_CHALLENGE_SESSIONS) pruneSessions();
        const session = randomBytes(48).toString('base64url');
        sessions.set(session, {
          username: user.Username,
          clientId: String(request.ClientId),
          expires: now() + CHALLENGE_SESSION_MS,
        });
        return { ...output, Session: session };
      }
      const tokens = output.AuthenticationResult as Request | undefined;
      if ((AUTH_TARGETS.has(target) || CHALLENGE_TARGETS.has(target)) && tokens) {
        const resign = (token: unknown) => (typeof token === 'string' ? deps.keys.resign(token) : token);
        const [IdToken, AccessToken] = await Promise.all([resign(tokens.IdToken), resign(tokens.AccessToken)]);
        return { ...output, AuthenticationResult: { ...tokens, IdToken, AccessToken } };
      }
      return output;
    },
  };
}
