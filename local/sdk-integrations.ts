/**
 * Step Functions AWS SDK integrations on the local cloud (`arn:aws:states:::aws-sdk:<service>:<action>`
 * and the optimized dynamodb / states integrations): the `callAwsSdk` of the Step Functions
 * emulator's TaskInvoker.
 *
 * - `cognitoidentityprovider`, `dynamodb`, `sfn`, `codepipeline`, `apigateway`, `eventbridge`
 *   (also the optimized `events:putEvents`, whose Detail may be an object), `s3`: the real
 *   `@aws-sdk/client-<service>` client against the local endpoint; command `<Action>Command`.
 * - `cloudformation`: LocalCloudFormation, in-process (createStack, updateStack, describeStacks,
 *   deleteStack).
 * - Anything else: an Error named `States.Runtime`.
 *
 * As in AWS, parameters and results are PascalCase for every service, also for the APIs whose
 * own members are camelCase (sfn, codepipeline, apigateway): `{"TaskToken", "Output"}` in,
 * `{"PipelineExecutionId"}` out. camelCase parameters are accepted too. Results are JSON (dates
 * become ISO strings) without `$metadata`.
 */
import * as apigateway from '@aws-sdk/client-api-gateway';
import * as codepipeline from '@aws-sdk/client-codepipeline';
import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as s3 from '@aws-sdk/client-s3';
import * as sfn from '@aws-sdk/client-sfn';

/** The in-process CloudFormation API the integrations call (LocalCloudFormation implements it). */
export interface CloudFormationApi {
  createStack(input: never): Promise<unknown>;
  updateStack(input: never): Promise<unknown>;
  describeStacks(input: never): Promise<unknown>;
  deleteStack(input: never): Promise<unknown>;
}

/** Local endpoints of the services reached through their SDK clients. */
export interface SdkIntegrationEndpoints {
  readonly cognitoidentityprovider?: string;
  readonly dynamodb?: string;
  readonly sfn?: string;
  readonly codepipeline?: string;
  readonly apigateway?: string;
  readonly eventbridge?: string;
  /** Path-style (the local S3 has no virtual-host names). */
  readonly s3?: string;
}

/** The services a state machine can reach: endpoints of SDK-client services, LocalCloudFormation in-process. */
export interface ReachableServices {
  readonly endpoints?: SdkIntegrationEndpoints;
  readonly cloudFormation?: CloudFormationApi;
}

export interface SdkIntegrationOptions extends ReachableServices {
  readonly region: string;
  /** Credentials the clients sign with. @default a fixed local key */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface SdkIntegrations {
  /** `TaskInvoker.callAwsSdk`: (service, action, params) → result. */
  callAwsSdk(service: string, action: string, params: unknown): Promise<unknown>;
  /**
   * Makes more services reachable. Step Functions needs `callAwsSdk` when it starts, before the
   * services that themselves call Step Functions (CodePipeline) or deploy onto it
   * (LocalCloudFormation) exist; until a service is connected, a call to it fails with
   * `States.Runtime`, as one to a service the local cloud lacks.
   */
  connect(services: ReachableServices): void;
  /** Destroys the clients. */
  close(): void;
}

interface ClientModule {
  readonly client: new (
    config: Record<string, unknown>,
  ) => { send(command: unknown): Promise<unknown>; destroy(): void };
  readonly commands: Record<string, unknown>;
  /** The API's own member names are camelCase (Step Functions speaks PascalCase to it). */
  readonly camelCase: boolean;
  /** Members whose values are maps with user keys: their keys are never re-cased. */
  readonly mapMembers?: ReadonlySet<string>;
  /** More client configuration. */
  readonly config?: Readonly<Record<string, unknown>>;
}

const MODULES: Readonly<Record<keyof SdkIntegrationEndpoints, ClientModule>> = {
  cognitoidentityprovider: {
    client: cognito.CognitoIdentityProviderClient,
    commands: cognito as Record<string, unknown>,
    camelCase: false,
  },
  dynamodb: { client: dynamodb.DynamoDBClient, commands: dynamodb as Record<string, unknown>, camelCase: false },
  eventbridge: {
    client: eventbridge.EventBridgeClient,
    commands: eventbridge as Record<string, unknown>,
    camelCase: false,
  },
  s3: {
    client: s3.S3Client,
    commands: s3 as Record<string, unknown>,
    camelCase: false,
    mapMembers: new Set(['metadata']),
    config: { forcePathStyle: true },
  },
  sfn: { client: sfn.SFNClient, commands: sfn as Record<string, unknown>, camelCase: true },
  codepipeline: {
    client: codepipeline.CodePipelineClient,
    commands: codepipeline as Record<string, unknown>,
    camelCase: true,
    mapMembers: new Set(['configuration']),
  },
  apigateway: {
    client: apigateway.APIGatewayClient,
    commands: apigateway as Record<string, unknown>,
    camelCase: true,
    mapMembers: new Set([
      'tags',
      'variables',
      'requestParameters',
      'responseParameters',
      'requestTemplates',
      'responseTemplates',
      'requestModels',
      'responseModels',
      'parameters',
    ]),
  },
};

const CLOUDFORMATION_ACTIONS = new Set(['createStack', 'updateStack', 'describeStacks', 'deleteStack']);

/**
 * CloudFormation's modeled errors keep their name; the others (ValidationError: "No updates are
 * to be performed.", "Stack with id … does not exist") reach Step Functions as
 * `CloudFormation.CloudFormationException` with the message in the Cause, as on AWS.
 */
const CLOUDFORMATION_MODELED_ERRORS = new Set([
  'AlreadyExistsException',
  'InsufficientCapabilitiesException',
  'LimitExceededException',
  'TokenAlreadyExistsException',
]);

export function runtimeError(message: string): Error {
  return Object.assign(new Error(message), { name: 'States.Runtime' });
}

const upper = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);
const lower = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

