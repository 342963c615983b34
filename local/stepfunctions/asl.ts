/**
 * Amazon States Language helpers: parsing a definition, walking every state (Parallel branches and
 * Map processors included), classifying a Task's `Resource`, and preparing a copy for the
 * interpreter.
 */

/** One state of a definition; only the fields the emulator looks at are typed. */
export interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  [field: string]: unknown;
}

/** A state machine (or a Parallel branch / Map processor). */
export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

/**
 * Largest timeout Node's `setTimeout` accepts (2^31-1 ms); a bigger one fires at once. Real Step
 * Functions defaults a Task to 99999999 s, the interpreter to 60 s, so every Task gets this cap.
 */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

/** Parses and minimally checks an ASL JSON string. Throws an Error with a readable message. */
export function parseDefinition(definition: string): AslMachine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (err) {
    throw new Error(`definition is not valid JSON: ${(err as Error).message}`);
  }
  checkMachine(parsed, '$');
  return parsed;
}

function checkMachine(value: unknown, where: string): asserts value is AslMachine {
  const m = value as Partial<AslMachine> | null;
  if (!m || typeof m !== 'object' || typeof m.StartAt !== 'string' || !m.States || typeof m.States !== 'object') {
    throw new Error(`${where}: a state machine needs StartAt and States`);
  }
  if (!(m.StartAt in m.States)) throw new Error(`${where}: StartAt '${m.StartAt}' is not a state`);
  for (const [name, state] of Object.entries(m.States)) {
    if (!state || typeof state.Type !== 'string') throw new Error(`${where}.States.${name}: missing Type`);
    for (const [i, branch] of (state.Branches ?? []).entries()) {
      checkMachine(branch, `${where}.States.${name}.Branches[${i}]`);
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) checkMachine(processor, `${where}.States.${name}.ItemProcessor`);
  }
}

/** Calls `visit` for every state, recursing into Parallel branches and Map item processors. */
export function forEachState(machine: AslMachine, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(machine.States)) {
    visit(name, state);
    for (const branch of state.Branches ?? []) forEachState(branch, visit);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) forEachState(processor, visit);
  }
}

/**
 * A deep copy for the interpreter: starts at `startAt` (redrive), and gives every Task an explicit
 * TimeoutSeconds so the interpreter's 60 s default never applies and no timer overflows.
 */
export function prepareForInterpreter(machine: AslMachine, startAt: string): AslMachine {
  const copy = structuredClone(machine);
  copy.StartAt = startAt;
  if (copy.TimeoutSeconds !== undefined) copy.TimeoutSeconds = Math.min(copy.TimeoutSeconds, MAX_TIMEOUT_SECONDS);
  forEachState(copy, (_name, state) => {
    if (state.Type !== 'Task' || state.TimeoutSecondsPath !== undefined) return;
    state.TimeoutSeconds = Math.min(state.TimeoutSeconds ?? MAX_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS);
  });
  return copy;
}

/** How a Task's Resource is run locally. */
export type TaskKind =
  /** `arn:aws:states:::lambda:invoke`: output wraps the result in `{ExecutedVersion, Payload, StatusCode}`. */
  | 'lambda-invoke'
  /** A Lambda function ARN as Resource: output is the function's result. */
  | 'lambda-function'
  /** `arn:aws:states:::aws-sdk:<service>:<action>` or an optimized integration that maps onto an SDK call. */
  | 'sdk'
  /** Anything else (activities, `.sync`, HTTP tasks, ...): fails with States.Runtime. */
  | 'unsupported';

