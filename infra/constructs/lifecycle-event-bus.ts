/**
 * The control plane's lifecycle bus: the EventBridge bus every tenant lifecycle transition is put
 * on, under the SaaS Builder Toolkit's detail-types and sources (contracts/lifecycle-events.ts),
 * so an SBT application plane subscribes with a rule on it.
 */
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { LIFECYCLE_EVENT_BUS_NAME } from '../../contracts/lifecycle-events';
import type { AppFunction } from './app-function';

/** The bus, and the grant that lets one function put events on it. */
export class LifecycleEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A fixed name: it is part of the contract subscribers (and GET /local/events) rely on.
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: LIFECYCLE_EVENT_BUS_NAME });
  }

  /**
   * Lets `fn` put events on this bus and no other (`events:PutEvents` on its ARN), and tells it
   * the bus in LIFECYCLE_EVENT_BUS_NAME (functions/shared/lifecycle-events.ts reads it).
   */
  grantPutEvents(...fns: AppFunction[]): void {
    for (const fn of fns) {
      this.bus.grantPutEventsTo(fn);
      fn.addEnvironment('LIFECYCLE_EVENT_BUS_NAME', this.bus.eventBusName);
    }
  }
}
