/** The signed-in user's ID token, kept for the browser tab (sessionStorage), dropped when expired. */
import { useCallback, useState } from 'react';
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
