import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';

type Look = { type: StatusIndicatorProps.Type; text: string };

const EXECUTION: Record<string, Look> = {
  RUNNING: { type: 'in-progress', text: 'Running' },
  SUCCEEDED: { type: 'success', text: 'Succeeded' },
  FAILED: { type: 'error', text: 'Failed' },
  ABORTED: { type: 'stopped', text: 'Stopped' },
  TIMED_OUT: { type: 'error', text: 'Timed out' },
  PENDING_REDRIVE: { type: 'pending', text: 'Pending redrive' },
};

const TENANT: Record<string, Look> = {
  AWAITING_APPROVAL: { type: 'pending', text: 'Awaiting approval' },
  ACTIVE: { type: 'success', text: 'Active' },
  INACTIVE: { type: 'stopped', text: 'Inactive' },
  ONBOARDING: { type: 'in-progress', text: 'Onboarding' },
  FAILED: { type: 'error', text: 'Onboarding failed' },
};

/** A tenant's deployment in a release, and a wave of it. */
const DEPLOYMENT: Record<string, Look> = {
  PENDING: { type: 'pending', text: 'Waiting' },
  IN_PROGRESS: { type: 'in-progress', text: 'Deploying' },
  UPDATED: { type: 'success', text: 'Updated' },
  UNCHANGED: { type: 'success', text: 'Unchanged' },
  FAILED: { type: 'error', text: 'Failed' },
  SKIPPED: { type: 'warning', text: 'Skipped' },
  NOT_DEPLOYED: { type: 'stopped', text: 'Not deployed' },
  DONE: { type: 'success', text: 'Done' },
};

function Status({ looks, status }: { looks: Record<string, Look>; status: string }) {
  const s = looks[status] ?? { type: 'info' as const, text: status };
  return <StatusIndicator type={s.type}>{s.text}</StatusIndicator>;
}

export const ExecutionStatus = ({ status }: { status: string }) => <Status looks={EXECUTION} status={status} />;
export const TenantStatus = ({ status }: { status: string }) => <Status looks={TENANT} status={status} />;
export const DeploymentStatus = ({ status }: { status: string }) => <Status looks={DEPLOYMENT} status={status} />;
