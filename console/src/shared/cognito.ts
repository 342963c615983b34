/**
 * Cognito sign-in with USER_PASSWORD_AUTH and the NEW_PASSWORD_REQUIRED challenge. These two
 * calls are unsigned, so this speaks Cognito's JSON protocol with fetch instead of bundling the
 * AWS SDK (a few hundred bytes instead of tens of kilobytes). `endpoint` is the local cloud's
 * Cognito (config `cognitoEndpoint`); on AWS it is the regional endpoint.
 */
export interface CognitoTarget {
  readonly region: string;
  readonly clientId: string;
  readonly endpoint?: string;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export type SignInResult =
  | { readonly kind: 'signed-in'; readonly idToken: string }
  | { readonly kind: 'new-password-required'; readonly session: string; readonly username: string };

const FRIENDLY: Record<string, string> = {
  NotAuthorizedException: 'Incorrect email or password.',
  UserNotFoundException: 'Incorrect email or password.',
  PasswordResetRequiredException: 'You must reset your password before you can sign in.',
  UserNotConfirmedException: 'This account is not confirmed yet.',
  TooManyRequestsException: 'Too many attempts. Wait a moment and try again.',
  LimitExceededException: 'Too many attempts. Wait a moment and try again.',
};

async function call<T>(target: CognitoTarget, action: string, body: unknown): Promise<T> {
  const url = target.endpoint
    ? `${target.endpoint.replace(/\/$/, '')}/`
    : `https://cognito-idp.${target.region}.amazonaws.com/`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AuthError('Could not reach the sign-in service. Check your connection and try again.', 'NetworkError');
  }
  const payload = (await response.json().catch(() => ({}))) as { __type?: string; message?: string } & T;
  if (!response.ok) {
    const code = (payload.__type ?? 'Error').split('#').pop() ?? 'Error';
    const message =
      code === 'InvalidPasswordException'
        ? `The new password is not accepted: ${payload.message ?? 'it does not meet the password policy.'}`
        : (FRIENDLY[code] ?? payload.message ?? 'Sign-in failed.');
    throw new AuthError(message, code);
  }
  return payload;
}

interface AuthResponse {
  AuthenticationResult?: { IdToken?: string };
  ChallengeName?: string;
  Session?: string;
}

function resultOf(response: AuthResponse, username: string): SignInResult {
  if (response.AuthenticationResult?.IdToken)
    return { kind: 'signed-in', idToken: response.AuthenticationResult.IdToken };
  if (response.ChallengeName === 'NEW_PASSWORD_REQUIRED' && response.Session) {
    return { kind: 'new-password-required', session: response.Session, username };
  }
  throw new AuthError(
    `Sign-in needs a step this app does not support (${response.ChallengeName ?? 'unknown'}).`,
    'UnsupportedChallenge',
  );
}

export async function signIn(target: CognitoTarget, username: string, password: string): Promise<SignInResult> {
  const response = await call<AuthResponse>(target, 'InitiateAuth', {
    ClientId: target.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return resultOf(response, username);
}

export async function completeNewPassword(
  target: CognitoTarget,
  username: string,
  session: string,
  newPassword: string,
): Promise<SignInResult> {
  const response = await call<AuthResponse>(target, 'RespondToAuthChallenge', {
    ClientId: target.clientId,
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
  });
  return resultOf(response, username);
}

/** The claims the apps read from an ID token (not verified here: the APIs verify it). */
export interface IdClaims {
  readonly email?: string;
  readonly exp?: number;
  readonly 'custom:tenantId'?: string;
  readonly 'custom:userRole'?: string;
  readonly 'cognito:username'?: string;
}

export function claimsOf(idToken: string): IdClaims {
  try {
    const part = idToken.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(
      decodeURIComponent(Array.from(json, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')),
    ) as IdClaims;
  } catch {
    return {};
  }
}

export function isExpired(idToken: string, now = Date.now()): boolean {
  const exp = claimsOf(idToken).exp;
  return exp === undefined || exp * 1000 <= now + 30_000;
}
