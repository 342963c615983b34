/**
 * The local cloud, and the one module that knows it runs tenantflow: which app is synthesized
 * from which sources, which stacks have no local counterpart, the console build, the operator
 * seed and the console's configuration. Start-up runs in three phases: start the emulators
 * (`emulators.ts`) → deploy the cloud assembly (`deploy-assembly.ts`) → seed tenantflow.
 * Everything listens on 127.0.0.1 only; state persists under the data directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConsole } from '../console/build';
import { LIFECYCLE_EVENT_BUS_NAME } from '../contracts/lifecycle-events';
import { TtlCache } from '../functions/shared/ttl-cache';
import { buildApp, STACK_NAMES } from '../infra/app';
import type { LocalCloudFormation } from './cloudformation';
import { templateUrlOf } from './cloudformation/template-source';
import type { LocalCodePipeline } from './codepipeline';
import { type AssemblyDeployment, deployAssembly } from './deploy-assembly';
import { LOCAL_REGION } from './deployer/constants';
import type { DeployedStack } from './deployer/deploy';
import type { Services } from './deployer/resource-handlers';
import { type Emulators, startEmulators } from './emulators';
import { Shutdown } from './shutdown';
import { assemblyVersion, synthesize } from './synth';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** Console origin port on 127.0.0.1; 0 picks a free one. @default 4000 */
  readonly port?: number;
  /** @default '.tenantflow' */
  readonly dataDir?: string;
  readonly operatorEmail?: string;
  readonly operatorPassword?: string;
  /** Also print the functions' output on the terminal (it always goes to the local CloudWatch Logs). @default false */
  readonly verbose?: boolean;
  /** Called once per resource type the deployer skips. */
  readonly onSkippedType?: (type: string) => void;
}

/** `POST /local/faults {"step": "cloudformation:<stackName>", "times": N}` fails that stack's next N deployments. */
export const CLOUDFORMATION_FAULT_PREFIX = 'cloudformation:';

/**
 * The control plane's EventBridge bus (its `AWS::Events::EventBus` in the CDK app): its events
 * are what `GET /local/events` lists.
 */
export const LIFECYCLE_EVENT_BUS = LIFECYCLE_EVENT_BUS_NAME;

/** The operator `npm start` seeds unless told another. */
export const DEFAULT_OPERATOR_EMAIL = 'operator@tenantflow.local';
export const DEFAULT_OPERATOR_PASSWORD = 'Operator-Passw0rd!';

/** A running local cloud: its URLs, the operator to log in as, its services, and `close`. */
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
  /** CloudWatch Logs: the functions' log groups (`aws logs --endpoint-url`). */
  readonly logs: string;
  /** CloudWatch metrics from the functions' EMF records (`aws cloudwatch --endpoint-url`). */
  readonly monitoring: string;
  /** The X-Ray API; its port number is also the daemon's (UDP), each function's `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly xray: string;
  /** The local S3, path-style: `aws s3 --endpoint-url`, `new S3Client({ endpoint, forcePathStyle: true })`. */
  readonly s3: string;
  /** The local EventBridge: `aws events --endpoint-url`, `@aws-sdk/client-eventbridge`. */
  readonly events: string;
  /** Names of the pipelines deployed from the templates. */
  readonly pipelines: readonly string[];
  /** The cloud assembly the local cloud deployed (cdk.out). */
  readonly assemblyDir: string;
  /** The process that serves these endpoints. */
  readonly pid: number;
}

/** The file under the data directory that holds {@link LocalEndpoints}. */
export const ENDPOINTS_FILE = 'endpoints.json';

/** What goes into the cloud assembly: a change to any of them re-synthesizes. */
const ASSEMBLY_SOURCES = [
  'contracts',
  'infra',
  'functions',
  'authorizer',
  'layers',
  'workflows',
  'package-lock.json',
  'cdk.json',
  'tsconfig.json',
];

/** The input of a release's deploy stage: the silo template of the assembly on disk now. */
function siloDeployInput(outdir: string): { version: string; templateUrl: string } {
  const templateUrl = templateUrlOf(outdir, STACK_NAMES.siloTemplate);
  if (!templateUrl) throw new Error(`the cloud assembly ${outdir} has no stack ${STACK_NAMES.siloTemplate}`);
  return { version: assemblyVersion(outdir), templateUrl };
}

/** The value of the stack output whose name starts with `key` (CDK appends a hash); throws if missing. */
function requiredOutput(stack: DeployedStack | undefined, key: string): string {
  const value = Object.entries(stack?.outputs ?? {}).find(([name]) => name.startsWith(key))?.[1];
  if (!value) throw new Error(`Stack output ${key} is missing`);
  return value;
}

