/**
 * The local cloud: synthesize → start the emulators → deploy the synthesized stacks onto them
 * → serve the console origin (config.json, the APIs, /local/*) → seed the operator.
 * Everything listens on 127.0.0.1 only; state persists under the data directory.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { buildConsole } from '../console/build';
import { STACK_NAMES } from '../infra/app';
import { LocalCloudFormation, templateUrlOf } from './cloudformation';
import { type LocalCodePipeline, startLocalCodePipeline } from './codepipeline';
import { startCognito } from './cognito';
import { type ConsoleRoutes, createConsoleServer } from './console-server';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './deployer/constants';
import { type DeployedStack, deployStack, readAssembly } from './deployer/deploy';
import { ApiRegistry, type Services } from './deployer/resource-handlers';
import { startDynamoDb } from './dynamodb';
import { LocalEventBus } from './events/event-bus';
import { startLocalApiGateway } from './gateway';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from './iam/access-keys';
import { startDynamoDbFront } from './iam/dynamodb-front';
import { IamRegistry } from './iam/iam-registry';
import { LambdaRuntime } from './lambda/runtime';
import { listenOnLoopback } from './listen';
import { startOutbox } from './mail/outbox';
import { createSdkIntegrations, type SdkIntegrations } from './sdk-integrations';
import { startStepFunctions } from './stepfunctions';
import { startLocalSts } from './sts';
import { synthesize } from './synth';

export interface LocalCloudOptions {
  /** Console origin port on 127.0.0.1; 0 picks a free one. @default 4000 */
  readonly port?: number;
  /** @default '.tenantflow' */
  readonly dataDir?: string;
  readonly operatorEmail?: string;
  readonly operatorPassword?: string;
  /** Function logs at INFO instead of WARN. @default false */
  readonly verbose?: boolean;
  /** Called once per resource type the deployer skips. */
  readonly onSkippedType?: (type: string) => void;
}

/** `POST /local/faults {"step": "cloudformation:<stackName>", "times": N}` fails that stack's next N deployments. */
export const CLOUDFORMATION_FAULT_PREFIX = 'cloudformation:';

export const DEFAULT_OPERATOR_EMAIL = 'operator@tenantflow.local';
export const DEFAULT_OPERATOR_PASSWORD = 'Operator-Passw0rd!';

export interface LocalCloud {
  readonly consoleUrl: string;
  readonly controlPlaneApiUrl: string;
  readonly pooledApiUrl: string;
  readonly cognitoEndpoint: string;
  readonly operatorUserPoolId: string;
  readonly operatorClientId: string;
  readonly operatorEmail: string;
  readonly operatorPassword: string;
  readonly stacks: ReadonlyMap<string, DeployedStack>;
  /** Whether `npm start` built the web apps (their sources changed) and how long that took. */
  readonly consoleBuild: { readonly built: boolean; readonly ms: number };
  readonly services: Services;
  /** The local CloudFormation (silo tenant stacks), in-process. */
  readonly cloudFormation: LocalCloudFormation;
  /** The local CodePipeline endpoint and its pipelines. */
  readonly codePipeline: LocalCodePipeline;
  /** `<dataDir>/endpoints.json`: the local service endpoints, written at start (see {@link LocalEndpoints}). */
  readonly endpointsFile: string;
  /** Resolves when no workflow execution is running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The content of `<dataDir>/endpoints.json`, written when the local cloud is ready, so scripts
 * (e.g. `npm run release`) find a running cloud's services: point an SDK client at
 * `endpoints.codepipeline` (region `region`, any credentials) and StartPipelineExecution one of
 * `pipelines`.
 */
export interface LocalEndpoints {
  readonly region: string;
  readonly consoleUrl: string;
  readonly codepipeline: string;
  readonly sfn: string;
  readonly cognitoidentityprovider: string;
  /** The IAM-enforcing DynamoDB endpoint functions use. */
  readonly dynamodb: string;
  readonly apigateway: string;
  readonly sts: string;
  readonly sesv2: string;
  /** Names of the pipelines deployed from the templates. */
  readonly pipelines: readonly string[];
  /** The cloud assembly the local cloud deployed (cdk.out). */
  readonly assemblyDir: string;
  /** The process that serves these endpoints. */
  readonly pid: number;
}

export const ENDPOINTS_FILE = 'endpoints.json';

export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  // Lambda runs Node 22; the SDK's notice about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = path.resolve(opts.dataDir ?? '.tenantflow');
  fs.mkdirSync(dataDir, { recursive: true });
  const operatorEmail = opts.operatorEmail ?? DEFAULT_OPERATOR_EMAIL;
  const operatorPassword = opts.operatorPassword ?? DEFAULT_OPERATOR_PASSWORD;
  // The web apps first: the console stack packages console/dist when the app is synthesized.
  const site = await buildConsole();
  const { outdir } = await synthesize();
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    // The console origin listens first: the gateway needs its URL for the API base URLs.
    const routes: ConsoleRoutes = {};
    const consoleServer = createConsoleServer(routes);
    const consoleUrl = await listenOnLoopback(consoleServer, opts.port ?? 4000);
    closers.push(() => new Promise((resolve) => consoleServer.close(() => resolve())));

