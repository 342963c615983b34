/**
 * Names of the release fan-out state machine's states (workflows/deploy-fanout.ts). The workflow,
 * the release script (which follows an execution's history) and the local cloud's fault
 * injection (`POST /local/faults {"step": <name>}`) share them from here. State names are unique
 * across the whole definition, Map item processors included, as Step Functions requires.
 */
export const FANOUT_STATES = {
  planRelease: 'PlanRelease',
  hasNextWave: 'HasNextWave',
  deployWaveTenants: 'DeployWaveTenants',
  assessWave: 'AssessWave',
  summarizeRelease: 'SummarizeRelease',
  releaseOutcome: 'ReleaseOutcome',
  releaseStopped: 'ReleaseStopped',
  releaseDone: 'ReleaseDone',
  // Per tenant (inside the inner Map).
  describeStack: 'DescribeTenantStack',
  stackMissing: 'IsTenantStackMissing',
  routeByStackStatus: 'RouteByStackStatus',
  waitForIdleStack: 'WaitForIdleTenantStack',
  createStack: 'CreateTenantStack',
  updateStack: 'UpdateTenantStack',
  noUpdates: 'IsNoUpdateNeeded',
  deleteRolledBackStack: 'DeleteRolledBackTenantStack',
  waitForDeletion: 'WaitForTenantStackDeletion',
  pollDeletion: 'PollTenantStackDeletion',
  deletionGone: 'IsDeletedTenantStackGone',
  deletionSettled: 'IsTenantStackDeleted',
  waitForStack: 'WaitForTenantStack',
  pollStack: 'PollTenantStack',
  stackSettled: 'IsTenantStackSettled',
  stackFailed: 'TenantStackFailed',
  recordDeployed: 'RecordTenantDeployed',
  recordUnchanged: 'RecordTenantUnchanged',
  recordFailed: 'RecordTenantFailed',
} as const;

/** The Error of the execution when a wave's failures exceed the tolerated percentage. */
export const RELEASE_STOPPED_ERROR = 'ReleaseStoppedError';

/** The Error sent with SendTaskFailure to an onboarding waiting for a tenant stack that failed. */
export const TENANT_STACK_DEPLOY_FAILED_ERROR = 'TenantStackDeployFailed';
