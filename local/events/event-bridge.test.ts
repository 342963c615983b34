import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventEnvelope, type LocalEventBridge, LocalEventBus, startLocalEventBridge } from '.';

let dataDir: string;
let delivered: Array<{ target: string; event: EventEnvelope }>;
let bus: LocalEventBus;
let api: LocalEventBridge;
let client: EventBridgeClient;

const newBus = () =>
  new LocalEventBus(async (target, event) => delivered.push({ target, event: event as EventEnvelope }), undefined, {
    dataDir,
  });

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-events-'));
  delivered = [];
  bus = newBus();
  api = await startLocalEventBridge(bus);
  client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await api.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const lifecycleEntry = (detailType: string, tenantId: string) => ({
  EventBusName: 'tenantflow-lifecycle',
  Source: 'tenantflow.controlPlane',
  DetailType: detailType,
  Detail: JSON.stringify({ tenantId }),
});

describe('local EventBridge PutEvents', () => {
  it('delivers an event put on a custom bus to the targets of its matching rules, in the real envelope', async () => {
    await client.send(new CreateEventBusCommand({ Name: 'tenantflow-lifecycle' }));
    bus.putRule({
      name: 'offboarding',
      eventBusName: 'tenantflow-lifecycle',
      eventPattern: { source: ['tenantflow.controlPlane'], 'detail-type': [{ prefix: 'offboarding' }] },
      targets: ['arn:aws:lambda:us-east-1:000000000000:function:app-plane'],
    });
    bus.putRule({ name: 'on-default', eventPattern: { source: ['tenantflow.controlPlane'] }, targets: ['arn:other'] });

    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            ...lifecycleEntry('offboardingRequest', 't1'),
            Resources: ['arn:tenant/t1'],
            Time: new Date('2030-01-02T03:04:05Z'),
          },
          lifecycleEntry('onboardingSuccess', 't2'),
        ],
      }),
    );
    await bus.drain();

    expect(result.FailedEntryCount).toBe(0);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toEqual({
      target: 'arn:aws:lambda:us-east-1:000000000000:function:app-plane',
      event: {
        version: '0',
        id: result.Entries?.[0]?.EventId,
        'detail-type': 'offboardingRequest',
        source: 'tenantflow.controlPlane',
        account: '000000000000',
        time: '2030-01-02T03:04:05Z',
        region: 'us-east-1',
        resources: ['arn:tenant/t1'],
        detail: { tenantId: 't1' },
      },
    });
  });

  it('fails only the entries with a missing bus, malformed detail or missing source', async () => {
    bus.createBus('tenantflow-lifecycle');

    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          lifecycleEntry('activate', 't1'),
          { ...lifecycleEntry('activate', 't1'), EventBusName: 'no-such-bus' },
          { ...lifecycleEntry('activate', 't1'), Detail: '{not json' },
          { DetailType: 'activate', Detail: '{}', EventBusName: 'tenantflow-lifecycle' },
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries?.slice(1).map((e) => e.ErrorCode)).toEqual([
      'ResourceNotFoundException',
      'MalformedDetail',
      'InvalidArgument',
    ]);
    expect(bus.history('tenantflow-lifecycle')).toHaveLength(1);
  });

  it('refuses an empty or oversized batch with a ValidationException', async () => {
    const eleven = Array.from({ length: 11 }, () => lifecycleEntry('activate', 't1'));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('lists and describes buses and the rules of a bus', async () => {
    bus.createBus('tenantflow-lifecycle');
    bus.putRule({ name: 'r1', eventBusName: 'tenantflow-lifecycle', eventPattern: { source: ['x'] }, targets: [] });

    const buses = await client.send(new ListEventBusesCommand({}));
    const described = await client.send(new DescribeEventBusCommand({ Name: 'tenantflow-lifecycle' }));
    const rules = await client.send(new ListRulesCommand({ EventBusName: 'tenantflow-lifecycle' }));

    expect(buses.EventBuses?.map((b) => b.Name)).toEqual(['default', 'tenantflow-lifecycle']);
    expect(described.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/tenantflow-lifecycle');
    expect(rules.Rules).toEqual([
      expect.objectContaining({
        Name: 'r1',
        Arn: 'arn:aws:events:us-east-1:000000000000:rule/tenantflow-lifecycle/r1',
        EventPattern: '{"source":["x"]}',
      }),
    ]);
    await expect(client.send(new DescribeEventBusCommand({ Name: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('local EventBridge history', () => {
  it('keeps the last 1,000 events of a bus, oldest first, across a restart', () => {
    bus.createBus('tenantflow-lifecycle');
    for (let i = 0; i < 1005; i += 10)
      bus.putEvents(Array.from({ length: 10 }, (_, j) => lifecycleEntry('activate', `t${i + j}`)));

    const restarted = newBus();
    restarted.createBus('tenantflow-lifecycle');
    const kept = restarted.history('tenantflow-lifecycle');

    expect(bus.history('tenantflow-lifecycle')).toHaveLength(1000);
    expect(kept).toHaveLength(1000);
    expect(kept[0]?.detail).toEqual({ tenantId: 't10' });
    expect(kept.at(-1)?.detail).toEqual({ tenantId: 't1009' });
  });
});