/** Re-cases object keys recursively, leaving the values of `mapMembers` (compared in camelCase) as they are. */
export function recase(
  value: unknown,
  rename: (key: string) => string,
  mapMembers: ReadonlySet<string> = new Set(),
): unknown {
  if (Array.isArray(value)) return value.map((item) => recase(item, rename, mapMembers));
  if (!value || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[rename(key)] = mapMembers.has(lower(key)) ? item : recase(item, rename, mapMembers);
  }
  return out;
}

/** A result as Step Functions hands it on: plain JSON, no `$metadata`. */
function toStateOutput(output: unknown): unknown {
  if (output === undefined) return {};
  let result = output;
  if (result && typeof result === 'object' && !Array.isArray(result) && '$metadata' in result) {
    const { $metadata: _metadata, ...rest } = result as Record<string, unknown>;
    result = rest;
  }
  return JSON.parse(
    JSON.stringify(result, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
    ),
  );
}

/**
 * The optimized `events:putEvents` integration takes each entry's Detail as a JSON object and
 * sends it as the string the API wants; a string Detail is passed on as it is.
 */
function withDetailStrings(input: unknown): unknown {
  const { Entries } = (input ?? {}) as { Entries?: unknown };
  if (!Array.isArray(Entries)) return input;
  return {
    ...(input as object),
    Entries: Entries.map((entry: { Detail?: unknown }) =>
      entry && typeof entry === 'object' && entry.Detail !== undefined && typeof entry.Detail !== 'string'
        ? { ...entry, Detail: JSON.stringify(entry.Detail) }
        : entry,
    ),
  };
}

/** Creates the `callAwsSdk` of the local Step Functions service. */
export function createSdkIntegrations(opts: SdkIntegrationOptions): SdkIntegrations {
  const clients = new Map<string, { send(command: unknown): Promise<unknown>; destroy(): void }>();
  const credentials = opts.credentials ?? { accessKeyId: 'LOCALSTEPFUNCTIONS', secretAccessKey: 'local' };
  const endpoints: Partial<Record<keyof SdkIntegrationEndpoints, string>> = { ...opts.endpoints };
  const reachable: { cloudFormation?: CloudFormationApi } = { cloudFormation: opts.cloudFormation };

  const callCloudFormation = async (action: string, params: unknown) => {
    const api = reachable.cloudFormation;
    if (!api) throw runtimeError('aws-sdk:cloudformation is not available: LocalCloudFormation is not running');
    if (!CLOUDFORMATION_ACTIONS.has(action)) {
      throw runtimeError(
        `aws-sdk:cloudformation:${action} is not supported on the local cloud (supported: ${[...CLOUDFORMATION_ACTIONS].join(', ')})`,
      );
    }
    try {
      return toStateOutput(
        await (api[action as keyof CloudFormationApi] as (input: unknown) => Promise<unknown>).call(api, params ?? {}),
      );
    } catch (error) {
      const err = error as Error;
      if (err.name && !CLOUDFORMATION_MODELED_ERRORS.has(err.name) && !err.name.startsWith('States.')) {
        throw Object.assign(new Error(err.message), { name: 'CloudFormation.CloudFormationException', code: err.name });
      }
      throw err;
    }
  };

  return {
    async callAwsSdk(service, action, params) {
      if (service === 'cloudformation') return callCloudFormation(action, params);
      const module = MODULES[service as keyof SdkIntegrationEndpoints];
      const endpoint = endpoints[service as keyof SdkIntegrationEndpoints];
      if (!module || !endpoint) {
        const supported = [
          'cloudformation',
          ...Object.keys(MODULES).filter((name) => endpoints[name as keyof SdkIntegrationEndpoints]),
        ];
        throw runtimeError(
          `The AWS SDK integration aws-sdk:${service}:${action} is not available on the local cloud (services: ${supported.join(', ')})`,
        );
      }
      const Command = module.commands[`${upper(action)}Command`] as (new (input: unknown) => unknown) | undefined;
      if (typeof Command !== 'function')
        throw runtimeError(`${service} has no action ${action} (no ${upper(action)}Command in its SDK client)`);
      let input = module.camelCase ? recase(params ?? {}, lower, module.mapMembers) : (params ?? {});
      if (service === 'sfn' && action === 'startExecution') {
        // The optimized states:startExecution integration takes Input as an object as well.
        const start = input as { input?: unknown };
        if (start.input !== undefined && typeof start.input !== 'string')
          input = { ...start, input: JSON.stringify(start.input) };
      }
      if (service === 'eventbridge' && action === 'putEvents') input = withDetailStrings(input);
      let client = clients.get(service);
      if (!client) {
        client = new module.client({ region: opts.region, endpoint, credentials, maxAttempts: 1, ...module.config });
        clients.set(service, client);
      }
      const output = toStateOutput(await client.send(new Command(input)));
      return module.camelCase ? recase(output, upper, module.mapMembers) : output;
    },
    connect(services) {
      Object.assign(endpoints, services.endpoints);
      if (services.cloudFormation) reachable.cloudFormation = services.cloudFormation;
    },
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