/** Writes `<dataDir>/endpoints.json` (removed again at shutdown) and returns its path. */
function writeEndpointsFile(dataDir: string, endpoints: LocalEndpoints, shutdown: Shutdown): string {
  const endpointsFile = path.join(dataDir, ENDPOINTS_FILE);
  fs.writeFileSync(endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`);
  shutdown.add(() => fs.rmSync(endpointsFile, { force: true }));
  return endpointsFile;
}

/** What the last phase builds on. */
interface SeedInput {
  readonly emulators: Emulators;
  readonly deployment: AssemblyDeployment;
  readonly dataDir: string;
  readonly outdir: string;
  readonly site: { readonly dir: string; readonly built: boolean; readonly ms: number };
  readonly operator: { readonly email: string; readonly password: string };
}

/**
 * Phase three: seeds the operator into the operator pool, opens the console origin (its
 * config, the gateway, the outbox, fault injection) and writes endpoints.json.
 */
async function seedTenantflow(input: SeedInput, shutdown: Shutdown): Promise<LocalCloud> {
  const { emulators, deployment, operator } = input;
  const { services, routes, endpoints } = emulators;
  const { stepFunctions, cognito, outbox, events, gateway } = services;
  const { cloudFormation } = deployment;
  const controlPlane = deployment.stacks.get(STACK_NAMES.controlPlane);
  const operatorUserPoolId = requiredOutput(controlPlane, 'OperatorUserPoolId');
  const operatorClientId = requiredOutput(controlPlane, 'OperatorClientId');
  const controlPlaneApiUrl = requiredOutput(controlPlane, 'ControlPlaneApiUrl');
  const pooledApiUrl = requiredOutput(deployment.stacks.get(STACK_NAMES.pooled), 'TenantApiUrl');
  await cognito.ensureUser(operatorUserPoolId, {
    username: operator.email,
    password: operator.password,
    attributes: { email: operator.email, email_verified: 'true', 'custom:userRole': 'SystemAdmin' },
  });

  routes.gateway = gateway;
  routes.config = {
    region: LOCAL_REGION,
    controlPlaneApiUrl,
    operatorUserPoolId,
    operatorClientId,
    cognitoEndpoint: cognito.endpoint,
  };
  routes.site = input.site.dir;
  routes.outbox = () => outbox.messages();
  routes.lambdaStats = () => services.lambda.stats();
  routes.events = () => events.history(LIFECYCLE_EVENT_BUS);
  routes.faults = {
    // `cloudformation:<stackName>` makes that stack's deployments fail; any other step is a state name.
    set: (step, times, error) =>
      step.startsWith(CLOUDFORMATION_FAULT_PREFIX)
        ? cloudFormation.setFault(step.slice(CLOUDFORMATION_FAULT_PREFIX.length), times)
        : stepFunctions.setFault(step, times, error),
    clear: () => {
      stepFunctions.clearFaults();
      cloudFormation.clearFaults();
    },
  };
  const endpointsFile = writeEndpointsFile(
    input.dataDir,
    {
      region: LOCAL_REGION,
      consoleUrl: emulators.consoleUrl,
      ...endpoints,
      pipelines: emulators.codePipeline.pipelines(),
      assemblyDir: input.outdir,
      pid: process.pid,
    },
    shutdown,
  );

  return {
    consoleUrl: emulators.consoleUrl,
    controlPlaneApiUrl,
    pooledApiUrl,
    cognitoEndpoint: cognito.endpoint,
    operatorUserPoolId,
    operatorClientId,
    operatorEmail: operator.email,
    operatorPassword: operator.password,
    stacks: deployment.stacks,
    consoleBuild: { built: input.site.built, ms: input.site.ms },
    services,
    cloudFormation,
    codePipeline: emulators.codePipeline,
    endpointsFile,
    idle: async () => {
      await stepFunctions.idle();
      await cloudFormation.idle();
      await events.drain();
    },
    close: () => shutdown.close(),
  };
}

/** Starts tenantflow's local cloud: synthesize, start the emulators, deploy, seed. */
export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  // Lambda runs Node 22; the SDK's notice about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = path.resolve(opts.dataDir ?? '.tenantflow');
  fs.mkdirSync(dataDir, { recursive: true });
  // The web apps first: the console stack packages console/dist when the app is synthesized.
  const site = await buildConsole();
  const { outdir } = await synthesize({
    sources: ASSEMBLY_SOURCES,
    build: (outdir) => {
      buildApp({ outdir }).synth();
    },
  });
  const shutdown = new Shutdown();
  try {
    const emulators = await startEmulators(
      {
        dataDir,
        port: opts.port ?? 4000,
        verbose: opts.verbose ?? false,
        // Read at each start: `npm run release` re-synthesizes cdk.out while the cloud runs.
        deployInput: () => siloDeployInput(outdir),
        createCache: <V>(maxEntries: number) => new TtlCache<V>(maxEntries),
      },
      shutdown,
    );
    const deployment = await deployAssembly(
      {
        outdir,
        dataDir,
        services: emulators.services,
        sdkIntegrations: emulators.sdkIntegrations,
        // The console hosting stack (S3 + CloudFront) has no local counterpart: this origin serves the apps.
        skipStacks: new Set([STACK_NAMES.console]),
        onSkippedType: opts.onSkippedType,
      },
      shutdown,
    );
    const operator = {
      email: opts.operatorEmail ?? DEFAULT_OPERATOR_EMAIL,
      password: opts.operatorPassword ?? DEFAULT_OPERATOR_PASSWORD,
    };
    return await seedTenantflow({ emulators, deployment, dataDir, outdir, site, operator }, shutdown);
  } catch (error) {
    await shutdown.close();
    throw error;
  }
}