/** A classified Task Resource. */
export interface TaskResource {
  readonly arn: string;
  readonly kind: TaskKind;
  /** `.waitForTaskToken`: the state waits for SendTaskSuccess/SendTaskFailure. */
  readonly waitForTaskToken: boolean;
  /** History `resourceType`/`resource`, as AWS splits them (e.g. 'lambda' / 'invoke.waitForTaskToken'). */
  readonly resourceType: string;
  readonly resource: string;
  /** For `sdk`: the service and action handed to `TaskInvoker.callAwsSdk`. */
  readonly service?: string;
  readonly action?: string;
  /** For `sdk`: the prefix of error names, e.g. 'CognitoIdentityProvider' in 'CognitoIdentityProvider.UsernameExistsException'. */
  readonly errorPrefix?: string;
  /** Why an `unsupported` resource cannot run. */
  readonly reason?: string;
}

/**
 * PascalCase service names for error prefixes: the Resource spells the service in lower case, the
 * error name in PascalCase (`ServiceName.ErrorName`), and word breaks cannot be guessed.
 */
const SERVICE_ERROR_PREFIX: Record<string, string> = {
  apigateway: 'ApiGateway',
  cloudformation: 'CloudFormation',
  codebuild: 'CodeBuild',
  codepipeline: 'CodePipeline',
  cognitoidentity: 'CognitoIdentity',
  cognitoidentityprovider: 'CognitoIdentityProvider',
  dynamodb: 'DynamoDb',
  eventbridge: 'EventBridge',
  iam: 'Iam',
  lambda: 'Lambda',
  s3: 'S3',
  secretsmanager: 'SecretsManager',
  ses: 'Ses',
  sesv2: 'SesV2',
  sfn: 'Sfn',
  sns: 'Sns',
  sqs: 'Sqs',
  ssm: 'Ssm',
  sts: 'Sts',
};

/** Optimized integrations (`arn:aws:states:::<service>:<action>`) whose API is the SDK call of the same name. */
const OPTIMIZED: Record<string, { service: string; errorPrefix: string }> = {
  dynamodb: { service: 'dynamodb', errorPrefix: 'DynamoDB' },
  sns: { service: 'sns', errorPrefix: 'SNS' },
  sqs: { service: 'sqs', errorPrefix: 'SQS' },
  events: { service: 'eventbridge', errorPrefix: 'EventBridge' },
  states: { service: 'sfn', errorPrefix: 'StepFunctions' },
};

const WAIT_SUFFIX = '.waitForTaskToken';

/** Classifies a Task state's Resource ARN. */
export function parseResource(arn: string): TaskResource {
  const lambdaFn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:.+$/.exec(arn);
  if (lambdaFn) {
    return { arn, kind: 'lambda-function', waitForTaskToken: false, resourceType: 'lambda', resource: arn };
  }
  const states = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(.+)$/.exec(arn);
  const tail = states?.[1];
  if (!tail)
    return unsupported(arn, 'unknown', arn, 'the Resource is not a Lambda function or Step Functions integration ARN');
  const split = tail.lastIndexOf(':');
  const resourceType = tail.slice(0, split);
  const resource = tail.slice(split + 1);
  const waitForTaskToken = resource.endsWith(WAIT_SUFFIX);
  const action = waitForTaskToken ? resource.slice(0, -WAIT_SUFFIX.length) : resource;
  const base = { arn, waitForTaskToken, resourceType, resource } as const;
  if (action.includes('.sync'))
    return unsupported(arn, resourceType, resource, 'the .sync integration pattern is not emulated');
  if (resourceType === 'lambda' && action === 'invoke') return { ...base, kind: 'lambda-invoke' };
  if (resourceType.startsWith('aws-sdk:')) {
    const service = resourceType.slice('aws-sdk:'.length);
    const errorPrefix = SERVICE_ERROR_PREFIX[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
    return { ...base, kind: 'sdk', service, action, errorPrefix };
  }
  const optimized = OPTIMIZED[resourceType];
  if (optimized) return { ...base, kind: 'sdk', action, ...optimized };
  return unsupported(arn, resourceType, resource, `the ${resourceType} integration is not emulated`);
}

function unsupported(arn: string, resourceType: string, resource: string, reason: string): TaskResource {
  return { arn, kind: 'unsupported', waitForTaskToken: false, resourceType, resource, reason };
}
