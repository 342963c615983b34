/** The operator console: sign-in with the operator pool, then dashboard, approvals, executions, releases, tenants and the audit log. */
import Alert from '@cloudscape-design/components/alert';
import Spinner from '@cloudscape-design/components/spinner';
import { useMemo } from 'react';
import { AppShell } from '../shared/AppShell';
import { claimsOf } from '../shared/cognito';
import { loadConfig } from '../shared/config';
import { navigate, usePath } from '../shared/router';
import { SignInForm } from '../shared/SignInForm';
import { useSession } from '../shared/session';
import { useLoad } from '../shared/use-load';
import { OperatorClient } from './client';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AuditPage } from './pages/AuditPage';
import { Dashboard } from './pages/Dashboard';
import { ExecutionDetailPage } from './pages/ExecutionDetailPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { ReleaseDetailPage } from './pages/ReleaseDetailPage';
import { ReleasesPage } from './pages/ReleasesPage';
import { TenantDetailPage } from './pages/TenantDetailPage';
import { TenantsPage } from './pages/TenantsPage';
import { TenantLogsPage } from './telemetry/TenantLogsPage';
import { TracePage } from './telemetry/TracePage';

const SECTIONS = [
  { text: 'Dashboard', href: '/' },
  { text: 'Approvals', href: '/approvals' },
  { text: 'Executions', href: '/executions' },
  { text: 'Releases', href: '/releases' },
  { text: 'Tenants', href: '/tenants' },
  { text: 'Audit log', href: '/audit' },
];

function Page({ path, client }: { path: string; client: OperatorClient }) {
  const execution = /^\/executions\/([^/]+)\/?$/.exec(path);
  if (execution)
    return <ExecutionDetailPage client={client} executionId={decodeURIComponent(execution[1] as string)} />;
  const release = /^\/releases\/([^/]+)\/?$/.exec(path);
  if (release) return <ReleaseDetailPage client={client} releaseId={decodeURIComponent(release[1] as string)} />;
  const trace = /^\/traces\/([^/]+)\/?$/.exec(path);
  if (trace) return <TracePage client={client} traceId={decodeURIComponent(trace[1] as string)} />;
  const tenantLogs = /^\/tenants\/([^/]+)\/logs\/?$/.exec(path);
  if (tenantLogs)
    return (
      <TenantLogsPage client={client} tenantId={decodeURIComponent(tenantLogs[1] as string)} search={location.search} />
    );
  const tenant = /^\/tenants\/([^/]+)\/?$/.exec(path);
  if (tenant) return <TenantDetailPage client={client} tenantId={decodeURIComponent(tenant[1] as string)} />;
  if (/^\/approvals\/?$/.test(path)) return <ApprovalsPage client={client} />;
  if (/^\/executions\/?$/.test(path)) return <ExecutionsPage client={client} />;
  if (/^\/releases\/?$/.test(path)) return <ReleasesPage client={client} />;
  if (/^\/tenants\/?$/.test(path)) return <TenantsPage client={client} />;
  if (/^\/audit\/?$/.test(path)) return <AuditPage client={client} search={location.search} />;
  if (path === '/' || path === '') return <Dashboard client={client} />;
  return (
    <Alert type="warning" header="Page not found">
      There is no page at {path}. Use the navigation to find your way.
    </Alert>
  );
}

export function OperatorApp() {
  const config = useLoad(() => loadConfig(), []);
  const session = useSession('tenantflow.operator.idToken');
  const { token } = session;
  const path = usePath();

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
      <SignInForm
        title="Operator sign-in"
        description="tenantflow operator console"
        notice={session.notice}
        target={{ region: cfg.region, clientId: cfg.operatorClientId, endpoint: cfg.cognitoEndpoint }}
        onSignedIn={(idToken) => {
          if (claimsOf(idToken)['custom:userRole'] !== 'SystemAdmin')
            throw new Error('This account is not an operator.');
          session.signIn(idToken);
        }}
      />
    );
  }

  const active = SECTIONS.findLast((section) => path.startsWith(section.href))?.href ?? '/';
  return (
    <AppShell
      title="tenantflow operator console"
      homeHref="/"
      navHeader="Operations"
      navItems={SECTIONS}
      activeHref={active}
      user={claimsOf(token).email ?? 'operator'}
      menuItems={[{ id: 'signout', text: 'Sign out' }]}
      onMenuItem={() => {
        session.signOut();
        navigate('/', { replace: true });
      }}
    >
      <Page path={path} client={client} />
    </AppShell>
  );
}
