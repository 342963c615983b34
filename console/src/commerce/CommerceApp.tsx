/**
 * The commerce app: tenant name → tenant-config → sign-in against that tenant's user pool
 * (NEW_PASSWORD_REQUIRED handled) → products and orders on the tenant's API. Pool and silo
 * tenants alike: everything comes from tenant-config.
 */
import Alert from '@cloudscape-design/components/alert';
import AppLayout from '@cloudscape-design/components/app-layout';
import Button from '@cloudscape-design/components/button';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { useEffect, useMemo, useState } from 'react';
import { setUnauthorizedHandler } from '../shared/api';
import { claimsOf } from '../shared/cognito';
import { follow, navigate, usePath } from '../shared/router';
import { SignInForm } from '../shared/SignInForm';
import { useStoredToken } from '../shared/session';
import { TenantClient } from './client';
import { OrdersPage } from './OrdersPage';
import { ProductsPage } from './ProductsPage';
import { TenantPicker } from './TenantPicker';
import type { TenantConfig } from './types';

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
  const [token, setToken] = useStoredToken('tenantflow.app.idToken');
  const [notice, setNotice] = useState<string>();
  const path = usePath();

  const setTenant = (config: TenantConfig | undefined) => {
    if (config) sessionStorage.setItem(TENANT_KEY, JSON.stringify(config));
    else sessionStorage.removeItem(TENANT_KEY);
    setTenantState(config);
  };

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(undefined);
      setNotice('Your session has expired. Sign in again.');
    });
    return () => setUnauthorizedHandler(undefined);
  }, [setToken]);

  // A token from another tenant (another tab, an old session) is not used.
  const claims = token ? claimsOf(token) : undefined;
  const tokenFits = !!tenant && !!claims && claims['custom:tenantId'] === tenant.tenantId;
  const client = useMemo(
    () => (tenant && token && tokenFits ? new TenantClient(tenant.apiUrl, token) : undefined),
    [tenant, token, tokenFits],
  );

  if (!tenant) return <TenantPicker initial={requested} onResolved={setTenant} />;
  if (!client) {
    return (
      <main>
        {notice && (
          <div className="tf-narrow">
            <Alert type="info">{notice}</Alert>
          </div>
        )}
        <SignInForm
          title={`Sign in to ${tenant.tenantName}`}
          description={`${tenant.tier} tier`}
          target={{ region: tenant.region, clientId: tenant.appClientId, endpoint: tenant.cognitoEndpoint }}
          onSignedIn={(idToken) => {
            if (claimsOf(idToken)['custom:tenantId'] !== tenant.tenantId)
              throw new Error(`This account does not belong to ${tenant.tenantName}.`);
            setNotice(undefined);
            setToken(idToken);
          }}
          secondaryAction={
            <Button variant="link" onClick={() => setTenant(undefined)}>
              Another tenant
            </Button>
          }
        />
      </main>
    );
  }

  const role = claims?.['custom:userRole'] ?? 'user';
  const active = path.startsWith('/app/orders') ? '/app/orders' : '/app/products';
  return (
    <>
      <div id="tf-top">
        <TopNavigation
          identity={{ href: '/app/products', title: `${tenant.tenantName} store`, onFollow: follow }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: claims?.email ?? 'user',
              description: role,
              iconName: 'user-profile',
              items: [
                { id: 'signout', text: 'Sign out' },
                { id: 'switch', text: 'Switch tenant' },
              ],
              onItemClick: ({ detail }) => {
                setToken(undefined);
                if (detail.id === 'switch') setTenant(undefined);
                navigate('/app/', { replace: true });
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#tf-top"
        toolsHide
        navigation={
          <SideNavigation
            header={{ href: '/app/products', text: tenant.tenantName }}
            activeHref={active}
            onFollow={follow}
            items={[
              { type: 'link', text: 'Products', href: '/app/products' },
              { type: 'link', text: 'Orders', href: '/app/orders' },
            ]}
          />
        }
        content={active === '/app/orders' ? <OrdersPage client={client} /> : <ProductsPage client={client} />}
      />
    </>
  );
}
