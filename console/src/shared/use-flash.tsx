/** The outcome of the last action on a page (created, saved, failed), shown above its content until dismissed. */
import Alert from '@cloudscape-design/components/alert';
import { useState } from 'react';

export interface FlashMessage {
  readonly type: 'success' | 'error' | 'info';
  readonly text: string;
}

/** The message state and its alert (undefined while there is nothing to say). */
export function useFlash() {
  const [message, setMessage] = useState<FlashMessage>();
  const alert = message && (
    <Alert type={message.type} dismissible onDismiss={() => setMessage(undefined)}>
      {message.text}
    </Alert>
  );
  return {
    alert,
    success: (text: string) => setMessage({ type: 'success', text }),
    error: (text: string) => setMessage({ type: 'error', text }),
    clear: () => setMessage(undefined),
  };
}
