/** Control-plane API shapes the console reads: the contract's types (types only: nothing is bundled). */

export type { ExecutionStatus, TenantReleaseStatus } from '../../../contracts/rules';
export type {
  Execution,
  ExecutionDetail,
  Release,
  ReleaseCounts,
  ReleaseDetail,
  ReleaseTenant,
  ReleaseWave,
  Tenant,
} from '../../../contracts/schemas/control-plane';
