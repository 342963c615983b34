/** Live onboarding progress: polls GET /registrations/{id} until it finishes (and slower after a failure, in case an operator retries it). */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { useEffect, useState } from 'react';
import { POOL_ONBOARDING_TASKS, SILO_ONBOARDING_TASKS } from '../../../contracts/onboarding-states';
import { isTierName, TIERS } from '../../../contracts/tiers';
import { errorText } from '../shared/api';
import type { Accepted } from './SignUpForm';

export interface Registration {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: string;
  readonly status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'AWAITING_APPROVAL';
  readonly steps: readonly { name: string; status: string; startedAt: string; endedAt?: string; error?: string }[];
}

/** The steps of the tenant's tier in order, so the ones not started yet can be shown as pending. */
export function expectedSteps(tier: string): readonly string[] {
  return isTierName(tier) && TIERS[tier].deploymentModel === 'silo' ? SILO_ONBOARDING_TASKS : POOL_ONBOARDING_TASKS;
}

const STEP_LABELS: Record<string, string> = {
  ValidateRegistration: 'Check the registration',
  StoreTenant: 'Store the tenant',
  CreateTenantAdmin: 'Create the administrator',
  CreateTenantUserPool: 'Create the user pool',
  CreateTenantAppClient: 'Create the app client',
  CreateApiKey: 'Issue the API key',
  WriteStackMapping: 'Map the tenant to its stack',
  DeployTenantStack: 'Deploy the tenant stack',
  SendWelcomeMail: 'Send the welcome email',
  ActivateTenant: 'Activate the tenant',
};

export const stepLabel = (name: string) => STEP_LABELS[name] ?? name;

const STATUS: Record<string, { type: StatusIndicatorProps.Type; text: string }> = {
  SUCCEEDED: { type: 'success', text: 'Done' },
  FAILED: { type: 'error', text: 'Failed' },
  IN_PROGRESS: { type: 'in-progress', text: 'In progress' },
  PENDING: { type: 'pending', text: 'Waiting' },
};

export function OnboardingProgress({
  accepted,
  load,
}: {
  accepted: Accepted;
  load: (id: string) => Promise<Registration>;
}) {
  const [registration, setRegistration] = useState<Registration>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      let delay = 1000;
      try {
        const current = await load(accepted.registrationId);
        if (stopped) return;
        setRegistration(current);
        setError(undefined);
        if (current.status === 'SUCCEEDED') return;
        if (current.status === 'FAILED') delay = 5000;
      } catch (e) {
        if (stopped) return;
        setError(errorText(e));
        delay = 3000;
      }
      timer = setTimeout(poll, delay);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [accepted.registrationId, load]);

  const steps = registration?.steps ?? [];
  const shown = [
    ...steps.map((s) => s.name),
    ...expectedSteps(registration?.tier ?? '').filter((name) => !steps.some((s) => s.name === name)),
  ];
  const failed = steps.find((s) => s.status === 'FAILED');
  const loginHref = `/app/?tenant=${encodeURIComponent(accepted.tenantName)}`;

  return (
    <SpaceBetween size="l">
      <Header variant="h1" description={`Tenant ${accepted.tenantName}`}>
        {registration?.status === 'SUCCEEDED'
          ? 'Your tenant is ready'
          : registration?.status === 'FAILED'
            ? 'Onboarding failed'
            : 'Setting up your tenant…'}
      </Header>
      {registration?.status === 'SUCCEEDED' && (
        <Alert type="success" header="All set">
          We emailed a temporary password to {accepted.email}.{' '}
          <Link href={loginHref}>Sign in to {accepted.tenantName}</Link> with that address and choose your own password.
        </Alert>
      )}
      {registration?.status === 'FAILED' && (
        <Alert type="error" header={failed ? `The step “${stepLabel(failed.name)}” failed` : 'Onboarding failed'}>
          {failed?.error ? `Reason: ${failed.error}. ` : ''}Nothing more is needed from you: our operators have been
          notified and can retry the failed step. This page keeps checking and updates when it succeeds.
        </Alert>
      )}
      {error && <Alert type="warning">Could not refresh the progress: {error}</Alert>}
      <Container header={<Header variant="h2">Onboarding steps</Header>}>
        {registration ? (
          <ol className="tf-steps" aria-label="Onboarding steps">
            {shown.map((name) => {
              const step = steps.find((s) => s.name === name);
              const status = STATUS[step?.status ?? (registration.status === 'FAILED' ? 'NONE' : 'PENDING')] ?? {
                type: 'stopped' as const,
                text: 'Not run',
              };
              return (
                <li key={name} data-step={name} data-status={step?.status ?? 'PENDING'}>
                  <SpaceBetween direction="horizontal" size="xs">
                    <Box fontWeight="bold">{stepLabel(name)}</Box>
                    <StatusIndicator type={status.type}>{status.text}</StatusIndicator>
                  </SpaceBetween>
                  {step?.error && (
                    <Box color="text-status-error" fontSize="body-s">
                      {step.error}
                    </Box>
                  )}
                </li>
              );
            })}
          </ol>
        ) : (
          <StatusIndicator type="loading">Loading progress</StatusIndicator>
        )}
      </Container>
    </SpaceBetween>
  );
}
