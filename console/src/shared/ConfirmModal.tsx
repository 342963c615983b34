/** A confirmation dialog for an action that changes something (delete, disable, redrive, stop). */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import type { ConfirmedAction } from './use-confirmed-action';

export interface ConfirmModalProps<T> {
  /** Open while the action has a target; its error is shown here and the dialog stays open. */
  readonly action: ConfirmedAction<T>;
  readonly header: string;
  /** The confirm button's text: the action itself ("Delete", "Disable user"), never "OK". */
  readonly confirmText: string;
  readonly onConfirm: () => void;
  readonly children: ReactNode;
}

/** Cancel and the action, action last (primary); Escape and Cancel dismiss. */
export function ConfirmModal<T>({ action, header, confirmText, onConfirm, children }: ConfirmModalProps<T>) {
  return (
    <Modal
      visible={action.target !== undefined}
      onDismiss={action.dismiss}
      header={header}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={action.dismiss}>
              Cancel
            </Button>
            <Button variant="primary" loading={action.busy} onClick={onConfirm}>
              {confirmText}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="s">
        <Box>{children}</Box>
        {action.error && <Alert type="error">{action.error}</Alert>}
      </SpaceBetween>
    </Modal>
  );
}
