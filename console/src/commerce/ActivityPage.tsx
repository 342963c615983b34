/**
 * A tenant admin's view of their tenant's audit log: what was done to the tenant and by its
 * administrators (user changes; an operator's activation or deactivation), newest first.
 */
import { AuditTable } from '../shared/AuditTable';
import type { UsersClient } from './client';

export function ActivityPage({ client, tenantId }: { client: UsersClient; tenantId: string }) {
  return (
    <AuditTable
      source={client}
      query={{ tenantId }}
      title="Activity"
      empty="Nothing recorded in the last 30 days. Creating, disabling or enabling a user appears here."
    />
  );
}
