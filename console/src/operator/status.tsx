import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';

const EXECUTION: Record<string, { type: StatusIndicatorProps.Type; text: string }> = {
  RUNNING: { type: 'in-progress', text: 'Running' },
  SUCCEEDED: { type: 'success', text: 'Succeeded' },
  FAILED: { type: 'error', text: 'Failed' },
  ABORTED: { type: 'stopped', text: 'Stopped' },
  TIMED_OUT: { type: 'error', text: 'Timed out' },
  PENDING_REDRIVE: { type: 'pending', text: 'Pending redrive' },
};

const TENANT: Record<string, { type: StatusIndicatorProps.Type; text: string }> = {
  ACTIVE: { type: 'success', text: 'Active' },
  INACTIVE: { type: 'stopped', text: 'Inactive' },
  ONBOARDING: { type: 'in-progress', text: 'Onboarding' },
  FAILED: { type: 'error', text: 'Onboarding failed' },
};

export function ExecutionStatus({ status }: { status: string }) {
  const s = EXECUTION[status] ?? { type: 'info' as const, text: status };
  return <StatusIndicator type={s.type}>{s.text}</StatusIndicator>;
}

export function TenantStatus({ status }: { status: string }) {
  const s = TENANT[status] ?? { type: 'info' as const, text: status };
  return <StatusIndicator type={s.type}>{s.text}</StatusIndicator>;
}
