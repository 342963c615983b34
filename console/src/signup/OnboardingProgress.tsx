/**
 * Live onboarding progress: polls GET /registrations/{id} until it succeeds or is rejected (slower
 * while it waits for an operator's approval, and after a failure, in case an operator retries it).
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { useEffect, useState } from 'react';
import { ONBOARDING_STATES } from '../../../contracts/onboarding-states';
import { errorText } from '../shared/api';
import { phaseOf, pollDelayMs, type Registration, rejectionOf, shownSteps, stepLabel } from './registration-progress';
import type { Accepted } from './SignUpForm';

const STATUS: Record<string, { type: StatusIndicatorProps.Type; text: string }> = {
  SUCCEEDED: { type: 'success', text: 'Done' },
  FAILED: { type: 'error', text: 'Failed' },
  IN_PROGRESS: { type: 'in-progress', text: 'In progress' },
  PENDING: { type: 'pending', text: 'Waiting' },
};

const HEADINGS = {
  'in-progress': 'Setting up your tenant…',
  'awaiting-approval': 'Waiting for approval',
  succeeded: 'Your tenant is ready',
  rejected: 'Your sign-up was not approved',
  failed: 'Onboarding failed',
} as const;

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
      let delay: number | undefined = 1000;
      try {
        const current = await load(accepted.registrationId);
        if (stopped) return;
        setRegistration(current);
        setError(undefined);
        delay = pollDelayMs(phaseOf(current));
        if (delay === undefined) return;
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
  const shown = registration ? shownSteps(registration) : [];
  const phase = registration ? phaseOf(registration) : 'in-progress';
  const failed = steps.find((s) => s.status === 'FAILED');
  const loginHref = `/app/?tenant=${encodeURIComponent(accepted.tenantName)}`;

  return (
    <SpaceBetween size="l">
      <Header variant="h1" description={`Tenant ${accepted.tenantName}`}>
        {HEADINGS[phase]}
      </Header>
      {phase === 'awaiting-approval' && (
        <Alert type="info" header={`The ${registration?.tier ?? ''} tier needs an operator's approval`}>
          Nothing is created for your tenant until an operator approves it. We will email {accepted.email} either way.
          This page keeps checking and continues by itself once it is approved.
        </Alert>
      )}
      {phase === 'rejected' && registration && (
        <Alert type="error" header="An operator did not approve this sign-up">
          <SpaceBetween size="xs">
            <Box data-testid="rejection-reason" fontWeight="bold">
              {rejectionOf(registration)}
            </Box>
            <Box>
              Nothing was created for it, and the name {accepted.tenantName} is free to use again: you may sign up
              again.
            </Box>
          </SpaceBetween>
        </Alert>
      )}
      {phase === 'succeeded' && (
        <Alert type="success" header="All set">
          We emailed a temporary password to {accepted.email}.{' '}
          <Link href={loginHref}>Sign in to {accepted.tenantName}</Link> with that address and choose your own password.
        </Alert>
      )}
      {phase === 'failed' && (
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
              const waitingHere = step?.status === 'IN_PROGRESS' && name === ONBOARDING_STATES.awaitApproval;
              const status = (waitingHere
                ? { type: 'pending' as const, text: 'Waiting for an operator' }
                : STATUS[step?.status ?? (registration.status === 'FAILED' ? 'NONE' : 'PENDING')]) ?? {
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
