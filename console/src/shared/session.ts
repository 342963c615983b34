/** The signed-in user's ID token, kept for the browser tab (sessionStorage), dropped when expired or refused. */
import { useCallback, useEffect, useState } from 'react';
import { setUnauthorizedHandler } from './api';
import { isExpired } from './cognito';

export function useStoredToken(key: string): [string | undefined, (token: string | undefined) => void] {
  const [token, setToken] = useState<string | undefined>(() => {
    const stored = sessionStorage.getItem(key) ?? undefined;
    return stored && !isExpired(stored) ? stored : undefined;
  });
  const update = useCallback(
    (next: string | undefined) => {
      if (next) sessionStorage.setItem(key, next);
      else sessionStorage.removeItem(key);
      setToken(next);
    },
    [key],
  );
  return [token, update];
}

/** A signed-in session of one app. */
export interface Session {
  readonly token?: string;
  /** Why the user has to sign in again (an API answered 401), for the sign-in page. */
  readonly notice?: string;
  readonly signIn: (idToken: string) => void;
  readonly signOut: () => void;
}

/** The app's session: a stored token that any API's 401 drops, with a notice saying so. */
export function useSession(key: string): Session {
  const [token, setToken] = useStoredToken(key);
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(undefined);
      setNotice('Your session has expired. Sign in again.');
    });
    return () => setUnauthorizedHandler(undefined);
  }, [setToken]);
  const signIn = useCallback(
    (idToken: string) => {
      setNotice(undefined);
      setToken(idToken);
    },
    [setToken],
  );
  const signOut = useCallback(() => setToken(undefined), [setToken]);
  return { token, notice, signIn, signOut };
}
