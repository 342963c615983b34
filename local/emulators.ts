/**
 * Phase one of the local cloud: starts every emulator on 127.0.0.1 and connects them to one
 * another (who calls whom), deploying nothing. It knows no product: what CodePipeline's deploy
 * stage gets and the authorizer result store are passed in by the wiring (`cloud.ts`).
 *
 * Some services call each other both ways (Step Functions ↔ EventBridge, Step Functions ↔
 * CodePipeline through the SDK integrations); each starts with what already runs and is
 * connected to what starts after it through an explicit subscribe or connect.
 */
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type LocalCodePipeline, type LocalCodePipelineOptions, startLocalCodePipeline } from './codepipeline';
import { startCognito } from './cognito';
import { type ConsoleRoutes, createConsoleServer } from './console-server';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './deployer/constants';
import { ApiRegistry, type Services } from './deployer/resource-handlers';
import { startDynamoDb } from './dynamodb';
import { LocalEventBus } from './events/event-bus';
import { type ExpiringStoreFactory, type LocalApiGateway, startLocalApiGateway } from './gateway';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from './iam/access-keys';
import { startDynamoDbFront } from './iam/dynamodb-front';
import { IamRegistry } from './iam/iam-registry';
import { LambdaRuntime } from './lambda/runtime';
import { listenOnLoopback } from './listen';
import { type LocalLogs, startLocalLogs } from './logs';
import { startOutbox } from './mail/outbox';
import { type LocalMonitoring, startLocalMonitoring } from './monitoring';
import { createSdkIntegrations, type SdkIntegrations } from './sdk-integrations';
import type { Shutdown } from './shutdown';
import { startStepFunctions } from './stepfunctions';
import { startLocalSts } from './sts';
import { startLocalXRay } from './xray';

/** The deployer's own credentials: unrestricted, straight to dynalite, past the local IAM. */
const DEPLOYER_CREDENTIALS = { accessKeyId: 'LOCALDEPLOYER', secretAccessKey: 'local' };

/** Options of {@link startEmulators}. */
export interface EmulatorOptions {
  /** Where every emulator persists its state (created). */
  readonly dataDir: string;
  /** The console origin's port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Denied IAM requests and the functions' output on the terminal (they always go to the local CloudWatch Logs). */
  readonly verbose: boolean;
  /** The deploy stage's template and version, read at each pipeline execution. */
  readonly deployInput: LocalCodePipelineOptions['deployInput'];
  /** The store of the gateway's authorizer results. */
  readonly createCache: ExpiringStoreFactory;
}

/** The endpoints of the services functions and scripts reach, by SDK service name. */
export interface ServiceEndpoints {
  /** The IAM-enforcing front, not dynalite itself. */
  readonly dynamodb: string;
  readonly sts: string;
  readonly cognitoidentityprovider: string;
  readonly sfn: string;
  readonly apigateway: string;
  readonly sesv2: string;
  readonly codepipeline: string;
  /** CloudWatch Logs (`aws logs`, `@aws-sdk/client-cloudwatch-logs`). */
  readonly logs: string;
  /** CloudWatch metrics (`aws cloudwatch`, `@aws-sdk/client-cloudwatch`). */
  readonly monitoring: string;
  /** The X-Ray API (the daemon listens for UDP on the same port: each function's AWS_XRAY_DAEMON_ADDRESS). */
  readonly xray: string;
}

/** The running emulators. */
export interface Emulators {
  /** The console origin, under which the gateway serves the APIs. */
  readonly consoleUrl: string;
  /** What the console origin serves; it answers 503 until the last phase fills them in. */
  readonly routes: ConsoleRoutes;
  /** What the deployer deploys onto. */
  readonly services: Services;
  readonly codePipeline: LocalCodePipeline;
  /** Step Functions' SDK integrations, to connect LocalCloudFormation once it runs. */
  readonly sdkIntegrations: SdkIntegrations;
  readonly endpoints: ServiceEndpoints;
}

