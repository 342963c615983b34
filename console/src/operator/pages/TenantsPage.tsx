/** Tenants: name, tier, model, status, created; activate/deactivate the selected tenant. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useState } from 'react';
import { errorText } from '../../shared/api';
import { formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { TenantStatus } from '../status';
import type { Tenant } from '../types';

export function TenantsPage({ client }: { client: OperatorClient }) {
  const tenants = useLoad((signal) => client.allTenants(signal), [client]);
  const [selected, setSelected] = useState<Tenant[]>([]);
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string }>();

  const items = (tenants.data ?? [])
    .filter(
      (t) =>
        !search.trim() ||
        [t.tenantName, t.tenantId, t.tier, t.status, t.companyName].some((v) =>
          v?.toLowerCase().includes(search.trim().toLowerCase()),
        ),
    )
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  const current = selected[0] ? (tenants.data ?? []).find((t) => t.tenantId === selected[0]?.tenantId) : undefined;

  const setActive = async (active: boolean) => {
    if (!current) return;
    setBusy(true);
    setMessage(undefined);
    try {
      await client.setTenantActive(current.tenantId, active);
      setMessage({ type: 'success', text: `${current.tenantName} is now ${active ? 'active' : 'inactive'}.` });
      tenants.reload(true);
    } catch (error) {
      setMessage({
        type: 'error',
        text: `Could not ${active ? 'activate' : 'deactivate'} ${current.tenantName}: ${errorText(error)}`,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <SpaceBetween size="m">
      {message && (
        <Alert type={message.type} dismissible onDismiss={() => setMessage(undefined)}>
          {message.text}
        </Alert>
      )}
      <Table<Tenant>
        variant="full-page"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Tenant selection',
          itemSelectionLabel: (_s, t) => `Select ${t.tenantName}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        trackBy="tenantId"
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={tenants.data ? `(${tenants.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh tenants" onClick={() => tenants.reload()} />
                <Button disabled={current?.status !== 'ACTIVE'} loading={busy} onClick={() => setActive(false)}>
                  Deactivate
                </Button>
                <Button disabled={current?.status !== 'INACTIVE'} loading={busy} onClick={() => setActive(true)}>
                  Activate
                </Button>
              </SpaceBetween>
            }
          >
            Tenants
          </Header>
        }
        filter={
          <TextFilter
            filteringText={search}
            onChange={({ detail }) => setSearch(detail.filteringText)}
            filteringPlaceholder="Search tenants"
            filteringAriaLabel="Search tenants"
          />
        }
        items={items}
        loading={tenants.loading}
        loadingText="Loading tenants"
        empty={
          <Box textAlign="center" padding="m">
            {tenants.error ? (
              <span role="alert">Could not load the tenants: {tenants.error}</span>
            ) : search ? (
              'No tenants match the search.'
            ) : (
              'No tenants yet. They appear here when they sign up at /signup.'
            )}
          </Box>
        }
        columnDefinitions={[
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
    </SpaceBetween>
  );
}
