/**
 * The commerce app: tenant name → tenant-config → sign-in against that tenant's user pool
 * (NEW_PASSWORD_REQUIRED handled) → products and orders on the tenant's API, and for tenant
 * admins the tenant's users and activity (its audit log) on the control-plane API. Pool and silo
 * tenants alike: everything comes from tenant-config.
 */
import Button from '@cloudscape-design/components/button';
import { useMemo, useState } from 'react';
import { AppShell } from '../shared/AppShell';
import { claimsOf } from '../shared/cognito';
import { loadConfig } from '../shared/config';
import { navigate, usePath } from '../shared/router';
import { SignInForm } from '../shared/SignInForm';
import { useSession } from '../shared/session';
import { useLoad } from '../shared/use-load';
import { ActivityPage } from './ActivityPage';
import { TenantClient, UsersClient } from './client';
import { OrdersPage } from './OrdersPage';
import { ProductsPage } from './ProductsPage';
import { TenantPicker } from './TenantPicker';
import type { TenantConfig } from './types';
import { UsersPage } from './UsersPage';

const TENANT_KEY = 'tenantflow.app.tenant';

function storedTenant(): TenantConfig | undefined {
  try {
    const raw = sessionStorage.getItem(TENANT_KEY);
    return raw ? (JSON.parse(raw) as TenantConfig) : undefined;
  } catch {
    return undefined;
  }
}

export function CommerceApp() {
  const requested = new URLSearchParams(location.search).get('tenant') ?? '';
  const [tenant, setTenantState] = useState<TenantConfig | undefined>(() => {
    const stored = storedTenant();
    return stored && (!requested || stored.tenantName === requested) ? stored : undefined;
  });
  const session = useSession('tenantflow.app.idToken');
  const { token } = session;
  const config = useLoad(() => loadConfig(), []);
  const path = usePath();

  const setTenant = (config: TenantConfig | undefined) => {
    if (config) sessionStorage.setItem(TENANT_KEY, JSON.stringify(config));
    else sessionStorage.removeItem(TENANT_KEY);
    setTenantState(config);
  };

  // A token from another tenant (another tab, an old session) is not used.
  const claims = token ? claimsOf(token) : undefined;
  const tokenFits = !!tenant && !!claims && claims['custom:tenantId'] === tenant.tenantId;
  const client = useMemo(
    () => (tenant && token && tokenFits ? new TenantClient(tenant.apiUrl, token) : undefined),
    [tenant, token, tokenFits],
  );
  const isAdmin = claims?.['custom:userRole'] === 'TenantAdmin';
  const controlPlaneApiUrl = config.data?.controlPlaneApiUrl;
  const users = useMemo(
    () => (isAdmin && token && controlPlaneApiUrl ? new UsersClient(controlPlaneApiUrl, token) : undefined),
    [isAdmin, token, controlPlaneApiUrl],
  );

  if (!tenant) return <TenantPicker initial={requested} onResolved={setTenant} />;
  if (!client) {
    return (
      <SignInForm
        title={`Sign in to ${tenant.tenantName}`}
        description={`${tenant.tier} tier`}
        notice={session.notice}
        signInWith="username"
        target={{ region: tenant.region, clientId: tenant.appClientId, endpoint: tenant.cognitoEndpoint }}
        onSignedIn={(idToken) => {
          if (claimsOf(idToken)['custom:tenantId'] !== tenant.tenantId)
            throw new Error(`This account does not belong to ${tenant.tenantName}.`);
          session.signIn(idToken);
        }}
        secondaryAction={
          <Button variant="link" onClick={() => setTenant(undefined)}>
            Another tenant
          </Button>
        }
      />
    );
  }

  // Users and Activity are for tenant admins only: a tenant user does not see them, and their
  // URLs show products.
  const sections = [
    { text: 'Products', href: '/app/products' },
    { text: 'Orders', href: '/app/orders' },
    ...(users
      ? [
          { text: 'Users', href: '/app/users' },
          { text: 'Activity', href: '/app/activity' },
        ]
      : []),
  ];
  const active = sections.find((section) => path.startsWith(section.href))?.href ?? '/app/products';
  return (
    <AppShell
      title={`${tenant.tenantName} store`}
      homeHref="/app/products"
      navHeader={tenant.tenantName}
      navItems={sections}
      activeHref={active}
      user={claims?.email ?? 'user'}
      userDescription={claims?.['custom:userRole'] ?? 'user'}
      menuItems={[
        { id: 'signout', text: 'Sign out' },
        { id: 'switch', text: 'Switch tenant' },
      ]}
      onMenuItem={(id) => {
        session.signOut();
        if (id === 'switch') setTenant(undefined);
        navigate('/app/', { replace: true });
      }}
    >
      {active === '/app/orders' ? (
        <OrdersPage client={client} />
      ) : active === '/app/users' && users ? (
        <UsersPage client={users} self={String(claims?.['cognito:username'] ?? '')} />
      ) : active === '/app/activity' && users ? (
        <ActivityPage client={users} tenantId={tenant.tenantId} />
      ) : (
        <ProductsPage client={client} />
      )}
    </AppShell>
  );
}
