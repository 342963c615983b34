/**
 * Starts one local cloud for the whole integration run: a free port, a fresh data directory,
 * the real emulators. Tests reach it only over HTTP, like any client.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud } from '../../local/cloud';

export interface LocalCloudInfo {
  readonly consoleUrl: string;
  readonly controlPlaneApiUrl: string;
  readonly pooledApiUrl: string;
  readonly cognitoEndpoint: string;
  readonly stepFunctionsEndpoint: string;
  readonly onboardingStateMachineArn: string;
  readonly operatorEmail: string;
  readonly operatorPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cloud: LocalCloudInfo;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-it-'));
  const cloud = await startLocalCloud({ port: 0, dataDir });
  const controlPlane = cloud.stacks.get('tenantflow-control-plane')?.outputs ?? {};
  const stateMachineArn = Object.entries(controlPlane).find(([key]) => key.startsWith('OnboardingStateMachineArn'))?.[1] ?? '';
  project.provide('cloud', {
    consoleUrl: cloud.consoleUrl,
    controlPlaneApiUrl: cloud.controlPlaneApiUrl,
    pooledApiUrl: cloud.pooledApiUrl,
    cognitoEndpoint: cloud.cognitoEndpoint,
    stepFunctionsEndpoint: cloud.services.stepFunctions.endpoint,
    onboardingStateMachineArn: stateMachineArn,
    operatorEmail: cloud.operatorEmail,
    operatorPassword: cloud.operatorPassword,
  });
  return async () => {
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
