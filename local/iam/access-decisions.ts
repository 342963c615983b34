/**
 * IAM decisions for the DynamoDB front: a request's {@link AccessCheck} against the signer's
 * role policies and, for an STS session, its session policy too (their intersection, as IAM
 * does). Decisions are cached until the registry's roles or policies change.
 */
import type { AccessCheck } from './dynamodb-access';
import type { IamRegistry, Identity } from './iam-registry';
import { evaluateRequest } from './policy-simulator';

/** Allowed, or denied with the reason IAM's denial message gives. */
export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const DECISION_CACHE_ENTRIES = 20_000;

/** Decides checks, remembering each decision for its (registry version, key, check). */
export class AccessDecisions {
  private readonly decisions = new Map<string, AccessDecision>();
  /** Decisions answered from the cache. */
  cacheHits = 0;

  constructor(private readonly registry: Pick<IamRegistry, 'version'>) {}

  /** Decides `check` for `identity`, which signed with `accessKeyId`. */
  async decide(identity: Identity, accessKeyId: string, check: AccessCheck): Promise<AccessDecision> {
    const cacheKey = [
      this.registry.version,
      accessKeyId,
      check.action,
      check.resource,
      JSON.stringify(check.leadingKeys ?? null),
    ].join('\u0000');
    const cached = this.decisions.get(cacheKey);
    if (cached) {
      this.cacheHits += 1;
      return cached;
    }
    const decision = await evaluate(identity, check);
    // Crude but bounded: a full cache starts over rather than tracking recency.
    if (this.decisions.size >= DECISION_CACHE_ENTRIES) this.decisions.clear();
    this.decisions.set(cacheKey, decision);
    return decision;
  }
}

async function evaluate(identity: Identity, check: AccessCheck): Promise<AccessDecision> {
  const context: Record<string, readonly string[]> =
    check.leadingKeys === undefined ? {} : { 'dynamodb:LeadingKeys': check.leadingKeys };
  const base = { principal: identity.principalArn, action: check.action, resource: check.resource, context };
  // Role policies and the session policy are evaluated separately and must both allow (their
  // intersection, as IAM does for sessions); an explicit deny in either denies.
  const byRole = await evaluateRequest({ ...base, identityPolicies: identity.identityPolicies });
  if (byRole.decision !== 'Allowed') {
    return { allowed: false, reason: `no identity-based policy allows the ${check.action} action` };
  }
  if (identity.sessionPolicy) {
    const bySession = await evaluateRequest({
      ...base,
      identityPolicies: [{ name: 'session-policy', policy: identity.sessionPolicy }],
    });
    if (bySession.decision !== 'Allowed') {
      return { allowed: false, reason: `no session policy allows the ${check.action} action` };
    }
  }
  return { allowed: true };
}
