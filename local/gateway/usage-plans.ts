/**
 * API keys and usage plans at request time: which plan a key has on a stage, and whether that
 * plan's throttle and quota admit one more request. Pure: the caller passes the time.
 */
import type { ApiKeyRecord } from './api-key-store';
import { GATEWAY_RESPONSES, type GatewayResponse } from './gateway-responses';
import type { UsagePlanModel } from './types';
import { type LimitReason, UsageLimiter } from './usage-limiter';

/** The part of the key store admission reads. */
export interface ApiKeyLookup {
  findByValue(value: string): ApiKeyRecord | undefined;
  planIdsOfKey(keyId: string): string[];
}

/** A request admitted with its key, or refused (with the limit it hit, if any). */
export type KeyAdmission =
  | { readonly ok: true; readonly key: ApiKeyRecord }
  | {
      readonly ok: false;
      readonly response: GatewayResponse;
      readonly limited?: LimitReason;
      readonly headers?: Readonly<Record<string, string>>;
    };

/** The registered usage plans, and the throttle and quota state of each (plan, key). */
export class UsagePlans {
  private readonly plans = new Map<string, UsagePlanModel>();
  private readonly limiter = new UsageLimiter();

  constructor(private readonly keys: ApiKeyLookup) {}

  /** Registers (or replaces, by `id`) a plan. */
  register(plan: UsagePlanModel): void {
    this.plans.set(plan.id, plan);
  }

  /** Forgets a plan; its API keys stay in the key store. */
  unregister(id: string): void {
    this.plans.delete(id);
  }

  /** The plans by id (what the management API reads). */
  all(): ReadonlyMap<string, UsagePlanModel> {
    return this.plans;
  }

  /** Forgets a key's throttle and quota state (it left a plan or was deleted). */
  forgetKey(keyId: string): void {
    this.limiter.forgetKey(keyId);
  }

  /**
   * Admits one request presenting `keyValue` to a stage at `now`: 403 Forbidden for a missing,
   * unknown or disabled key or one without a plan on the stage; 429 with Retry-After over the
   * plan's throttle or quota.
   */
  admit(keyValue: string | null, restApiId: string, stage: string, now: number): KeyAdmission {
    const key = keyValue ? this.keys.findByValue(keyValue) : undefined;
    const plan = key?.enabled ? this.planOf(key.id, restApiId, stage) : undefined;
    if (!key || !plan) return { ok: false, response: GATEWAY_RESPONSES.FORBIDDEN };
    const admitted = this.limiter.admit(plan, key.id, now);
    if (admitted.ok) return { ok: true, key };
    return {
      ok: false,
      response: admitted.reason === 'THROTTLED' ? GATEWAY_RESPONSES.THROTTLED : GATEWAY_RESPONSES.QUOTA_EXCEEDED,
      limited: admitted.reason,
      headers: { 'Retry-After': String(admitted.retryAfterSeconds) },
    };
  }

  private planOf(keyId: string, restApiId: string, stage: string): UsagePlanModel | undefined {
    for (const planId of this.keys.planIdsOfKey(keyId)) {
      const plan = this.plans.get(planId);
      if (plan?.apiStages.some((s) => s.restApiId === restApiId && s.stage === stage)) return plan;
    }
    return undefined;
  }
}
