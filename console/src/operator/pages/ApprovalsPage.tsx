/**
 * Pending approvals: the sign-ups whose tier needs an operator (context `approvalTiers`), oldest
 * first, each approved (confirmed) or rejected with a reason; an answered row leaves the list.
 */
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { formatTime } from '../../shared/format';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { useFlash } from '../../shared/use-flash';
import { useLoad } from '../../shared/use-load';
import { useApprovalDialogs, type Waiting } from '../approvals/use-approval-dialogs';
import type { OperatorClient } from '../client';
import { approveText, askedAt } from '../lifecycle-words';
import type { Registration } from '../types';

const waitingOf = (r: Registration): Waiting => ({
  target: { registrationId: r.registrationId },
  label: r.tenantName,
  onApprove: approveText('onboarding'),
});

export function ApprovalsPage({ client }: { client: OperatorClient }) {
  const pending = useLoad((signal) => client.pendingRegistrations(signal), [client]);
  // Answered here: left out at once, even if the list (read again) still has them for a moment.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const flash = useFlash();
  const approval = useApprovalDialogs(client, (waiting, answer) => {
    if ('registrationId' in waiting.target) {
      const id = waiting.target.registrationId;
      setAnswered((ids) => new Set([...ids, id]));
    }
    flash.success(
      'reason' in answer
        ? `${waiting.label} was rejected; the applicant is mailed the reason.`
        : `${waiting.label} was approved; its onboarding continues.`,
    );
    pending.reload(true);
  });
  const rows = pending.data?.filter((r) => !answered.has(r.registrationId));

  return (
    <SpaceBetween size="m">
      {flash.alert}
      <ResourceTable<Registration>
        title="Pending approvals"
        noun="pending approvals"
        loaded={{ ...pending, data: rows }}
        trackBy="registrationId"
        refreshable
        searchText={(r) => [r.tenantName, r.tier, r.registrationId]}
        empty="No sign-up is waiting for approval."
        columns={[
          { id: 'tenant', header: 'Tenant', cell: (r) => r.tenantName },
          { id: 'tier', header: 'Tier', cell: (r) => r.tier },
          { id: 'asked', header: 'Asked at', cell: (r) => formatTime(askedAt(r)) },
          {
            id: 'execution',
            header: 'Execution',
            cell: (r) => (
              <Link
                href={`/executions/${encodeURIComponent(r.executionId)}`}
                onFollow={follow}
                ariaLabel={`Onboarding of ${r.tenantName}`}
              >
                Onboarding
              </Link>
            ),
          },
          {
            id: 'actions',
            header: 'Answer',
            cell: (r) => (
              <SpaceBetween direction="horizontal" size="xs">
                <Button ariaLabel={`Approve ${r.tenantName}`} onClick={() => approval.askApprove(waitingOf(r))}>
                  Approve
                </Button>
                <Button ariaLabel={`Reject ${r.tenantName}`} onClick={() => approval.askReject(waitingOf(r))}>
                  Reject
                </Button>
              </SpaceBetween>
            ),
          },
        ]}
      />
      {approval.dialogs}
    </SpaceBetween>
  );
}
