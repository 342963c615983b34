/**
 * Schemas of the events and workflow inputs the parts of tenantflow hand each other: what
 * registrations start an onboarding with, what the pipeline starts a release with, the part of
 * Step Functions' status-change event the EventBridge rule targets read, and the detail of each
 * lifecycle event on the control plane's bus (../lifecycle-events.ts names them).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { LifecycleDetailType } from '../lifecycle-events';
import { DEFAULT_POLL_SECONDS, DEFAULT_WAVE_SIZE, MAX_POLL_SECONDS, MAX_WAVE_SIZE } from '../rules';
import { TENANT_STATUSES } from '../tenant-record';
import { TIER_NAMES } from '../tiers';
import { OneOf, Timestamp } from './common';
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

// ---------------------------------------------------------------------------------------------
// Lifecycle events: the detail of each detail-type. Every detail names its tenant the way SBT's
// tenant record does (tenantId, tenantName, tier, …) and carries tenantflow's own fields beside:
// where it came from (the workflow execution or the API request), when, and the key to drop
// duplicates by. Details are open (further members may be added); consumers ignore what they do
// not know.

const Id = (description: string) => Type.String({ minLength: 1, description });

/** What every lifecycle event's detail carries. */
const TENANT_EVENT = {
  eventKey: Id('`<executionId or requestId>:<detail-type>`; the same key is the same event (drop duplicates by it)'),
  at: Timestamp,
  tenantId: Id('the tenant'),
  tenantName: Type.String({ description: 'the tenant name as registered' }),
  tier: OneOf(TIER_NAMES),
  deploymentModel: OneOf(['pool', 'silo'] as const),
};

/** Events of a workflow execution (onboarding, offboarding). */
const WORKFLOW_EVENT = {
  ...TENANT_EVENT,
  executionId: Id("the workflow execution's name (an onboarding's is its registration id)"),
};

/** Events of an onboarding: SBT's registration id too. */
const ONBOARDING_EVENT = {
  ...WORKFLOW_EVENT,
  tenantRegistrationId: Id('the registration (SBT: tenantRegistrationId)'),
};

/** Events of an operator's API request (activate, deactivate). */
const REQUEST_EVENT = {
  ...TENANT_EVENT,
  requestId: Id("the API request's id"),
  status: OneOf(TENANT_STATUSES, 'the tenant status after the request'),
};

const FAILURE = {
  reason: Type.String({ minLength: 1, description: 'why, in words an operator reads' }),
  failedStep: Type.Optional(Type.String({ description: 'the workflow state that failed' })),
};

/** SBT's provisioning job output: what the provisioned resources are (an SBT control plane stores tenantData on the tenant). */
const JOB_OUTPUT = Type.Object({
  tenantData: Type.Object({
    deploymentModel: OneOf(['pool', 'silo'] as const),
    apiUrl: Type.String({ description: "the tenant's API base URL" }),
    stackName: Type.Optional(Type.String({ description: "the tenant's stack (the pooled stack for pool tenants)" })),
  }),
  tenantRegistrationData: Type.Object({}),
});

type Example<P extends Record<string, TSchema>> = Static<ReturnType<typeof Type.Object<P>>>;

/** A detail schema: `$id` `<DetailType>Detail`, its description and one example (validated by a unit test). */
function detail<P extends Record<string, TSchema>>(
  detailType: LifecycleDetailType,
  description: string,
  properties: P,
  example: Example<P>,
) {
  const id = `${detailType[0]?.toUpperCase()}${detailType.slice(1)}Detail`;
  return Type.Object(properties, { $id: id, description, examples: [example] });
}

const TENANT = {
  tenantId: '5f0c1c2e-8d1b-4c55-9a0e-3f1a2b4c5d6e',
  tenantName: 'acme',
  tier: 'BASIC',
  deploymentModel: 'pool',
} as const;
const SILO_TENANT = { ...TENANT, tenantName: 'globex', tier: 'PLATINUM', deploymentModel: 'silo' } as const;
const EXECUTION = '2b7e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const REQUEST = 'c0ffee00-1234-4abc-9def-0123456789ab';
const onboarding = (detailType: LifecycleDetailType, at: string) => ({
  eventKey: `${EXECUTION}:${detailType}`,
  at,
  ...TENANT,
  executionId: EXECUTION,
  tenantRegistrationId: EXECUTION,
});
const offboarding = (detailType: LifecycleDetailType, at: string) => ({
  eventKey: `${EXECUTION}:${detailType}`,
  at,
  ...SILO_TENANT,
  executionId: EXECUTION,
});
const request = (detailType: LifecycleDetailType, status: (typeof TENANT_STATUSES)[number]) => ({
  eventKey: `${REQUEST}:${detailType}`,
  at: '2025-05-02T08:00:00.000Z',
  ...TENANT,
  requestId: REQUEST,
  status,
});
const POOLED_API = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod';

