import { useCallback, useState } from 'react';
import { request } from '../shared/api';
import { loadConfig } from '../shared/config';
import { OnboardingProgress } from './OnboardingProgress';
import type { Registration } from './registration-progress';
import { type Accepted, SignUpForm } from './SignUpForm';

export function SignUpApp() {
  const [accepted, setAccepted] = useState<Accepted>();

  const register = useCallback(async (body: Record<string, string>, idempotencyKey: string) => {
    const config = await loadConfig();
    return request<{ registrationId: string; tenantId: string }>(config.controlPlaneApiUrl, 'POST', '/registrations', {
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
  }, []);
  const load = useCallback(async (id: string) => {
    const config = await loadConfig();
    return request<Registration>(config.controlPlaneApiUrl, 'GET', `/registrations/${encodeURIComponent(id)}`);
  }, []);

  return (
    <main className="tf-page">
      {accepted ? (
        <OnboardingProgress accepted={accepted} load={load} />
      ) : (
        <SignUpForm register={register} onAccepted={setAccepted} />
      )}
    </main>
  );
}
