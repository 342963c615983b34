/**
 * The tenant lifecycle events of the control plane's EventBridge bus, named as the SaaS Builder
 * Toolkit names its control-plane events (awslabs/sbt-aws `src/utils/event-manager.ts`,
 * `DetailType` and the default sources of its `supportedEvents`), so an application plane written
 * for SBT can subscribe with its usual rule (source + detail-type). No dependencies: the functions
 * that emit import this, the schemas of each event's detail are in schemas/events.ts.
 */
import type { DeploymentModel, TierName } from './tiers';

/** The control plane's lifecycle bus (`AWS::Events::EventBus` of the control-plane stack). */
export const LIFECYCLE_EVENT_BUS_NAME = 'tenantflow-lifecycle';

/** SBT's `controlPlaneEventSource` default: requests the control plane makes. */
export const CONTROL_PLANE_EVENT_SOURCE = 'controlPlaneEventSource';
/** SBT's `applicationPlaneEventSource` default: outcomes, as an SBT application plane reports them. */
export const APPLICATION_PLANE_EVENT_SOURCE = 'applicationPlaneEventSource';

/**
 * Every lifecycle detail-type and the source it is put with (SBT's mapping, one entry each).
 * tenantflow is both planes of SBT's picture, so it puts the outcome events with the application
 * plane's source, where SBT subscribers expect them.
 */
export const LIFECYCLE_EVENT_SOURCES = {
  onboardingRequest: CONTROL_PLANE_EVENT_SOURCE,
  onboardingSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  onboardingFailure: APPLICATION_PLANE_EVENT_SOURCE,
  offboardingRequest: CONTROL_PLANE_EVENT_SOURCE,
  offboardingSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  offboardingFailure: APPLICATION_PLANE_EVENT_SOURCE,
  provisionSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  provisionFailure: APPLICATION_PLANE_EVENT_SOURCE,
  deprovisionSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  deprovisionFailure: APPLICATION_PLANE_EVENT_SOURCE,
  activateRequest: CONTROL_PLANE_EVENT_SOURCE,
  activateSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  activateFailure: APPLICATION_PLANE_EVENT_SOURCE,
  deactivateRequest: CONTROL_PLANE_EVENT_SOURCE,
  deactivateSuccess: APPLICATION_PLANE_EVENT_SOURCE,
  deactivateFailure: APPLICATION_PLANE_EVENT_SOURCE,
  billingSuccess: CONTROL_PLANE_EVENT_SOURCE,
  billingFailure: CONTROL_PLANE_EVENT_SOURCE,
} as const;

/** An SBT detail-type. */
export type LifecycleDetailType = keyof typeof LIFECYCLE_EVENT_SOURCES;

/** Every detail-type, in the order above (the docs page's order). */
export const LIFECYCLE_DETAIL_TYPES = Object.keys(LIFECYCLE_EVENT_SOURCES) as LifecycleDetailType[];

/**
 * The key consumers drop duplicates by: EventBridge delivers at least once, and a retried or
 * redriven step puts its event again. `origin` is the workflow execution's name (the onboarding's:
 * the registration id) or the API request's id; one origin emits each detail-type once.
 */
export function lifecycleEventKey(origin: string, detailType: LifecycleDetailType): string {
  return `${origin}:${detailType}`;
}

/** The tenant as every event's detail names it. */
export interface EventTenant {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: TierName;
  readonly deploymentModel: DeploymentModel;
}

/**
 * The fields every detail starts with (schemas/events.ts): its key, the time and the tenant.
 * `origin` is the execution name or the request id (see lifecycleEventKey).
 */
export function lifecycleEventBasics(
  detailType: LifecycleDetailType,
  origin: string,
  tenant: EventTenant,
  at: Date = new Date(),
) {
  return {
    eventKey: lifecycleEventKey(origin, detailType),
    at: at.toISOString(),
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    tier: tenant.tier,
    deploymentModel: tenant.deploymentModel,
  };
}
