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
  readonly apiGatewayEndpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly pooledUserPoolId: string;
  readonly onboardingStateMachineArn: string;
  readonly operatorEmail: string;
  readonly operatorPassword: string;
  /**
   * The run's fresh data directory (removed at teardown): where tests share fixtures across
   * files and read what the local CloudFormation deployed for a silo tenant.
   */
  readonly dataDir: string;
  /**
   * The deployed environment of pooled-stack functions (endpoints, the role's local access key,
   * table names), for attack tests that drive the authorizer in-process or act as a function's
   * role against the local STS and the IAM-enforcing DynamoDB endpoint.
   */
  readonly pooledFunctions: { readonly authorizer: Record<string, string>; readonly products: Record<string, string> };
  /** The deployed environment of the control-plane authorizer (silo pools trusted from the registry). */
  readonly controlPlaneFunctions: { readonly authorizer: Record<string, string> };
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
  const stateMachineArn =
    Object.entries(controlPlane).find(([key]) => key.startsWith('OnboardingStateMachineArn'))?.[1] ?? '';
  project.provide('cloud', {
    consoleUrl: cloud.consoleUrl,
    controlPlaneApiUrl: cloud.controlPlaneApiUrl,
    pooledApiUrl: cloud.pooledApiUrl,
    cognitoEndpoint: cloud.cognitoEndpoint,
    stepFunctionsEndpoint: cloud.services.stepFunctions.endpoint,
    apiGatewayEndpoint: cloud.services.gateway.managementEndpoint,
    dynamoDbEndpoint: String(
      await cloud.services.dynamodb.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}:${e.port}`),
    ),
    pooledUserPoolId:
      Object.entries(cloud.stacks.get('tenantflow-foundation')?.outputs ?? {}).find(([key]) =>
        key.startsWith('PooledUserPoolId'),
      )?.[1] ?? '',
    onboardingStateMachineArn: stateMachineArn,
    operatorEmail: cloud.operatorEmail,
    operatorPassword: cloud.operatorPassword,
    dataDir,
    pooledFunctions: {
      authorizer: functionEnvironment(cloud, 'tenantflow-pooled', (env) => env.TENANT_DATA_ROLE_ARN !== undefined),
      products: functionEnvironment(
        cloud,
        'tenantflow-pooled',
        (env) => env.PRODUCTS_TABLE !== undefined && env.ORDERS_TABLE === undefined,
      ),
    },
    controlPlaneFunctions: {
      authorizer: functionEnvironment(cloud, 'tenantflow-control-plane', (env) => env.API_NAME === 'control-plane'),
    },
  });
  return async () => {
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

function functionEnvironment(
  cloud: Awaited<ReturnType<typeof startLocalCloud>>,
  stackName: string,
  match: (env: Readonly<Record<string, string>>) => boolean,
) {
  const fn = cloud.services.lambda
    .list()
    .find((candidate) => candidate.functionName.startsWith(stackName) && match(candidate.environment));
  if (!fn) throw new Error(`no such function in ${stackName}`);
  return { ...fn.environment };
}
