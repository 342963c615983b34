/**
 * Fakes for the onboarding steps' unit tests: AWS SDK clients that answer commands in memory,
 * AWS-shaped errors, the steps' environment and two registrations (pooled and silo).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { OnboardingState } from '../../../functions/onboarding-steps/step';
import type { LifecycleEvent, LifecycleEventPublisher } from '../../../functions/shared/lifecycle-events';

/** A command as the fake received it: its name (`getApiKeys` for GetApiKeysCommand) and its input. */
export interface SentCommand {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** Answers one kind of command; may throw, as AWS would. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads the fields of the command input it answers.
export type Answer = (input: any) => unknown;

/** A fake AWS SDK v3 client; it fits every `Client<…>` dependency of the steps. */
export interface FakeClient {
  /** Every command sent, in order. */
  readonly sent: SentCommand[];
  /** The inputs of the commands of this name, in order. */
  inputsOf(command: string): Record<string, unknown>[];
  send(command: { readonly input: object }): Promise<never>;
}

/**
 * A fake client answering each command by its name: the command's class without `Command`, as
 * the SDK's aggregated clients name the call (`getApiKeys` answers GetApiKeysCommand, `update`
 * UpdateCommand). A command without an answer fails the step, so a test sees every call it did
 * not arrange.
 */
export function fakeClient(answers: Readonly<Record<string, Answer>> = {}): FakeClient {
  const sent: SentCommand[] = [];
  return {
    sent,
    inputsOf: (command) => sent.filter((s) => s.command === command).map((s) => s.input),
    async send(command) {
      const name = command.constructor.name.replace(/^./, (c) => c.toLowerCase()).replace(/Command$/, '');
      sent.push({ command: name, input: command.input as Record<string, unknown> });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return (await answer(command.input)) as never;
    },
  };
}

/** An error as the AWS SDK throws it: its name is the service's error code. */
export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/** A throttled call: the kind of error a step must turn into TransientStepError. */
export const throttled = () => awsError('ThrottlingException', 'Rate exceeded');

/** A conditional write DynamoDB refused. */
export const conditionFailed = () => awsError('ConditionalCheckFailedException', 'The conditional request failed');

/** The onboarding steps' environment, as the control-plane stack sets it. */
export const STEP_ENV = {
  TENANT_DETAILS_TABLE: 'TenantDetails',
  TENANT_STACK_MAPPING_TABLE: 'TenantStackMapping',
  TENANT_NAMES_TABLE: 'TenantNames',
  TENANT_PIPELINE_NAME: 'tenant-pipeline',
  POOLED_USER_POOL_ID: 'us-east-1_pooled',
  POOLED_APP_CLIENT_ID: 'pooled-client',
  POOLED_STACK_NAME: 'tenantflow-pooled',
  POOLED_API_URL: 'https://pooled.example.com/prod/',
  USAGE_PLAN_IDS: JSON.stringify({ BASIC: 'plan-basic', STANDARD: 'plan-standard', PREMIUM: 'plan-premium' }),
  MAIL_FROM: 'noreply@tenantflow.example.com',
  WELCOME_TEMPLATE_NAME: 'tenantflow-welcome',
  REJECTION_TEMPLATE_NAME: 'tenantflow-rejection',
  APPROVALS_TABLE: 'Approvals',
} as const;

/** Sets STEP_ENV for every test of the calling file, and removes it after each. */
export function setStepEnvForEachTest(): void {
  beforeEach(() => {
    for (const [name, value] of Object.entries(STEP_ENV)) vi.stubEnv(name, value);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}

/** A BASIC (pooled) tenant's onboarding state, as the workflow starts it. */
export const POOLED: OnboardingState = {
  registrationId: 'reg-1',
  tenantId: 'tenant-1',
  tenantName: 'Acme',
  tier: 'BASIC',
  email: 'admin@acme.example.com',
  companyName: 'Acme Inc.',
};

/** A PLATINUM (silo) tenant's onboarding state once its user pool and app client exist. */
export const SILO: OnboardingState = {
  registrationId: 'reg-2',
  tenantId: 'tenant-2',
  tenantName: 'Globex',
  tier: 'PLATINUM',
  email: 'admin@globex.example.com',
  silo: { pool: { userPoolId: 'us-east-1_globex' }, client: { appClientId: 'globex-client' } },
};

/** A fake lifecycle bus: every event put, in order; `fail` makes the next puts reject with it. */
export function fakePublisher(): {
  readonly events: LifecycleEvent[];
  readonly publish: LifecycleEventPublisher;
  fail(error: Error): void;
} {
  const events: LifecycleEvent[] = [];
  let failure: Error | undefined;
  return {
    events,
    publish: async (...put) => {
      if (failure) throw failure;
      events.push(...put);
    },
    fail(error) {
      failure = error;
    },
  };
}
