/** Tenants: name, tier, model, status, created; activate/deactivate the selected tenant (deactivation confirmed). */
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { formatTime } from '../../shared/format';
import { ResourceTable } from '../../shared/ResourceTable';
import { follow } from '../../shared/router';
import { useConfirmedAction } from '../../shared/use-confirmed-action';
import { useFlash } from '../../shared/use-flash';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { TenantStatus } from '../status';
import type { Tenant } from '../types';

export function TenantsPage({ client }: { client: OperatorClient }) {
  const tenants = useLoad((signal) => client.allTenants(signal), [client]);
  const [selected, setSelected] = useState<Tenant[]>([]);
  const change = useConfirmedAction<Tenant>();
  const flash = useFlash();
  const current = selected[0] ? tenants.data?.find((t) => t.tenantId === selected[0]?.tenantId) : undefined;

  // Deactivation is confirmed (its users are locked out); activation is not.
  const setActive = (tenant: Tenant, active: boolean) =>
    change.run(async () => {
      await client.setTenantActive(tenant.tenantId, active);
      flash.success(`${tenant.tenantName} is now ${active ? 'active' : 'inactive'}.`);
      tenants.reload(true);
    }, tenant);

  return (
    <SpaceBetween size="m">
      {flash.alert}
      <ResourceTable<Tenant>
        title="Tenants"
        noun="tenants"
        loaded={tenants}
        trackBy="tenantId"
        refreshable
        sort={(a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '')}
        searchText={(t) => [t.tenantName, t.tenantId, t.tier, t.status, t.companyName]}
        selection={{ selected, onChange: setSelected, labelOf: (t) => t.tenantName }}
        actions={
          <>
            <Button disabled={current?.status !== 'ACTIVE'} onClick={() => current && change.ask(current)}>
              Deactivate
            </Button>
            <Button
              disabled={current?.status !== 'INACTIVE'}
              loading={change.busy && !change.target}
              onClick={() => current && setActive(current, true)}
            >
              Activate
            </Button>
          </>
        }
        empty="No tenants yet. They appear here when they sign up at /signup."
        columns={[
          {
            id: 'name',
            header: 'Name',
            cell: (t) => (
              <Link href={`/tenants/${encodeURIComponent(t.tenantId)}`} onFollow={follow}>
                {t.tenantName}
              </Link>
            ),
          },
          { id: 'tier', header: 'Tier', cell: (t) => t.tier },
          { id: 'model', header: 'Model', cell: (t) => t.deploymentModel },
          { id: 'status', header: 'Status', cell: (t) => <TenantStatus status={t.status} /> },
          { id: 'created', header: 'Created', cell: (t) => formatTime(t.createdAt) },
        ]}
      />
      {change.error && !change.target && <Alert type="error">{change.error}</Alert>}
      <ConfirmModal
        action={change}
        header={`Deactivate ${change.target?.tenantName ?? 'tenant'}?`}
        confirmText="Deactivate"
        onConfirm={() => change.target && setActive(change.target, false)}
      >
        Its users are refused on every call within a minute, and cannot sign in, until you activate it again.
      </ConfirmModal>
    </SpaceBetween>
  );
}
