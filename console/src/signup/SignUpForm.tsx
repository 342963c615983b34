/**
 * The sign-up form: labelled fields validated inline with the API's own rules, the tiers as
 * cards (limits and deployment model from the tier catalog), server-side errors on their field.
 */
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Tiles from '@cloudscape-design/components/tiles';
import { type FormEvent, useRef, useState } from 'react';
import { TIER_NAMES, TIERS } from '../../../contracts/tiers';
import { ApiError } from '../shared/api';
import {
  type FieldErrors,
  fieldErrorsOf,
  registrationBody,
  type SignUpValues,
  validateSignUp,
} from '../shared/validation';

export interface Accepted {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly email: string;
}

export interface SignUpFormProps {
  /** Posts the registration; resolves with the API's 202 body. */
  readonly register: (
    body: Record<string, string>,
    idempotencyKey: string,
  ) => Promise<{ registrationId: string; tenantId: string }>;
  readonly onAccepted: (accepted: Accepted) => void;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function tierDescription(tier: (typeof TIER_NAMES)[number]): string {
  const t = TIERS[tier];
  const model = t.deploymentModel === 'pool' ? 'Shared (pool) infrastructure' : 'Dedicated (silo) infrastructure';
  return `${model} · ${fmt(t.usagePlan.rateLimit)} requests/s, burst ${fmt(t.usagePlan.burstLimit)} · ${fmt(t.usagePlan.quotaPerDay)} requests/day`;
}

const EMPTY: SignUpValues = { tenantName: '', email: '', companyName: '', tier: 'BASIC' };

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function SignUpForm({ register, onAccepted }: SignUpFormProps) {
  const [values, setValues] = useState<SignUpValues>(EMPTY);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // One key per distinct body: a retried submission of the same form is the same registration.
  const key = useRef<{ body: string; key: string } | undefined>(undefined);

  const clientErrors = validateSignUp(values);
  const errorOf = (field: keyof SignUpValues) =>
    serverErrors[field] ?? (touched[field] ? clientErrors[field] : undefined);

  const set = (field: keyof SignUpValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };
  const blur = (field: keyof SignUpValues) => () => setTouched((t) => ({ ...t, [field]: true }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched({ tenantName: true, email: true, companyName: true, tier: true });
    setFormError(undefined);
    if (Object.keys(clientErrors).length > 0) {
      const first = Object.keys(clientErrors)[0];
      document.querySelector<HTMLElement>(`[data-field="${first}"] input`)?.focus();
      return;
    }
    const body = registrationBody(values);
    const serialized = JSON.stringify(body);
    if (key.current?.body !== serialized) key.current = { body: serialized, key: newKey() };
    setBusy(true);
    try {
      const accepted = await register(body, key.current.key);
      onAccepted({ ...accepted, tenantName: body.tenantName as string, email: body.email as string });
    } catch (error) {
      if (error instanceof ApiError && error.fieldErrors.length > 0) {
        setServerErrors(fieldErrorsOf(error.fieldErrors));
        setFormError('Please correct the highlighted fields.');
      } else if (error instanceof ApiError && error.status === 409) {
        setServerErrors({ tenantName: `${error.message}. Choose another name.` });
        setFormError('Please correct the highlighted fields.');
      } else if (error instanceof ApiError && error.status === 501) {
        setFormError(`${error.message} Choose another tier for now.`);
      } else {
        setFormError(error instanceof Error ? error.message : 'Sign-up failed.');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Sign up">
      <Form
        header={
          <Header
            variant="h1"
            description="Create your organization's tenant. We email the administrator a temporary password when it is ready."
          >
            Sign up for tenantflow
          </Header>
        }
        errorText={formError}
        errorIconAriaLabel="Error"
        actions={
          <Button variant="primary" formAction="submit" loading={busy}>
            Create tenant
          </Button>
        }
      >
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Your organization</Header>}>
            <SpaceBetween size="l">
              <FormField
                label="Tenant name"
                data-field="tenantName"
                errorText={errorOf('tenantName')}
                constraintText="3 to 40 characters: a-z, 0-9 and '-'. Part of your sign-in address; unique."
              >
                <Input
                  value={values.tenantName}
                  onChange={({ detail }) => set('tenantName')(detail.value)}
                  onBlur={blur('tenantName')}
                  autoFocus
                  autoComplete="off"
                  spellcheck={false}
                />
              </FormField>
              <FormField
                label="Administrator email"
                data-field="email"
                errorText={errorOf('email')}
                description="The first administrator signs in with this address."
              >
                <Input
                  type="email"
                  value={values.email}
                  onChange={({ detail }) => set('email')(detail.value)}
                  onBlur={blur('email')}
                  autoComplete="email"
                />
              </FormField>
              <FormField
                label={
                  <span>
                    Company name <i>- optional</i>
                  </span>
                }
                data-field="companyName"
                errorText={errorOf('companyName')}
              >
                <Input
                  value={values.companyName}
                  onChange={({ detail }) => set('companyName')(detail.value)}
                  onBlur={blur('companyName')}
                  autoComplete="organization"
                />
              </FormField>
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Tier</Header>}>
            <FormField label="Tier" data-field="tier" errorText={errorOf('tier')} stretch>
              <Tiles
                value={values.tier}
                onChange={({ detail }) => set('tier')(detail.value)}
                columns={2}
                ariaLabel="Tier"
                items={TIER_NAMES.map((tier) => ({
                  value: tier,
                  label: tier.charAt(0) + tier.slice(1).toLowerCase(),
                  description: tierDescription(tier),
                }))}
              />
            </FormField>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
}
