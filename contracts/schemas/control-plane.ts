/**
 * Schemas of the control-plane API: sign-up and registration status, tenants, executions,
 * releases and a tenant admin's users. Routes name them in contracts/api.ts.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  EMAIL_PATTERN_SOURCE,
  EXECUTION_STATUSES,
  REGISTRATION_STATUSES,
  RELEASE_WAVE_STATUSES,
  STEP_STATUSES,
  TENANT_NAME_PATTERN_SOURCE,
  TENANT_RELEASE_STATUSES,
  TENANT_ROLES,
  USERNAME_PATTERN_SOURCE,
} from '../rules';
import { TENANT_STATUSES } from '../tenant-record';
import { TIER_NAMES } from '../tiers';
import { AnyJson, OneOf, Page, Text, Timestamp } from './common';

const EMAIL = Text(254, { min: 1, pattern: EMAIL_PATTERN_SOURCE, patternHint: 'must be an email address' });
const DEPLOYMENT_MODEL = OneOf(['pool', 'silo'] as const);

// ---- Registrations (public) ----

export const RegistrationRequest = Type.Object(
  {
    tenantName: Text(40, {
      min: 3,
      pattern: TENANT_NAME_PATTERN_SOURCE,
      patternHint: "must be 3 to 40 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
    }),
    email: EMAIL,
    tier: OneOf(TIER_NAMES),
    companyName: Type.Optional(Text(100)),
    phone: Type.Optional(Text(30, { pattern: '^[+0-9 ()-]+$', patternHint: 'must be a phone number' })),
    address: Type.Optional(Text(200)),
  },
  { additionalProperties: false, $id: 'RegistrationRequest' },
);
export type RegistrationRequest = Static<typeof RegistrationRequest>;

export const RegistrationAccepted = Type.Object(
  { registrationId: Type.String(), tenantId: Type.String(), status: OneOf(REGISTRATION_STATUSES) },
  { additionalProperties: false, $id: 'RegistrationAccepted' },
);
export type RegistrationAccepted = Static<typeof RegistrationAccepted>;

export const ExecutionStep = Type.Object(
  {
    name: Type.String(),
    status: OneOf(STEP_STATUSES),
    startedAt: Timestamp,
    endedAt: Type.Optional(Timestamp),
    error: Type.Optional(Type.String({ description: 'a safe sentence; operators see the detail' })),
  },
  { additionalProperties: false, $id: 'ExecutionStep' },
);
export type ExecutionStep = Static<typeof ExecutionStep>;

export const Registration = Type.Object(
  {
    registrationId: Type.String(),
    executionId: Type.String({ description: 'the onboarding execution; equal to registrationId' }),
    tenantId: Type.String(),
    tenantName: Type.String(),
    tier: OneOf(TIER_NAMES),
    status: OneOf(REGISTRATION_STATUSES),
    steps: Type.Array(ExecutionStep),
  },
  { additionalProperties: false, $id: 'Registration' },
);
export type Registration = Static<typeof Registration>;
export const RegistrationPage = Type.Object(Page(Registration).properties, {
  additionalProperties: false,
  $id: 'RegistrationPage',
});

/** An operator's answer to a request waiting for approval: why it is refused (the applicant reads it). */
export const RejectRequest = Type.Object(
  { reason: Text(500, { min: 1 }) },
  { additionalProperties: false, $id: 'RejectRequest' },
);
export type RejectRequest = Static<typeof RejectRequest>;

export const TenantConfig = Type.Object(
  {
    tenantId: Type.String(),
    tenantName: Type.String(),
    tier: OneOf(TIER_NAMES),
    deploymentModel: DEPLOYMENT_MODEL,
    status: OneOf(TENANT_STATUSES),
    userPoolId: Type.String(),
    appClientId: Type.String(),
    apiUrl: Type.String(),
    region: Type.String(),
    cognitoEndpoint: Type.Optional(Type.String({ description: 'set only where Cognito is not the AWS one' })),
  },
  { additionalProperties: false, $id: 'TenantConfig' },
);
export type TenantConfig = Static<typeof TenantConfig>;

// ---- Tenants (operators) ----

export const Tenant = Type.Object(
  {
    tenantId: Type.String(),
    tenantName: Type.String(),
    tier: OneOf(TIER_NAMES),
    deploymentModel: DEPLOYMENT_MODEL,
    status: OneOf(TENANT_STATUSES),
    email: Type.Optional(Type.String()),
    companyName: Type.Optional(Type.String()),
    registrationId: Type.Optional(Type.String()),
    userPoolId: Type.Optional(Type.String()),
    appClientId: Type.Optional(Type.String()),
    apiUrl: Type.Optional(Type.String()),
    failedStep: Type.Optional(Type.String()),
    failureCause: Type.Optional(Type.String()),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false, $id: 'Tenant' },
);
export type Tenant = Static<typeof Tenant>;
export const TenantPage = Type.Object(Page(Tenant).properties, { additionalProperties: false, $id: 'TenantPage' });

