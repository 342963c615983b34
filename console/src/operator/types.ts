/** Control-plane API shapes the console reads (API.md). */
import type { ExecutionEvent } from './graph/asl-graph';

export interface Tenant {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: string;
  readonly deploymentModel: 'pool' | 'silo';
  readonly status: string;
  readonly email?: string;
  readonly companyName?: string;
  readonly registrationId?: string;
  readonly failedStep?: string;
  readonly failureCause?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'PENDING_REDRIVE';

export interface Execution {
  readonly executionId: string;
  readonly kind: string;
  readonly tenantId?: string;
  readonly tenantName?: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly failedStep?: string;
  readonly error?: string;
}

export interface ExecutionDetail extends Execution {
  readonly definition: unknown;
  readonly events: readonly ExecutionEvent[];
}

/** The releases API's shapes, from the function that answers them (types only: nothing is bundled). */
export type {
  ReleaseCounts,
  ReleaseDetail,
  ReleaseItem as Release,
  ReleaseTenant,
  ReleaseWave,
  TenantReleaseStatus,
} from '../../../functions/releases/releases';