const ENDPOINT_VARIABLES: Readonly<Record<keyof ServiceEndpoints, string>> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sts: 'AWS_ENDPOINT_URL_STS',
  cognitoidentityprovider: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  sfn: 'AWS_ENDPOINT_URL_SFN',
  apigateway: 'AWS_ENDPOINT_URL_API_GATEWAY',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  codepipeline: 'AWS_ENDPOINT_URL_CODEPIPELINE',
  logs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  monitoring: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  xray: 'AWS_ENDPOINT_URL_XRAY',
};

/**
 * The local part of a function's environment: endpoints, region and its role's own access key.
 * The log level is the template's (Powertools' default INFO), as on AWS: the output goes to the
 * local CloudWatch Logs, not to the terminal.
 */
export function functionEnvironmentOf(endpoints: ServiceEndpoints): Services['functionEnvironment'] {
  const variables = Object.fromEntries(
    Object.entries(ENDPOINT_VARIABLES).map(([service, name]) => [name, endpoints[service as keyof ServiceEndpoints]]),
  );
  return ({ functionName, roleArn, memorySize }) => ({
    ...variables,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // Each execution role gets its own local access key, so requests are attributable to it.
    AWS_ACCESS_KEY_ID: localAccessKeyOf(String(roleArn ?? functionName)),
    AWS_SECRET_ACCESS_KEY: LOCAL_ROLE_SECRET,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

/** Rewrites execute-api URLs in a value to the local gateway's. */
export function localizeUrlWith(gateway: Pick<LocalApiGateway, 'urlOf'>): Services['localizeUrl'] {
  return (value) =>
    value.replace(
      /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+)\/?/g,
      (_m, id: string, stage: string) => gateway.urlOf(id, stage),
    );
}

/** CodePipeline's deploy stage on the local Step Functions, through its SDK client. */
function deployStageOn(sfn: SFNClient): Pick<LocalCodePipelineOptions, 'startStateMachine' | 'describeExecution'> {
  return {
    startStateMachine: async (stateMachineArn, name, input) =>
      String((await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))).executionArn),
    describeExecution: async (executionArn) => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return { status: String(execution.status), error: execution.error, cause: execution.cause };
    },
  };
}

/**
 * CloudWatch: the metrics endpoint, then the Logs that feed it (EMF records, metric filters).
 * The Lambda runtime ships to the Logs; subscription delivery is connected to it once it runs.
 */
async function startObservability(
  dataDir: string,
  shutdown: Shutdown,
): Promise<{ logs: LocalLogs; monitoring: LocalMonitoring }> {
  const monitoring = await startLocalMonitoring({ dataDir: path.join(dataDir, 'monitoring') });
  shutdown.add(() => monitoring.close());
  const logs = await startLocalLogs({
    dataDir: path.join(dataDir, 'logs'),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    metrics: (data) => monitoring.putMetricFilterData(data),
  });
  shutdown.add(() => logs.close());
  logs.onIngest((batch) => monitoring.ingestLogEvents(batch));
  return { logs, monitoring };
}

