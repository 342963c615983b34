import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, expect, it } from 'vitest';
import { createSdkIntegrations } from '../sdk-integrations';
import { startStepFunctions } from '../stepfunctions';
import { LocalEventBus, startLocalEventBridge } from '.';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:emit';

/** Both forms a workflow puts events with: the optimized integration (Detail an object) and the SDK one. */
const DEFINITION = JSON.stringify({
  StartAt: 'EmitRequest',
  States: {
    EmitRequest: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: 'tenantflow-lifecycle',
            Source: 'tenantflow.controlPlane',
            DetailType: 'offboardingRequest',
            'Detail.$': '$.tenant',
          },
        ],
      },
      ResultPath: '$.request',
      Next: 'EmitSuccess',
    },
    EmitSuccess: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:eventbridge:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: 'tenantflow-lifecycle',
            Source: 'tenantflow.controlPlane',
            DetailType: 'offboardingSuccess',
            'Detail.$': 'States.JsonToString($.tenant)',
          },
        ],
      },
      ResultPath: '$.success',
      End: true,
    },
  },
});

it('puts events on the local bus from both Step Functions EventBridge integrations, in order', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfn-events-'));
  closers.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const bus = new LocalEventBus(async () => undefined);
  bus.createBus('tenantflow-lifecycle');
  const eventBridge = await startLocalEventBridge(bus);
  closers.push(() => eventBridge.close());
  const sdk = createSdkIntegrations({ region: 'us-east-1', endpoints: { eventbridge: eventBridge.endpoint } });
  closers.push(() => sdk.close());
  const stepFunctions = await startStepFunctions({
    dataDir,
    invoker: {
      invokeLambda: async () => ({}),
      callAwsSdk: (service, action, params) => sdk.callAwsSdk(service, action, params),
    },
  });
  closers.push(() => stepFunctions.close());
  stepFunctions.registerStateMachine({ arn: ARN, name: 'emit', definition: DEFINITION, roleArn: 'arn:role' });
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: stepFunctions.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  closers.push(() => sfn.destroy());

  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: ARN, input: JSON.stringify({ tenant: { tenantId: 't1' } }) }),
  );
  await stepFunctions.idle();
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));

  expect(execution.status).toBe('SUCCEEDED');
  expect(JSON.parse(String(execution.output)).request).toEqual({
    FailedEntryCount: 0,
    Entries: [{ EventId: expect.any(String) }],
  });
  expect(bus.history('tenantflow-lifecycle').map((e) => [e['detail-type'], e.detail])).toEqual([
    ['offboardingRequest', { tenantId: 't1' }],
    ['offboardingSuccess', { tenantId: 't1' }],
  ]);
});