    const dynamo = await startDynamoDb({ dataDir });
    closers.push(() => dynamo.close());
    // IAM enforcement: functions reach DynamoDB only through the front, which checks each request
    // against the signer's policies; the deployer keeps its own unrestricted access to dynalite.
    const deployerCredentials = { accessKeyId: 'LOCALDEPLOYER', secretAccessKey: 'local' };
    const iam = new IamRegistry();
    const sts = await startLocalSts({ registry: iam });
    closers.push(() => sts.close());
    const dynamoFront = await startDynamoDbFront({
      upstream: dynamo.endpoint,
      registry: iam,
      adminCredentials: deployerCredentials,
      onDenied: opts.verbose ? (message) => console.warn(`local IAM: ${message}`) : undefined,
    });
    closers.push(() => dynamoFront.close());
    const cognito = await startCognito({
      dataDir: path.join(dataDir, 'cognito'),
      region: LOCAL_REGION,
      verbose: opts.verbose,
    });
    closers.push(() => cognito.close());
    const outbox = await startOutbox({ dataDir: path.join(dataDir, 'mail') });
    closers.push(() => outbox.close());
    const lambda = new LambdaRuntime();
    closers.push(() => lambda.close());
    const gateway = await startLocalApiGateway({
      dataDir,
      invoke: (name, event) => lambda.invoke(name, event),
      publicBaseUrl: consoleUrl,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
    });
    closers.push(() => gateway.close());
    // Targets: Lambda functions (invoked) and state machines (an execution started, as EventBridge does).
    const events = new LocalEventBus(
      (target, event) =>
        target.includes(':states:')
          ? sfnClient.send(new StartExecutionCommand({ stateMachineArn: target, input: JSON.stringify(event) }))
          : lambda.invoke(target, event),
      (rule, error) => console.error(`EventBridge rule ${rule}: target failed: ${(error as Error).message}`),
    );
    // The Step Functions SDK integrations reach CodePipeline and CloudFormation, which start after it.
    let sdkIntegrations: SdkIntegrations | undefined;
    let cloudFormation: LocalCloudFormation | undefined;
    const stepFunctions = await startStepFunctions({
      onStatusChange: (event) => events.put(event as unknown as Record<string, unknown>),
      dataDir: path.join(dataDir, 'stepfunctions'),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      invoker: {
        invokeLambda: (name, payload) => lambda.invoke(name, payload),
        callAwsSdk: async (service, action, params) => {
          if (!sdkIntegrations)
            throw Object.assign(new Error('The local cloud is starting'), { name: 'States.Runtime' });
          return sdkIntegrations.callAwsSdk(service, action, params);
        },
      },
    });
    closers.push(() => stepFunctions.close());
    const sfnClient = new SFNClient({
      region: LOCAL_REGION,
      endpoint: stepFunctions.endpoint,
      credentials: deployerCredentials,
    });
    closers.push(async () => sfnClient.destroy());
    const codePipeline = await startLocalCodePipeline({
      dataDir: path.join(dataDir, 'codepipeline'),
      accountId: LOCAL_ACCOUNT,
      startStateMachine: async (stateMachineArn, name, input) =>
        String((await sfnClient.send(new StartExecutionCommand({ stateMachineArn, name, input }))).executionArn),
      describeExecution: async (executionArn) => {
        const execution = await sfnClient.send(new DescribeExecutionCommand({ executionArn }));
        return { status: String(execution.status), error: execution.error, cause: execution.cause };
      },
      // Read at each start: `npm run release` re-synthesizes cdk.out while the cloud runs.
      deployInput: () => {
        const templateUrl = templateUrlOf(outdir, STACK_NAMES.siloTemplate);
        if (!templateUrl) throw new Error(`the cloud assembly ${outdir} has no stack ${STACK_NAMES.siloTemplate}`);
        return { version: fs.readFileSync(path.join(outdir, '.tenantflow-source-hash'), 'utf8').trim(), templateUrl };
      },
    });
    closers.push(() => codePipeline.close());

