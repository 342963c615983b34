/**
 * An action that is confirmed first (delete, disable, deactivate, redrive): what it is about
 * (`target`, set by `ask`, which opens the dialog), busy while it runs, and its error in words —
 * kept in the dialog, which stays open so the action can be tried again.
 */
import { useState } from 'react';
import { errorText } from './api';

export interface ConfirmedAction<T> {
  /** What the open dialog is about; undefined while it is closed. */
  readonly target?: T;
  readonly busy: boolean;
  readonly error?: string;
  readonly ask: (target: T) => void;
  readonly dismiss: () => void;
  /** Runs the action on `target` (the asked one by default); closes the dialog when it succeeds. */
  readonly run: (action: (target: T) => Promise<void>, target?: T) => Promise<void>;
}

export function useConfirmedAction<T>(): ConfirmedAction<T> {
  const [target, setTarget] = useState<T>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return {
    target,
    busy,
    error,
    ask: (next) => {
      setError(undefined);
      setTarget(next);
    },
    dismiss: () => setTarget(undefined),
    run: async (action, on = target) => {
      if (on === undefined) return;
      setBusy(true);
      setError(undefined);
      try {
        await action(on);
        setTarget(undefined);
      } catch (e) {
        setError(errorText(e));
      } finally {
        setBusy(false);
      }
    },
  };
}
