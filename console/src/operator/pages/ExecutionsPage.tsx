import { navigate } from '../../shared/router';
import type { OperatorClient } from '../client';
import { ExecutionsTable } from './ExecutionsTable';

export function ExecutionsPage({ client }: { client: OperatorClient }) {
  const initialStatus = new URLSearchParams(location.search).get('status') ?? '';
  return (
    <ExecutionsTable
      client={client}
      initialStatus={initialStatus}
      onStatusChange={(status) => navigate(status ? `/executions?status=${status}` : '/executions', { replace: true })}
    />
  );
}