    const endpoints = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoFront.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      AWS_ENDPOINT_URL_API_GATEWAY: gateway.managementEndpoint,
      AWS_ENDPOINT_URL_SESV2: outbox.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: codePipeline.endpoint,
    };
    sdkIntegrations = createSdkIntegrations({
      region: LOCAL_REGION,
      endpoints: {
        cognitoidentityprovider: cognito.endpoint,
        // Straight to dynalite, like the deployer: the local IAM checks functions' requests, not the state machines'.
        dynamodb: dynamo.endpoint,
        sfn: stepFunctions.endpoint,
        codepipeline: codePipeline.endpoint,
        apigateway: gateway.managementEndpoint,
      },
      credentials: deployerCredentials,
      cloudFormation: () => cloudFormation,
    });
    closers.push(async () => sdkIntegrations?.close());
    const services: Services = {
      dynamodb: new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: dynamo.endpoint,
        credentials: deployerCredentials,
      }),
      iam,
      cognito,
      lambda,
      stepFunctions,
      gateway,
      outbox,
      events,
      apiRegistry: new ApiRegistry(),
      codePipeline,
      functionEnvironment: ({ functionName, roleArn, memorySize }) => ({
        ...endpoints,
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        // Each execution role gets its own local access key, so requests are attributable to it.
        AWS_ACCESS_KEY_ID: localAccessKeyOf(String(roleArn ?? functionName)),
        AWS_SECRET_ACCESS_KEY: LOCAL_ROLE_SECRET,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
        POWERTOOLS_LOG_LEVEL: opts.verbose ? 'INFO' : 'WARN',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
      localizeUrl: (value) =>
        value.replace(
          /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+)\/?/g,
          (_m, id: string, stage: string) => gateway.urlOf(id, stage),
        ),
    };

    const { stacks: assemblyStacks, assetDirs } = readAssembly(outdir);
    const exports = new Map<string, string>();
    const skipped = new Set<string>();
    const onSkippedType = (type: string) => {
      if (!skipped.has(type)) opts.onSkippedType?.(type);
      skipped.add(type);
    };
    const stacks = new Map<string, DeployedStack>();
    for (const stack of assemblyStacks) {
      // The console hosting stack (S3 + CloudFront) has no local counterpart: this origin serves the apps.
      if (stack.stackName === STACK_NAMES.console) continue;
      stacks.set(
        stack.stackName,
        await deployStack(stack, {
          services,
          assetDirs,
          exports,
          onSkippedType,
        }),
      );
    }

    const controlPlane = stacks.get(STACK_NAMES.controlPlane)?.outputs ?? {};
    const pooled = stacks.get(STACK_NAMES.pooled)?.outputs ?? {};
    const required = (outputs: Record<string, string>, key: string) => {
      const value = Object.entries(outputs).find(([name]) => name.startsWith(key))?.[1];
      if (!value) throw new Error(`Stack output ${key} is missing`);
      return value;
    };
    const operatorUserPoolId = required(controlPlane, 'OperatorUserPoolId');
    const operatorClientId = required(controlPlane, 'OperatorClientId');
    const controlPlaneApiUrl = required(controlPlane, 'ControlPlaneApiUrl');
    await cognito.ensureUser(operatorUserPoolId, {
      username: operatorEmail,
      password: operatorPassword,
      attributes: { email: operatorEmail, email_verified: 'true', 'custom:userRole': 'SystemAdmin' },
    });

    void lambda.prewarm();
    // Silo tenant stacks (deployed by the release fan-out) come back after the main stacks, whose exports they import.
    const localCloudFormation = new LocalCloudFormation({
      dataDir: path.join(dataDir, 'cloudformation'),
      services,
      exports,
      assemblyDir: outdir,
      onSkippedType,
    });
    cloudFormation = localCloudFormation;
    closers.push(() => localCloudFormation.close());
    await localCloudFormation.restore();
    routes.gateway = gateway;
    routes.config = {
      region: LOCAL_REGION,
      controlPlaneApiUrl,
      operatorUserPoolId,
      operatorClientId,
      cognitoEndpoint: cognito.endpoint,
    };
    routes.site = site.dir;
    routes.outbox = () => outbox.messages();
    routes.faults = {
      // `cloudformation:<stackName>` makes that stack's deployments fail; any other step is a state name.
      set: (step, times, error) =>
        step.startsWith(CLOUDFORMATION_FAULT_PREFIX)
          ? localCloudFormation.setFault(step.slice(CLOUDFORMATION_FAULT_PREFIX.length), times)
          : stepFunctions.setFault(step, times, error),
      clear: () => {
        stepFunctions.clearFaults();
        localCloudFormation.clearFaults();
      },
    };
    const endpointsFile = path.join(dataDir, ENDPOINTS_FILE);
    const localEndpoints: LocalEndpoints = {
      region: LOCAL_REGION,
      consoleUrl,
      codepipeline: codePipeline.endpoint,
      sfn: stepFunctions.endpoint,
      cognitoidentityprovider: cognito.endpoint,
      dynamodb: dynamoFront.endpoint,
      apigateway: gateway.managementEndpoint,
      sts: sts.endpoint,
      sesv2: outbox.endpoint,
      pipelines: codePipeline.pipelines(),
      assemblyDir: outdir,
      pid: process.pid,
    };
    fs.writeFileSync(endpointsFile, `${JSON.stringify(localEndpoints, null, 2)}\n`);
    closers.push(async () => fs.rmSync(endpointsFile, { force: true }));

    return {
      consoleUrl,
      controlPlaneApiUrl,
      pooledApiUrl: required(pooled, 'TenantApiUrl'),
      cognitoEndpoint: cognito.endpoint,
      operatorUserPoolId,
      operatorClientId,
      operatorEmail,
      operatorPassword,
      stacks,
      consoleBuild: { built: site.built, ms: site.ms },
      services,
      cloudFormation: localCloudFormation,
      codePipeline,
      endpointsFile,
      idle: async () => {
        await stepFunctions.idle();
        await localCloudFormation.idle();
        await events.drain();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
