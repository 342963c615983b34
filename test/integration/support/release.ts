/** Starts a release (an execution of the fan-out state machine) on the test's local cloud. */
import * as path from 'node:path';
import { ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { FANOUT_STATE_MACHINE_NAME } from '../../../functions/pipeline/fanout';
import { STACK_NAMES } from '../../../infra/app';
import { templateUrlOf } from '../../../local/cloudformation/template-source';
import { cloud } from './client';

/**
 * Starts the fan-out with the silo template of this checkout, as the local pipeline does, and
 * returns the release id (the execution name). `pollSeconds` defaults to 0 so tests run fast.
 */
export async function startRelease(
  version: string,
  opts: { tenantId?: string; waveSize?: number; pollSeconds?: number } = {},
): Promise<{ releaseId: string; executionArn: string }> {
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: cloud().stepFunctionsEndpoint,
    credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
  });
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  const fanout = machines.find((machine) => machine.name === FANOUT_STATE_MACHINE_NAME);
  if (!fanout?.stateMachineArn) throw new Error(`${FANOUT_STATE_MACHINE_NAME} is not deployed`);
  const releaseId = `release-${version}-${Date.now().toString(36)}`;
  const templateUrl = templateUrlOf(path.resolve(__dirname, '../../../cdk.out'), STACK_NAMES.siloTemplate);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: fanout.stateMachineArn,
      name: releaseId,
      input: JSON.stringify({
        tenantId: opts.tenantId ?? '',
        version,
        templateUrl,
        waveSize: opts.waveSize ?? 10,
        pollSeconds: opts.pollSeconds ?? 0,
      }),
    }),
  );
  return { releaseId, executionArn: executionArn as string };
}