export const OnboardingRequestDetail = detail(
  'onboardingRequest',
  'A registration was accepted and its tenant stored (StoreTenant): the tenant record as SBT puts it on onboardingRequest.',
  {
    ...ONBOARDING_EVENT,
    email: Type.String({ description: "the tenant admin's email" }),
    companyName: Type.Optional(Type.String()),
  },
  {
    ...onboarding('onboardingRequest', '2025-05-01T12:00:00.000Z'),
    email: 'admin@acme.example.com',
    companyName: 'Acme Inc.',
  },
);
export const ProvisionSuccessDetail = detail(
  'provisionSuccess',
  "The tenant's resources exist (user pool or group, API key, stack for silo), before it is activated.",
  { ...ONBOARDING_EVENT, apiUrl: Type.String({ description: "the tenant's API base URL" }), jobOutput: JOB_OUTPUT },
  {
    ...onboarding('provisionSuccess', '2025-05-01T12:00:20.000Z'),
    apiUrl: POOLED_API,
    jobOutput: {
      tenantData: { deploymentModel: 'pool', apiUrl: POOLED_API, stackName: 'tenantflow-pooled' },
      tenantRegistrationData: {},
    },
  },
);
export const ProvisionFailureDetail = detail(
  'provisionFailure',
  "The tenant's resources could not be created (not put yet: an onboarding failure is onboardingFailure).",
  { ...ONBOARDING_EVENT, ...FAILURE },
  { ...onboarding('provisionFailure', '2025-05-01T12:00:20.000Z'), reason: 'The tenant stack failed to deploy' },
);
export const OnboardingSuccessDetail = detail(
  'onboardingSuccess',
  'The tenant is ACTIVE (ActivateTenant): its users can sign in.',
  { ...ONBOARDING_EVENT, apiUrl: Type.String({ description: "the tenant's API base URL" }) },
  { ...onboarding('onboardingSuccess', '2025-05-01T12:00:21.000Z'), apiUrl: POOLED_API },
);
export const OnboardingFailureDetail = detail(
  'onboardingFailure',
  'The onboarding failed at a step (the tenant is FAILED until a redrive) or the registration was not approved (failedStep AwaitApproval).',
  { ...ONBOARDING_EVENT, ...FAILURE },
  {
    ...onboarding('onboardingFailure', '2025-05-01T12:00:30.000Z'),
    reason: 'Not approved: no silo capacity this month',
    failedStep: 'AwaitApproval',
  },
);
export const OffboardingRequestDetail = detail(
  'offboardingRequest',
  "An operator asked to offboard the tenant (the offboarding workflow's start).",
  WORKFLOW_EVENT,
  offboarding('offboardingRequest', '2025-06-01T09:00:00.000Z'),
);
export const OffboardingSuccessDetail = detail(
  'offboardingSuccess',
  'The tenant is offboarded: its data exported and deleted, nothing of it is left.',
  WORKFLOW_EVENT,
  offboarding('offboardingSuccess', '2025-06-01T09:05:00.000Z'),
);
export const OffboardingFailureDetail = detail(
  'offboardingFailure',
  'The offboarding failed at a step (until a redrive).',
  { ...WORKFLOW_EVENT, ...FAILURE },
  {
    ...offboarding('offboardingFailure', '2025-06-01T09:05:00.000Z'),
    reason: 'Throttled',
    failedStep: 'ExportTenantData',
  },
);
export const DeprovisionSuccessDetail = detail(
  'deprovisionSuccess',
  "The tenant's resources (user pool or group, API key, stack) are deleted.",
  WORKFLOW_EVENT,
  offboarding('deprovisionSuccess', '2025-06-01T09:04:00.000Z'),
);
export const DeprovisionFailureDetail = detail(
  'deprovisionFailure',
  "The tenant's resources could not all be deleted.",
  { ...WORKFLOW_EVENT, ...FAILURE },
  { ...offboarding('deprovisionFailure', '2025-06-01T09:04:00.000Z'), reason: 'The tenant stack failed to delete' },
);
/**
 * The three events of an operator's status change (activate, deactivate): requested, done
 * (`from` → `to`, its users enabled or disabled with it), failed. Only "done" is put today: the
 * change is synchronous, its request and failure are the API call and its answer.
 */