// ---- Executions (operators) ----

export const Execution = Type.Object(
  {
    executionId: Type.String(),
    kind: Type.String({ description: 'onboarding, …' }),
    tenantId: Type.Optional(Type.String()),
    tenantName: Type.Optional(Type.String()),
    status: OneOf(EXECUTION_STATUSES),
    startedAt: Timestamp,
    stoppedAt: Type.Optional(Timestamp),
    redriveCount: Type.Optional(Type.Integer()),
    failedStep: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
    awaitingApproval: Type.Optional(
      Type.Boolean({ description: 'true while it waits for an operator to approve or reject' }),
    ),
  },
  { additionalProperties: false, $id: 'Execution' },
);
export type Execution = Static<typeof Execution>;
export const ExecutionPage = Type.Object(Page(Execution).properties, {
  additionalProperties: false,
  $id: 'ExecutionPage',
});

export const ExecutionEvent = Type.Object(
  {
    id: Type.Integer(),
    type: Type.String(),
    timestamp: Timestamp,
    stateName: Type.Optional(Type.String()),
    input: Type.Optional(AnyJson),
    output: Type.Optional(AnyJson),
    error: Type.Optional(Type.String()),
    cause: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: 'ExecutionEvent' },
);
export type ExecutionEvent = Static<typeof ExecutionEvent>;

export const ExecutionDetail = Type.Object(
  {
    ...Execution.properties,
    definition: Type.Unknown({ description: 'the state machine definition (Amazon States Language)' }),
    events: Type.Array(ExecutionEvent),
  },
  { additionalProperties: false, $id: 'ExecutionDetail' },
);
export type ExecutionDetail = Static<typeof ExecutionDetail>;

// ---- Releases (operators) ----

export const ReleaseCounts = Type.Object(
  {
    tenants: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
    pending: Type.Integer({ description: 'waiting or deploying' }),
    notDeployed: Type.Integer({ description: 'planned, never deployed because the release ended first' }),
  },
  { additionalProperties: false },
);
export type ReleaseCounts = Static<typeof ReleaseCounts>;

export const Release = Type.Object(
  {
    releaseId: Type.String({ description: 'the fan-out execution name' }),
    version: Type.String(),
    tenantId: Type.Optional(Type.String({ description: 'only for a one-tenant release' })),
    status: OneOf(EXECUTION_STATUSES),
    startedAt: Timestamp,
    stoppedAt: Type.Optional(Timestamp),
    counts: ReleaseCounts,
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: 'Release' },
);
export type Release = Static<typeof Release>;
export const ReleasePage = Type.Object(Page(Release).properties, { additionalProperties: false, $id: 'ReleasePage' });

export const ReleaseWave = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    status: OneOf(RELEASE_WAVE_STATUSES),
    tenants: Type.Integer(),
    startedAt: Type.Optional(Timestamp),
    endedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type ReleaseWave = Static<typeof ReleaseWave>;

