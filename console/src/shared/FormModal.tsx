/** A dialog holding one form: labelled fields, Enter submits, Cancel and the submit action in the footer. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import Modal, { type ModalProps } from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { FormEvent, ReactNode } from 'react';

export interface FormModalProps {
  readonly header: string;
  readonly submitText: string;
  readonly busy?: boolean;
  readonly submitDisabled?: boolean;
  /** The request's error, in words. */
  readonly error?: string;
  readonly onSubmit: () => void;
  readonly onDismiss: () => void;
  /** Shown in the footer before the buttons (e.g. a running total). */
  readonly footerInfo?: ReactNode;
  readonly size?: ModalProps.Size;
  readonly children: ReactNode;
}

export function FormModal(props: FormModalProps) {
  const { header, submitText, busy, submitDisabled, error, onSubmit, onDismiss, footerInfo, size, children } = props;
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!busy && !submitDisabled) onSubmit();
  };
  return (
    <Modal
      visible
      size={size}
      onDismiss={onDismiss}
      header={header}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs" alignItems="center">
            {footerInfo}
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" loading={busy} disabled={submitDisabled} onClick={() => submit()}>
              {submitText}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form onSubmit={submit} noValidate aria-label={header}>
        <Form errorText={error} errorIconAriaLabel="Error">
          {children}
          {/* Enter in a field submits. */}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      </form>
    </Modal>
  );
}