/** Starts the emulators; each is added to `shutdown` as it starts. */
export async function startEmulators(opts: EmulatorOptions, shutdown: Shutdown): Promise<Emulators> {
  const { dataDir } = opts;
  // The console origin listens first: the gateway needs its URL for the API base URLs.
  const routes: ConsoleRoutes = {};
  const consoleServer = createConsoleServer(routes);
  const consoleUrl = await listenOnLoopback(consoleServer, opts.port);
  shutdown.add(() => new Promise<void>((resolve) => consoleServer.close(() => resolve())));

  const dynamo = await startDynamoDb({ dataDir });
  shutdown.add(() => dynamo.close());
  // IAM enforcement: functions reach DynamoDB only through the front, which checks each request
  // against the signer's policies; the deployer keeps its own unrestricted access to dynalite.
  const iam = new IamRegistry();
  const sts = await startLocalSts({ registry: iam });
  shutdown.add(() => sts.close());
  const dynamoFront = await startDynamoDbFront({
    upstream: dynamo.endpoint,
    registry: iam,
    adminCredentials: DEPLOYER_CREDENTIALS,
    onDenied: opts.verbose ? (message) => console.warn(`local IAM: ${message}`) : undefined,
  });
  shutdown.add(() => dynamoFront.close());
  const cognito = await startCognito({
    dataDir: path.join(dataDir, 'cognito'),
    region: LOCAL_REGION,
    verbose: opts.verbose,
  });
  shutdown.add(() => cognito.close());
  const outbox = await startOutbox({ dataDir: path.join(dataDir, 'mail') });
  shutdown.add(() => outbox.close());
  // X-Ray before the services it traces: the Lambda service and the gateway send it segments.
  const xray = await startLocalXRay({
    dataDir: path.join(dataDir, 'xray'),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
  });
  shutdown.add(() => xray.close());
  const { logs, monitoring } = await startObservability(dataDir, shutdown);
  // Closed before the logs (closers run last-added first): the last output is shipped.
  const lambda = new LambdaRuntime({
    logs,
    printOutput: opts.verbose,
    tracing: { sink: xray, daemonAddress: xray.daemonAddress },
  });
  shutdown.add(() => lambda.close());
  logs.connectFunctions({ invoke: (arn, event) => lambda.invoke(arn, event), has: (arn) => lambda.has(arn) });
  const gateway = await startLocalApiGateway({
    dataDir,
    invoke: (name, event, options) => lambda.invoke(name, event, options),
    tracing: xray,
    createCache: opts.createCache,
    publicBaseUrl: consoleUrl,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
  });
  shutdown.add(() => gateway.close());

  const sdkIntegrations = createSdkIntegrations({
    region: LOCAL_REGION,
    // Straight to dynalite, like the deployer: the local IAM checks functions' requests, not the state machines'.
    endpoints: {
      cognitoidentityprovider: cognito.endpoint,
      dynamodb: dynamo.endpoint,
      apigateway: gateway.managementEndpoint,
    },
    credentials: DEPLOYER_CREDENTIALS,
  });
  const stepFunctions = await startStepFunctions({
    dataDir: path.join(dataDir, 'stepfunctions'),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    invoker: {
      invokeLambda: (name, payload) => lambda.invoke(name, payload),
      callAwsSdk: (service, action, params) => sdkIntegrations.callAwsSdk(service, action, params),
    },
  });
  shutdown.add(() => stepFunctions.close());
  const sfn = new SFNClient({
    region: LOCAL_REGION,
    endpoint: stepFunctions.endpoint,
    credentials: DEPLOYER_CREDENTIALS,
  });
  shutdown.add(() => sfn.destroy());
  // Targets: Lambda functions (invoked) and state machines (an execution started, as EventBridge does).
  const events = new LocalEventBus(
    (target, event) =>
      target.includes(':states:')
        ? sfn.send(new StartExecutionCommand({ stateMachineArn: target, input: JSON.stringify(event) }))
        : lambda.invoke(target, event),
    (rule, error) => console.error(`EventBridge rule ${rule}: target failed: ${(error as Error).message}`),
  );
  stepFunctions.subscribe((event) => events.put(event as unknown as Record<string, unknown>));
  const codePipeline = await startLocalCodePipeline({
    dataDir: path.join(dataDir, 'codepipeline'),
    accountId: LOCAL_ACCOUNT,
    ...deployStageOn(sfn),
    deployInput: opts.deployInput,
  });
  shutdown.add(() => codePipeline.close());
  sdkIntegrations.connect({ endpoints: { sfn: stepFunctions.endpoint, codepipeline: codePipeline.endpoint } });
  shutdown.add(() => sdkIntegrations.close());

  const endpoints: ServiceEndpoints = {
    codepipeline: codePipeline.endpoint,
    sfn: stepFunctions.endpoint,
    cognitoidentityprovider: cognito.endpoint,
    dynamodb: dynamoFront.endpoint,
    apigateway: gateway.managementEndpoint,
    sts: sts.endpoint,
    sesv2: outbox.endpoint,
    logs: logs.endpoint,
    monitoring: monitoring.endpoint,
    xray: xray.endpoint,
  };
  const services: Services = {
    dynamodb: new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: dynamo.endpoint,
      credentials: DEPLOYER_CREDENTIALS,
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
    logs,
    xray: xray.groups,
    functionEnvironment: functionEnvironmentOf(endpoints),
    localizeUrl: localizeUrlWith(gateway),
  };
  return { consoleUrl, routes, services, codePipeline, sdkIntegrations, endpoints };
}
