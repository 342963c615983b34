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
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type LocalCodePipeline, type LocalCodePipelineOptions, startLocalCodePipeline } from './codepipeline';
import { startCognito } from './cognito';
import { type ConsoleRoutes, createConsoleServer } from './console-server';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './deployer/constants';
import { ApiRegistry, type Services } from './deployer/resource-handlers';
import { startDynamoDb } from './dynamodb';
import { LocalEventBus, startLocalEventBridge } from './events';
import { type ExpiringStoreFactory, type LocalApiGateway, startLocalApiGateway } from './gateway';
import { AccessDecisions } from './iam/access-decisions';
import { LOCAL_ROLE_SECRET, localAccessKeyOf } from './iam/access-keys';
import { startDynamoDbFront } from './iam/dynamodb-front';
import { IamRegistry } from './iam/iam-registry';
import { LambdaRuntime } from './lambda/runtime';
import { listenOnLoopback } from './listen';
import { type LocalLogs, startLocalLogs } from './logs';
import { startOutbox } from './mail/outbox';
import { type LocalMonitoring, startLocalMonitoring } from './monitoring';
import { type CredentialResolver, type S3Authorizer, startLocalS3 } from './s3';
import { createSdkIntegrations, type SdkIntegrations } from './sdk-integrations';
import type { Shutdown } from './shutdown';
import { startStepFunctions } from './stepfunctions';
import { startLocalSts } from './sts';
import { startLocalXRay } from './xray';

/** The deployer's own credentials: unrestricted, straight to dynalite, past the local IAM. */
const DEPLOYER_CREDENTIALS = { accessKeyId: 'LOCALDEPLOYER', secretAccessKey: 'local' };

/**
 * The key docs/local-cloud.md gives the AWS CLI (`AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`):
 * the S3 endpoint, which checks signatures, accepts it with the deployer's unrestricted access.
 */
const CLI_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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
  /** The local S3, path-style (`forcePathStyle`, `aws s3 --endpoint-url`). */
  readonly s3: string;
  /** The local EventBridge (`@aws-sdk/client-eventbridge`, `aws events`). */
  readonly events: string;
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
  s3: 'AWS_ENDPOINT_URL_S3',
  events: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
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

/**
 * The local S3's credentials and IAM: the deployer's and the CLI's keys have full access; a
 * function's role or an STS session is checked against its policies, as the DynamoDB front does.
 * Bucket policies are not evaluated.
 */
function s3Access(iam: IamRegistry): { credentials: CredentialResolver; authorize: S3Authorizer } {
  const unrestricted = new Map([DEPLOYER_CREDENTIALS, CLI_CREDENTIALS].map((c) => [c.accessKeyId, c.secretAccessKey]));
  const decisions = new AccessDecisions(iam);
  return {
    credentials: (accessKeyId, sessionToken) => {
      const secret = unrestricted.get(accessKeyId);
      if (secret) return { ok: true, secretAccessKey: secret };
      const lookup = iam.identityOf(accessKeyId, sessionToken);
      if (lookup.ok) return { ok: true, secretAccessKey: lookup.identity.secretAccessKey };
      return lookup.code === 'ExpiredTokenException'
        ? { ok: false, code: 'ExpiredToken', message: 'The provided token has expired.' }
        : {
            ok: false,
            code: 'InvalidAccessKeyId',
            message: 'The AWS Access Key Id you provided does not exist in our records.',
          };
    },
    authorize: async (signer, action, resource) => {
      if (unrestricted.has(signer.accessKeyId)) return undefined;
      const lookup = iam.identityOf(signer.accessKeyId, signer.sessionToken);
      if (!lookup.ok) return lookup.message;
      const decision = await decisions.decide(lookup.identity, signer.accessKeyId, { action, resource });
      return decision.allowed
        ? undefined
        : `User: ${lookup.identity.principalArn} is not authorized to perform: ${action} on resource: ${resource} because ${decision.reason}`;
    },
  };
}

/** An EventBridge target that is a log group: each event one log stream named by its id, as EventBridge writes them. */
function logGroupTarget(
  logsEndpoint: string,
  shutdown: Shutdown,
): (targetArn: string, event: unknown) => Promise<unknown> {
  const logs = new CloudWatchLogsClient({
    region: LOCAL_REGION,
    endpoint: logsEndpoint,
    credentials: DEPLOYER_CREDENTIALS,
  });
  shutdown.add(() => logs.destroy());
  return async (targetArn, event) => {
    const logGroupName = targetArn.replace(/^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '');
    const logStreamName = String((event as { id?: unknown }).id ?? Date.now());
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    return logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: [{ timestamp: Date.now(), message: JSON.stringify(event) }],
      }),
    );
  };
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

  const s3 = await startLocalS3({ dataDir: path.join(dataDir, 's3'), region: LOCAL_REGION, ...s3Access(iam) });
  shutdown.add(() => s3.close());

  const sdkIntegrations = createSdkIntegrations({
    region: LOCAL_REGION,
    // Straight to dynalite, like the deployer: the local IAM checks functions' requests, not the state machines'.
    endpoints: {
      cognitoidentityprovider: cognito.endpoint,
      dynamodb: dynamo.endpoint,
      apigateway: gateway.managementEndpoint,
      s3: s3.endpoint,
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
  // Targets: Lambda functions (invoked), state machines (an execution started, as EventBridge
  // does) and log groups (written to the local CloudWatch Logs).
  const toLogGroup = logGroupTarget(logs.endpoint, shutdown);
  const events = new LocalEventBus(
    (target, event) =>
      target.includes(':states:')
        ? sfn.send(new StartExecutionCommand({ stateMachineArn: target, input: JSON.stringify(event) }))
        : target.includes(':logs:')
          ? toLogGroup(target, event)
          : lambda.invoke(target, event),
    (rule, error) => console.error(`EventBridge rule ${rule}: target failed: ${(error as Error).message}`),
    { dataDir: path.join(dataDir, 'events'), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT },
  );
  const eventBridge = await startLocalEventBridge(events);
  shutdown.add(() => eventBridge.close());
  stepFunctions.subscribe((event) => events.put(event as unknown as Record<string, unknown>));
  const codePipeline = await startLocalCodePipeline({
    dataDir: path.join(dataDir, 'codepipeline'),
    accountId: LOCAL_ACCOUNT,
    ...deployStageOn(sfn),
    deployInput: opts.deployInput,
  });
  shutdown.add(() => codePipeline.close());
  sdkIntegrations.connect({
    endpoints: { sfn: stepFunctions.endpoint, codepipeline: codePipeline.endpoint, eventbridge: eventBridge.endpoint },
  });
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
    s3: s3.endpoint,
    events: eventBridge.endpoint,
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
    s3,
    functionEnvironment: functionEnvironmentOf(endpoints),
    localizeUrl: localizeUrlWith(gateway),
  };
  return { consoleUrl, routes, services, codePipeline, sdkIntegrations, endpoints };
}
