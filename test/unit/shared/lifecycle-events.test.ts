import { describe, expect, it } from 'vitest';
import { LIFECYCLE_DETAIL_TYPES, LIFECYCLE_EVENT_SOURCES } from '../../../contracts/lifecycle-events';
import { LIFECYCLE_EVENT_SCHEMAS } from '../../../contracts/schemas/events';
import { isTransientAwsError } from '../../../functions/shared/env';
import {
  type LifecycleEvent,
  LifecycleEventsNotPutError,
  lifecycleEventPublisher,
} from '../../../functions/shared/lifecycle-events';
import { lifecycleDetailErrors } from '../../support/lifecycle-events';
import { fakeClient } from '../onboarding-steps/fakes';

const example = (detailType: 'onboardingRequest' | 'onboardingSuccess') =>
  ({ detailType, detail: LIFECYCLE_EVENT_SCHEMAS[detailType].examples[0] }) as LifecycleEvent;

describe('the lifecycle event publisher', () => {
  it("puts each event on the bus with SBT's source for its detail-type and the detail as JSON, in one call", async () => {
    const client = fakeClient({
      putEvents: () => ({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] }),
    });
    const publish = lifecycleEventPublisher(client, () => 'tenantflow-lifecycle');
    const request = example('onboardingRequest');
    const success = example('onboardingSuccess');

    await publish(request, success);

    expect(client.inputsOf('putEvents')).toEqual([
      {
        Entries: [
          {
            EventBusName: 'tenantflow-lifecycle',
            Source: 'controlPlaneEventSource',
            DetailType: 'onboardingRequest',
            Detail: JSON.stringify(request.detail),
          },
          {
            EventBusName: 'tenantflow-lifecycle',
            Source: 'applicationPlaneEventSource',
            DetailType: 'onboardingSuccess',
            Detail: JSON.stringify(success.detail),
          },
        ],
      },
    ]);
  });

  it('rejects, naming the entries, when EventBridge did not put some (a retryable error)', async () => {
    const client = fakeClient({
      putEvents: () => ({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
      }),
    });

    const put = lifecycleEventPublisher(client, () => 'bus')(example('onboardingRequest'));

    await expect(put).rejects.toStrictEqual(
      new LifecycleEventsNotPutError(
        '1 of 1 lifecycle events not put (onboardingRequest: ThrottlingException Rate exceeded)',
      ),
    );
    await expect(put).rejects.toSatisfy(isTransientAwsError);
  });

  it('makes no call for no events', async () => {
    const client = fakeClient();

    await lifecycleEventPublisher(client, () => 'bus')();

    expect(client.sent).toEqual([]);
  });
});

describe('the lifecycle event contract', () => {
  it('gives every detail-type a source of SBT and a detail schema whose example is valid', () => {
    expect(Object.keys(LIFECYCLE_EVENT_SCHEMAS).sort()).toEqual([...LIFECYCLE_DETAIL_TYPES].sort());
    for (const detailType of LIFECYCLE_DETAIL_TYPES) {
      expect(['controlPlaneEventSource', 'applicationPlaneEventSource']).toContain(LIFECYCLE_EVENT_SOURCES[detailType]);
      const [exampleDetail] = LIFECYCLE_EVENT_SCHEMAS[detailType].examples;
      expect(lifecycleDetailErrors(detailType, exampleDetail)).toEqual([]);
      expect((exampleDetail as { eventKey: string }).eventKey).toMatch(new RegExp(`:${detailType}$`));
    }
  });

  it('refuses a detail without its tenant or with an unknown tier', () => {
    const { tenantId: _missing, ...withoutTenant } = LIFECYCLE_EVENT_SCHEMAS.onboardingSuccess.examples[0];

    expect(lifecycleDetailErrors('onboardingSuccess', withoutTenant)).toEqual([
      "onboardingSuccess must have required property 'tenantId'",
    ]);
    expect(
      lifecycleDetailErrors('onboardingSuccess', {
        ...LIFECYCLE_EVENT_SCHEMAS.onboardingSuccess.examples[0],
        tier: 'GOLD',
      }),
    ).toEqual(['onboardingSuccess/tier must be equal to one of the allowed values']);
  });
});
