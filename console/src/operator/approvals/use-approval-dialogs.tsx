/**
 * Approve and Reject for whatever waits for an operator (a registration, a lifecycle execution):
 * approving is confirmed first (it creates paid resources), rejecting asks for the reason the
 * applicant is told, with the API's own rules and field errors on the reason.
 */
import FormField from '@cloudscape-design/components/form-field';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { FormModal } from '../../shared/FormModal';
import { useConfirmedAction } from '../../shared/use-confirmed-action';
import { useForm } from '../../shared/use-form';
import { type RejectionValues, validateRejection } from '../../shared/validation';
import type { ApprovalAnswer, ApprovalTarget, OperatorClient } from '../client';

/** One thing waiting for an answer, and how the dialogs name it. */
export interface Waiting {
  readonly target: ApprovalTarget;
  /** Who or what it is about, e.g. the tenant's name. */
  readonly label: string;
  /** What approving lets happen, in a sentence. */
  readonly onApprove: string;
}

/** Called once an answer was accepted by the API. */
export type Answered = (waiting: Waiting, answer: ApprovalAnswer) => void;

function RejectModal({
  waiting,
  onReject,
  onClose,
}: {
  waiting: Waiting;
  onReject: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const form = useForm<RejectionValues>({ reason: '' }, validateRejection);
  return (
    <FormModal
      header={`Reject ${waiting.label}?`}
      submitText="Reject"
      busy={form.busy}
      error={form.error}
      onSubmit={() => form.submit((values) => onReject(values.reason.trim()))}
      onDismiss={onClose}
    >
      <FormField
        label="Reason"
        errorText={form.errorOf('reason')}
        description="Mailed to the applicant and shown on their sign-up page. Nothing is created, and the name is free again."
      >
        <Textarea
          value={form.values.reason}
          onChange={({ detail }) => form.set('reason')(detail.value)}
          autoFocus
          rows={3}
          ariaLabel="Reason"
        />
      </FormField>
    </FormModal>
  );
}

/** `askApprove` / `askReject` open the dialogs; `dialogs` renders them (place it once on the page). */
export function useApprovalDialogs(client: OperatorClient, onAnswered: Answered) {
  const approval = useConfirmedAction<Waiting>();
  const [rejecting, setRejecting] = useState<Waiting>();

  const approve = () =>
    approval.run(async (waiting) => {
      await client.answerApproval(waiting.target, { approve: true });
      onAnswered(waiting, { approve: true });
    });
  const reject = async (waiting: Waiting, reason: string) => {
    await client.answerApproval(waiting.target, { reason });
    setRejecting(undefined);
    onAnswered(waiting, { reason });
  };

  const dialogs = (
    <>
      <ConfirmModal
        action={approval}
        header={`Approve ${approval.target?.label ?? ''}?`}
        confirmText="Approve"
        onConfirm={approve}
      >
        {approval.target?.onApprove}
      </ConfirmModal>
      {rejecting && (
        <RejectModal
          waiting={rejecting}
          onReject={(reason) => reject(rejecting, reason)}
          onClose={() => setRejecting(undefined)}
        />
      )}
    </>
  );
  return { askApprove: approval.ask, askReject: setRejecting, dialogs };
}
