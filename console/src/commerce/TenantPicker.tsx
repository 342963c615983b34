/** Step one of the commerce app: which tenant (its name resolves to its user pool and API). */
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText, request } from '../shared/api';
import { loadConfig } from '../shared/config';
import type { TenantConfig } from './types';

export function TenantPicker({ initial, onResolved }: { initial: string; onResolved: (config: TenantConfig) => void }) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const tenantName = name.trim();
    if (!tenantName) return setError('Enter your tenant name.');
    setBusy(true);
    setError(undefined);
    try {
      const console = await loadConfig();
      const config = await request<TenantConfig>(
        console.controlPlaneApiUrl,
        'GET',
        `/tenant-config/${encodeURIComponent(tenantName)}`,
      );
      if (config.status !== 'ACTIVE')
        setError(
          `The tenant ${config.tenantName} is not active (status ${config.status}). Contact your administrator.`,
        );
      else onResolved(config);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 404
          ? `There is no tenant named “${tenantName}”. Check the name in your welcome email.`
          : errorText(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="tf-narrow">
      <form onSubmit={submit} noValidate aria-label="Choose your tenant">
        <Form
          header={
            <Header variant="h1" description="Sign in to your organization's store.">
              tenantflow store
            </Header>
          }
          actions={
            <Button variant="primary" formAction="submit" loading={busy}>
              Continue
            </Button>
          }
          secondaryActions={<Link href="/signup/">Sign up a new tenant</Link>}
        >
          <Container>
            <FormField label="Tenant name" errorText={error} description="The name your organization signed up with.">
              <Input
                value={name}
                onChange={({ detail }) => setName(detail.value)}
                autoFocus
                autoComplete="organization"
                spellcheck={false}
              />
            </FormField>
          </Container>
        </Form>
      </form>
    </main>
  );
}
