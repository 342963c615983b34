/**
 * Schemas of the events and workflow inputs the parts of tenantflow hand each other: what
 * registrations start an onboarding with, what the pipeline starts a release with, and the part of
 * Step Functions' status-change event the EventBridge rule targets read.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_POLL_SECONDS, DEFAULT_WAVE_SIZE, MAX_POLL_SECONDS, MAX_WAVE_SIZE } from '../rules';
import { RegistrationRequest } from './control-plane';

/**
 * The onboarding execution's input: the validated sign-up plus the ids minted for it. Open to
 * further members (as events are): later steps add their results beside these.
 */
export const OnboardingInput = Type.Object(
  {
    ...RegistrationRequest.properties,
    registrationId: Type.String({ minLength: 1 }),
    tenantId: Type.String({ minLength: 1 }),
  },
  { $id: 'OnboardingInput' },
);
export type OnboardingInput = Static<typeof OnboardingInput>;

/** What starts a release (the pipeline's deploy stage, `npm run release`): `tenantId` "" or "ALL" is every silo tenant. */
export const ReleaseInput = Type.Object(
  {
    tenantId: Type.Optional(Type.String({ description: 'one tenant, or "" / "ALL" for every silo tenant' })),
    version: Type.String({ minLength: 1 }),
    templateUrl: Type.String({ minLength: 1 }),
    waveSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WAVE_SIZE, default: DEFAULT_WAVE_SIZE })),
    pollSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_POLL_SECONDS, default: DEFAULT_POLL_SECONDS })),
  },
  { $id: 'ReleaseInput' },
);
export type ReleaseInput = Static<typeof ReleaseInput>;

/** "Step Functions Execution Status Change" (EventBridge), the fields the rule targets read. */
export const ExecutionStatusChange = Type.Object(
  {
    source: Type.Literal('aws.states'),
    'detail-type': Type.Literal('Step Functions Execution Status Change'),
    detail: Type.Object({
      executionArn: Type.String(),
      stateMachineArn: Type.String(),
      status: Type.String(),
      input: Type.String({ description: 'the execution input, as a JSON string' }),
      error: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      cause: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
  },
  { $id: 'ExecutionStatusChange' },
);
export type ExecutionStatusChange = Static<typeof ExecutionStatusChange>;
