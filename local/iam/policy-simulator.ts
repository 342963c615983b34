/**
 * The local cloud's only door to `@cloud-copilot/iam-simulate` (AGPL-3.0, a devDependency):
 * everything else calls `evaluateRequest`. Only the local cloud imports this module; no Lambda
 * code does, so the simulator is never bundled into a function.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT } from '../deployer/constants';

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: unknown;
}

export interface EvaluationRequest {
  /** The calling principal, e.g. `arn:aws:sts::000000000000:assumed-role/<role>/<session>`. */
  readonly principal: string;
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource types. */
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The identity policies of the principal's role (inline and attached). */
  readonly identityPolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  /** The session policy of an STS session, if any: effective permissions are the intersection. */
  readonly sessionPolicy?: PolicyDocument;
  /** A resource policy, e.g. a role's trust policy for sts:AssumeRole. */
  readonly resourcePolicy?: PolicyDocument;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** Evaluates one request the way IAM would; a request the simulator cannot evaluate is denied. */
export async function evaluateRequest(request: EvaluationRequest): Promise<{ decision: Decision; reason?: string }> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: LOCAL_ACCOUNT },
        contextVariables: Object.fromEntries(
          Object.entries(request.context ?? {}).map(([key, value]) => [
            key,
            typeof value === 'string' ? value : [...value],
          ]),
        ),
      },
      identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      sessionPolicy: request.sessionPolicy,
      resourcePolicy: request.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') return { decision: 'ImplicitlyDenied', reason: result.errors.message };
  if (result.resultType !== 'single')
    return { decision: 'ImplicitlyDenied', reason: `unexpected simulation result ${result.resultType}` };
  const overall = result.overallResult;
  return { decision: overall === 'Allowed' || overall === 'ExplicitlyDenied' ? overall : 'ImplicitlyDenied' };
}