function statusChangeDetails(
  verb: 'activate' | 'deactivate',
  from: (typeof TENANT_STATUSES)[number],
  to: (typeof TENANT_STATUSES)[number],
  users: string,
) {
  const [requested, done, failed] = (['Request', 'Success', 'Failure'] as const).map(
    (outcome) => `${verb}${outcome}` as const,
  ) as [`${typeof verb}Request`, `${typeof verb}Success`, `${typeof verb}Failure`];
  return {
    request: detail(
      requested,
      `An operator asked to ${verb} the tenant (not put: the change is synchronous, see ${done}).`,
      REQUEST_EVENT,
      request(requested, from),
    ),
    success: detail(
      done,
      `The tenant went from ${from} to ${to} (POST /tenants/{tenantId}/${verb}) and its users are ${users}.`,
      REQUEST_EVENT,
      request(done, to),
    ),
    failure: detail(
      failed,
      `The tenant could not be ${verb}d (not put yet).`,
      { ...REQUEST_EVENT, ...FAILURE },
      { ...request(failed, from), reason: 'Throttled' },
    ),
  };
}
const ACTIVATE = statusChangeDetails('activate', 'INACTIVE', 'ACTIVE', 'enabled');
const DEACTIVATE = statusChangeDetails('deactivate', 'ACTIVE', 'INACTIVE', 'disabled');
export const ActivateRequestDetail = ACTIVATE.request;
export const ActivateSuccessDetail = ACTIVATE.success;
export const ActivateFailureDetail = ACTIVATE.failure;
export const DeactivateRequestDetail = DEACTIVATE.request;
export const DeactivateSuccessDetail = DEACTIVATE.success;
export const DeactivateFailureDetail = DEACTIVATE.failure;
export const BillingSuccessDetail = detail(
  'billingSuccess',
  'Billing was set up for the tenant (SBT billing providers; tenantflow has none yet).',
  TENANT_EVENT,
  { eventKey: `${EXECUTION}:billingSuccess`, at: '2025-05-01T12:00:22.000Z', ...TENANT },
);
export const BillingFailureDetail = detail(
  'billingFailure',
  'Billing could not be set up for the tenant (SBT billing providers; tenantflow has none yet).',
  { ...TENANT_EVENT, ...FAILURE },
  { eventKey: `${EXECUTION}:billingFailure`, at: '2025-05-01T12:00:22.000Z', ...TENANT, reason: 'No billing account' },
);

/** The detail schema of each detail-type. */
export const LIFECYCLE_EVENT_SCHEMAS = {
  onboardingRequest: OnboardingRequestDetail,
  onboardingSuccess: OnboardingSuccessDetail,
  onboardingFailure: OnboardingFailureDetail,
  offboardingRequest: OffboardingRequestDetail,
  offboardingSuccess: OffboardingSuccessDetail,
  offboardingFailure: OffboardingFailureDetail,
  provisionSuccess: ProvisionSuccessDetail,
  provisionFailure: ProvisionFailureDetail,
  deprovisionSuccess: DeprovisionSuccessDetail,
  deprovisionFailure: DeprovisionFailureDetail,
  activateRequest: ActivateRequestDetail,
  activateSuccess: ActivateSuccessDetail,
  activateFailure: ActivateFailureDetail,
  deactivateRequest: DeactivateRequestDetail,
  deactivateSuccess: DeactivateSuccessDetail,
  deactivateFailure: DeactivateFailureDetail,
  billingSuccess: BillingSuccessDetail,
  billingFailure: BillingFailureDetail,
} satisfies Record<LifecycleDetailType, TSchema>;

/** The detail of each detail-type, as the emitters build it. */
export type LifecycleEventDetails = {
  [K in LifecycleDetailType]: Static<(typeof LIFECYCLE_EVENT_SCHEMAS)[K]>;
};
