/** Control-plane API shapes the console reads: the contract's types (types only: nothing is bundled). */

export type { ExecutionStatus, TenantReleaseStatus } from '../../../contracts/rules';
export type {
  Execution,
  ExecutionDetail,
  LogLine,
  Registration,
  Release,
  ReleaseCounts,
  ReleaseDetail,
  ReleaseTenant,
  ReleaseWave,
  Tenant,
  TraceDetail,
  TraceSegment,
  TraceSummary,
} from '../../../contracts/schemas/control-plane';
