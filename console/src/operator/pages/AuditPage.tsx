/**
 * The audit log: who did what to which tenant, newest first, filtered by tenant and period (the
 * filters are applied together, and kept in the URL: `/audit?tenantId&from&to`). The API's 400
 * field errors show on the filter that caused them.
 */
import Button from '@cloudscape-design/components/button';
import DateInput from '@cloudscape-design/components/date-input';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useCallback, useState } from 'react';
import { AuditTable } from '../../shared/AuditTable';
import type { FieldError } from '../../shared/api';
import { type AuditQuery, filterErrorsOf } from '../../shared/audit';
import type { OperatorClient } from '../client';

/** The filters named in a query string (`?tenantId&from&to`). */
function queryOf(search: string): Required<AuditQuery> {
  const params = new URLSearchParams(search);
  return { tenantId: params.get('tenantId') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
}

const tenantHref = (tenantId: string) => `/tenants/${encodeURIComponent(tenantId)}`;

export function AuditPage({ client, search }: { client: OperatorClient; search: string }) {
  const [draft, setDraft] = useState(() => queryOf(search));
  const [applied, setApplied] = useState(draft);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const onFieldErrors = useCallback((fields: readonly FieldError[]) => setErrors(filterErrorsOf(fields)), []);
  const set = (field: keyof AuditQuery) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  const apply = (query: Required<AuditQuery>) => {
    setDraft(query);
    setApplied(query);
    const params = `${new URLSearchParams(Object.entries(query).filter(([, value]) => value.trim()))}`;
    // The URL keeps the filters (a link to share, a reload that shows the same), without a navigation.
    history.replaceState(null, '', params ? `/audit?${params}` : '/audit');
  };

  return (
    <AuditTable
      source={client}
      query={applied}
      title="Audit log"
      tenantHref={tenantHref}
      onFieldErrors={onFieldErrors}
      empty={
        applied.tenantId || applied.from || applied.to
          ? 'No audit entries match the filters.'
          : 'No audit entries in the last 30 days. Approvals, redrives, activations and user changes appear here.'
      }
      filters={
        <form
          aria-label="Audit log filters"
          onSubmit={(event) => {
            event.preventDefault();
            apply(draft);
          }}
        >
          <SpaceBetween direction="horizontal" size="s" alignItems="end">
            <FormField label="Tenant id" errorText={errors.tenantId}>
              <Input
                value={draft.tenantId}
                onChange={({ detail }) => set('tenantId')(detail.value)}
                placeholder="Every tenant"
                spellcheck={false}
                autoComplete={false}
              />
            </FormField>
            <FormField label="From" errorText={errors.from} constraintText="Default: 30 days ago">
              <DateInput
                value={draft.from}
                onChange={({ detail }) => set('from')(detail.value)}
                placeholder="YYYY/MM/DD"
              />
            </FormField>
            <FormField label="To" errorText={errors.to} constraintText="Default: today">
              <DateInput value={draft.to} onChange={({ detail }) => set('to')(detail.value)} placeholder="YYYY/MM/DD" />
            </FormField>
            <Button variant="primary">Apply filters</Button>
            <Button formAction="none" onClick={() => apply({ tenantId: '', from: '', to: '' })}>
              Clear
            </Button>
          </SpaceBetween>
        </form>
      }
    />
  );
}
