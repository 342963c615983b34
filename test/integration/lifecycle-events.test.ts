/**
 * Lifecycle events (issue #14 §4): each onboarding and status change puts its SBT-named events on
 * the control plane's bus, in order, each detail valid against its schema, as
 * `GET <console origin>/local/events` lists them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_EVENT_SOURCES, type LifecycleDetailType } from '../../contracts/lifecycle-events';
import { answerRegistration, at, http, operatorToken, register, signUp, uniqueName, waitFor } from '../support/client';
import { awaitingOrSettled, cloud, controlPlane, settled } from '../support/integration/cloud';
import { lifecycleDetailErrors } from '../support/lifecycle-events';

interface LocalEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly 'detail-type': LifecycleDetailType;
  readonly detail: { readonly tenantId: string; readonly eventKey: string; readonly [field: string]: unknown };
}

/** The tenant's events on the bus, oldest first. */
async function eventsOf(tenantId: string): Promise<LocalEvent[]> {
  const listed = await http<LocalEvent[]>('GET', at(cloud().consoleUrl, '/local/events'));
  expect(listed.status).toBe(200);
  return listed.body.filter((event) => event.detail?.tenantId === tenantId);
}

/** Waits until the tenant's events include `last`; returns them all. */
function eventsUntil(tenantId: string, last: LifecycleDetailType): Promise<LocalEvent[]> {
  return waitFor(async () => {
    const events = await eventsOf(tenantId);
    return events.some((e) => e['detail-type'] === last) ? events : undefined;
  }, `${last} of tenant ${tenantId}`);
}

/** Every event is put with SBT's source for its detail-type, and its detail is valid against its schema. */
function expectValid(events: LocalEvent[]): void {
  for (const event of events) {
    expect(event.source).toBe(LIFECYCLE_EVENT_SOURCES[event['detail-type']]);
    expect(lifecycleDetailErrors(event['detail-type'], event.detail)).toEqual([]);
  }
}

let operator: string;
beforeAll(async () => {
  operator = await operatorToken(cloud());
});

describe('lifecycle events', () => {
  it('a pool onboarding puts onboardingRequest → provisionSuccess → onboardingSuccess, keyed by its execution', async () => {
    const registration = await signUp(cloud(), uniqueName('evpool'), 'STANDARD');
    expect(registration.status).toBe('SUCCEEDED');

    const events = await eventsUntil(registration.tenantId, 'onboardingSuccess');

    expect(events.map((e) => e['detail-type'])).toEqual(['onboardingRequest', 'provisionSuccess', 'onboardingSuccess']);
    expect(events.map((e) => e.detail.eventKey)).toEqual([
      `${registration.executionId}:onboardingRequest`,
      `${registration.executionId}:provisionSuccess`,
      `${registration.executionId}:onboardingSuccess`,
    ]);
    expect(events[0]?.detail).toMatchObject({
      tenantName: registration.tenantName,
      tier: 'STANDARD',
      deploymentModel: 'pool',
    });
    expectValid(events);
  });

  it('a PLATINUM onboarding puts the same three after its approval, naming its own API', async () => {
    const registration = await signUp(cloud(), uniqueName('evsilo'), 'PLATINUM');
    expect(registration.status).toBe('SUCCEEDED');

    const events = await eventsUntil(registration.tenantId, 'onboardingSuccess');

    expect(events.map((e) => e['detail-type'])).toEqual(['onboardingRequest', 'provisionSuccess', 'onboardingSuccess']);
    expect(events[1]?.detail).toMatchObject({ deploymentModel: 'silo', apiUrl: expect.stringMatching(/^http/) });
    expectValid(events);
  });

  it('a rejected registration puts onboardingRequest → onboardingFailure with the reason', async () => {
    const { registrationId, tenantId } = await register(cloud(), uniqueName('evrej'), 'PLATINUM');
    expect((await awaitingOrSettled(registrationId)).status).toBe('AWAITING_APPROVAL');

    const rejected = await answerRegistration(cloud(), registrationId, { reason: 'No capacity this month' });
    expect(rejected.status).toBe(200);
    await settled(registrationId);
    const events = await eventsUntil(tenantId, 'onboardingFailure');

    expect(events.map((e) => e['detail-type'])).toEqual(['onboardingRequest', 'onboardingFailure']);
    expect(events[1]?.detail).toMatchObject({
      reason: 'Not approved: No capacity this month',
      failedStep: 'AwaitApproval',
    });
    expectValid(events);
  });

  it('deactivate and activate put deactivateSuccess and activateSuccess, and a repeat puts nothing', async () => {
    const registration = await signUp(cloud(), uniqueName('evstat'));
    const ops = (path: string) => http('POST', controlPlane(path), { token: operator });

    expect((await ops(`/tenants/${registration.tenantId}/deactivate`)).status).toBe(200);
    expect((await ops(`/tenants/${registration.tenantId}/deactivate`)).status).toBe(200);
    expect((await ops(`/tenants/${registration.tenantId}/activate`)).status).toBe(200);
    const events = await eventsUntil(registration.tenantId, 'activateSuccess');

    expect(events.map((e) => e['detail-type'])).toEqual([
      'onboardingRequest',
      'provisionSuccess',
      'onboardingSuccess',
      'deactivateSuccess',
      'activateSuccess',
    ]);
    expect(events[3]?.detail).toMatchObject({ status: 'INACTIVE' });
    expect(events[4]?.detail).toMatchObject({ status: 'ACTIVE' });
    expectValid(events);
  });
});