export const ReleaseTenant = Type.Object(
  {
    tenantId: Type.String(),
    tenantName: Type.Optional(Type.String()),
    stackName: Type.Optional(Type.String()),
    wave: Type.Optional(Type.Integer({ minimum: 1 })),
    status: OneOf(TENANT_RELEASE_STATUSES),
    version: Type.Optional(Type.String({ description: 'what the stack runs now' })),
    error: Type.Optional(Type.String()),
    startedAt: Type.Optional(Timestamp),
    endedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type ReleaseTenant = Static<typeof ReleaseTenant>;

export const ReleaseDetail = Type.Object(
  {
    ...Release.properties,
    waveSize: Type.Integer(),
    waves: Type.Array(ReleaseWave),
    tenants: Type.Array(ReleaseTenant),
  },
  { additionalProperties: false, $id: 'ReleaseDetail' },
);
export type ReleaseDetail = Static<typeof ReleaseDetail>;

// ---- A tenant admin's users ----

export const NewUser = Type.Object(
  {
    username: Text(63, {
      min: 3,
      pattern: USERNAME_PATTERN_SOURCE,
      patternHint: "must be 3 to 63 characters of letters, digits, '.', '_' and '-'",
    }),
    email: EMAIL,
    role: OneOf(TENANT_ROLES),
  },
  { additionalProperties: false, $id: 'NewUser' },
);
export type NewUser = Static<typeof NewUser>;

export const TenantUser = Type.Object(
  {
    username: Type.String(),
    email: Type.Optional(Type.String()),
    role: Type.Optional(Type.String()),
    enabled: Type.Boolean(),
    status: Type.Optional(Type.String({ description: 'the Cognito user status, e.g. FORCE_CHANGE_PASSWORD' })),
    createdAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false, $id: 'TenantUser' },
);
export type TenantUser = Static<typeof TenantUser>;
export const TenantUserPage = Type.Object(Page(TenantUser).properties, {
  additionalProperties: false,
  $id: 'TenantUserPage',
});

// ---- Telemetry (operators): a tenant's traces and log lines, one trace as a waterfall ----

/** The log levels of the Powertools Logger, as `?level` takes them. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const TraceSummary = Type.Object(
  {
    traceId: Type.String(),
    at: Timestamp,
    durationMs: Type.Number({ description: 'the trace’s duration in milliseconds' }),
    method: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
    fault: Type.Boolean({ description: 'a 5xx somewhere in the trace' }),
    error: Type.Boolean({ description: 'a 4xx somewhere in the trace' }),
    throttle: Type.Boolean({ description: 'a 429 somewhere in the trace' }),
  },
  { additionalProperties: false, $id: 'TraceSummary' },
);
export type TraceSummary = Static<typeof TraceSummary>;
export const TraceSummaryPage = Type.Object(Page(TraceSummary).properties, {
  additionalProperties: false,
  $id: 'TraceSummaryPage',
});
export type TraceSummaryPage = Static<typeof TraceSummaryPage>;

export const TraceSegment = Type.Object(
  {
    id: Type.String(),
    parentId: Type.Optional(Type.String()),
    name: Type.String(),
    origin: Type.Optional(Type.String({ description: 'e.g. AWS::Lambda::Function (segments only)' })),
    depth: Type.Integer({ minimum: 0, description: 'nesting depth, 0 for a root segment' }),
    startOffsetMs: Type.Number({ description: 'start, in milliseconds after the trace’s start' }),
    durationMs: Type.Number(),
    fault: Type.Boolean(),
    error: Type.Boolean(),
    throttle: Type.Boolean(),
    operation: Type.Optional(Type.String({ description: 'the AWS SDK operation of an SDK call, e.g. GetItem' })),
    status: Type.Optional(Type.Integer({ description: 'the HTTP response status it recorded' })),
  },
  { additionalProperties: false, $id: 'TraceSegment' },
);
export type TraceSegment = Static<typeof TraceSegment>;

export const TraceDetail = Type.Object(
  {
    traceId: Type.String(),
    startedAt: Timestamp,
    durationMs: Type.Number(),
    tenantId: Type.Optional(Type.String({ description: 'the tenantId annotation, when a segment has one' })),
    segments: Type.Array(TraceSegment, { description: 'segments and subsegments, depth-first in start order' }),
  },
  { additionalProperties: false, $id: 'TraceDetail' },
);
export type TraceDetail = Static<typeof TraceDetail>;

export const LogLine = Type.Object(
  {
    timestamp: Timestamp,
    logGroup: Type.String(),
    level: Type.Optional(Type.String()),
    message: Type.String(),
    service: Type.Optional(Type.String()),
    correlationId: Type.Optional(Type.String()),
    fields: Type.Record(Type.String(), Type.Unknown(), { description: 'the line’s other keys' }),
  },
  { additionalProperties: false, $id: 'LogLine' },
);
export type LogLine = Static<typeof LogLine>;
export const LogLinePage = Type.Object(Page(LogLine).properties, { additionalProperties: false, $id: 'LogLinePage' });
export type LogLinePage = Static<typeof LogLinePage>;

// ---- The audit log ----

/** Outcomes of an audited action: done, refused by a rule (4xx), or failed (5xx). */
export const AUDIT_OUTCOMES = ['SUCCEEDED', 'REFUSED', 'FAILED'] as const;

export const AuditEntry = Type.Object(
  {
    auditId: Type.String(),
    at: Timestamp,
    actor: Type.Object(
      {
        username: Type.String(),
        role: Type.String(),
        userPoolId: Type.String(),
        tenantId: Type.Optional(Type.String({ description: "a tenant admin's tenant" })),
      },
      { additionalProperties: false },
    ),
    action: Type.String({ description: 'e.g. execution.approve, tenant.deactivate, user.create' }),
    tenantId: Type.Optional(Type.String({ description: 'the tenant acted on, when there is one' })),
    target: Type.Optional(Type.String({ description: 'what was acted on: an execution, registration or username' })),
    requestId: Type.String(),
    outcome: OneOf(AUDIT_OUTCOMES),
    statusCode: Type.Integer(),
  },
  { additionalProperties: false, $id: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Type.Object(Page(AuditEntry).properties, { additionalProperties: false, $id: 'AuditPage' });
