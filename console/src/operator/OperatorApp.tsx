/** The operator console: sign-in with the operator pool, then dashboard, executions and tenants. */
import Alert from '@cloudscape-design/components/alert';
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { useEffect, useMemo, useState } from 'react';
import { setUnauthorizedHandler } from '../shared/api';
import { claimsOf } from '../shared/cognito';
import { loadConfig } from '../shared/config';
import { follow, navigate, usePath } from '../shared/router';
import { SignInForm } from '../shared/SignInForm';
import { useStoredToken } from '../shared/session';
import { useLoad } from '../shared/use-load';
import { OperatorClient } from './client';
import { Dashboard } from './pages/Dashboard';
import { ExecutionDetailPage } from './pages/ExecutionDetailPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { TenantDetailPage } from './pages/TenantDetailPage';
import { TenantsPage } from './pages/TenantsPage';

function Page({ path, client }: { path: string; client: OperatorClient }) {
  const execution = /^\/executions\/([^/]+)\/?$/.exec(path);
  if (execution)
    return <ExecutionDetailPage client={client} executionId={decodeURIComponent(execution[1] as string)} />;
  const tenant = /^\/tenants\/([^/]+)\/?$/.exec(path);
  if (tenant) return <TenantDetailPage client={client} tenantId={decodeURIComponent(tenant[1] as string)} />;
  if (/^\/executions\/?$/.test(path)) return <ExecutionsPage client={client} />;
  if (/^\/tenants\/?$/.test(path)) return <TenantsPage client={client} />;
  if (path === '/' || path === '') return <Dashboard client={client} />;
  return (
    <Alert type="warning" header="Page not found">
      There is no page at {path}. Use the navigation to find your way.
    </Alert>
  );
}

export function OperatorApp() {
  const config = useLoad(() => loadConfig(), []);
  const [token, setToken] = useStoredToken('tenantflow.operator.idToken');
  const [notice, setNotice] = useState<string>();
  const path = usePath();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(undefined);
      setNotice('Your session has expired. Sign in again.');
    });
    return () => setUnauthorizedHandler(undefined);
  }, [setToken]);

  const client = useMemo(
    () => (config.data && token ? new OperatorClient(config.data.controlPlaneApiUrl, token) : undefined),
    [config.data, token],
  );

  if (config.loading) return <Spinner size="large" />;
  if (config.error || !config.data) {
    return (
      <div className="tf-narrow">
        <Alert type="error" header="The console cannot start">
          {config.error}
        </Alert>
      </div>
    );
  }
  const cfg = config.data;
  if (!token || !client) {
    return (
      <main>
        {notice && (
          <div className="tf-narrow">
            <Alert type="info">{notice}</Alert>
          </div>
        )}
        <SignInForm
          title="Operator sign-in"
          description="tenantflow operator console"
          target={{ region: cfg.region, clientId: cfg.operatorClientId, endpoint: cfg.cognitoEndpoint }}
          onSignedIn={(idToken) => {
            if (claimsOf(idToken)['custom:userRole'] !== 'SystemAdmin')
              throw new Error('This account is not an operator.');
            setNotice(undefined);
            setToken(idToken);
          }}
        />
      </main>
    );
  }

  const email = claimsOf(token).email ?? 'operator';
  const active = path.startsWith('/executions') ? '/executions' : path.startsWith('/tenants') ? '/tenants' : '/';
  return (
    <>
      <div id="tf-top">
        <TopNavigation
          identity={{ href: '/', title: 'tenantflow operator console', onFollow: follow }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: email,
              iconName: 'user-profile',
              items: [{ id: 'signout', text: 'Sign out' }],
              onItemClick: ({ detail }) => {
                if (detail.id === 'signout') {
                  setToken(undefined);
                  navigate('/', { replace: true });
                }
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
            header={{ href: '/', text: 'Operations' }}
            activeHref={active}
            onFollow={follow}
            items={[
              { type: 'link', text: 'Dashboard', href: '/' },
              { type: 'link', text: 'Executions', href: '/executions' },
              { type: 'link', text: 'Tenants', href: '/tenants' },
            ]}
          />
        }
        content={<Page path={path} client={client} />}
      />
    </>
  );
}
