/**
 * The Step Functions API actions (AWS JSON 1.0 bodies in, response bodies out), translated onto
 * the engine. Dates go out as epoch seconds, the form the SDK's JSON protocol reads.
 */
import { type Engine, type ExecutionRecord, SfnError, type StateMachineRecord } from './engine';
import { toWire } from './history';

type Body = Record<string, unknown>;
type Action = (engine: Engine, body: Body) => unknown;

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

function str(body: Body, field: string): string | undefined;
function str(body: Body, field: string, required: true): string;
function str(body: Body, field: string, required = false): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw new SfnError('ValidationException', `1 validation error detected: '${field}' must not be null`);
    return undefined;
  }
  if (typeof value !== 'string') throw new SfnError('ValidationException', `'${field}' must be a string`);
  return value;
}

function arn(body: Body, field: string, kind: 'execution' | 'stateMachine'): string {
  const value = str(body, field, true);
  if (!/^arn:aws[\w-]*:states:[^:]*:[^:]*:/.test(value) || !value.includes(`:${kind}:`)) {
    throw new SfnError('InvalidArn', `Invalid Arn: '${value}'`);
  }
  return value;
}

/** Slices `items` by maxResults / nextToken (an opaque offset), as the List* and history actions do. */
function page<T>(body: Body, items: readonly T[]): { items: T[]; nextToken?: string } {
  const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
  let offset = 0;
  const token = str(body, 'nextToken');
  if (token !== undefined) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw new SfnError('InvalidToken', `Invalid Token: '${token}'`);
  }
  const end = offset + max;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

function redriveStatus(e: ExecutionRecord): { redriveStatus: string; redriveStatusReason?: string } {
  if (e.status === 'FAILED' || e.status === 'ABORTED' || e.status === 'TIMED_OUT') {
    return e.type === 'EXPRESS'
      ? { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Express executions cannot be redriven' }
      : { redriveStatus: 'REDRIVABLE' };
  }
  return { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: `Execution is ${e.status} and cannot be redriven` };
}

function describeExecution(e: ExecutionRecord): Body {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output === undefined ? undefined : { included: true },
    error: e.error,
    cause: e.cause,
    redriveCount: e.redriveCount,
    redriveDate: seconds(e.redriveDate),
    ...redriveStatus(e),
  };
}

function listItem(e: ExecutionRecord): Body {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    redriveCount: e.redriveCount,
    redriveDate: seconds(e.redriveDate),
  };
}

function describeStateMachine(sm: StateMachineRecord): Body {
  return {
    stateMachineArn: sm.arn,
    name: sm.name,
    status: 'ACTIVE',
    definition: sm.definition,
    roleArn: sm.roleArn,
    type: sm.type,
    creationDate: seconds(sm.creationDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

/** Supported actions, by the name after `AWSStepFunctions.` in X-Amz-Target. */
export const ACTIONS: Record<string, Action> = {
  StartExecution(engine, body) {
    const e = engine.startExecution({
      stateMachineArn: arn(body, 'stateMachineArn', 'stateMachine'),
      name: str(body, 'name'),
      input: str(body, 'input'),
    });
    return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
  },
  DescribeExecution(engine, body) {
    return describeExecution(engine.execution(arn(body, 'executionArn', 'execution')));
  },
  ListExecutions(engine, body) {
    const statusFilter = str(body, 'statusFilter');
    const redriveFilter = str(body, 'redriveFilter');
    const all = engine
      .listExecutions(arn(body, 'stateMachineArn', 'stateMachine'))
      .filter((e) => !statusFilter || e.status === statusFilter)
      .filter((e) => !redriveFilter || (redriveFilter === 'REDRIVEN') === e.redriveCount > 0);
    const { items, nextToken } = page(body, all);
    return { executions: items.map(listItem), nextToken };
  },
  GetExecutionHistory(engine, body) {
    const e = engine.execution(arn(body, 'executionArn', 'execution'));
    const ordered = body.reverseOrder === true ? [...e.events].reverse() : e.events;
    const { items, nextToken } = page(body, ordered);
    const includeData = body.includeExecutionData !== false;
    return { events: items.map((ev) => toWire(ev, includeData)), nextToken };
  },
  StopExecution(engine, body) {
    const e = engine.stopExecution(arn(body, 'executionArn', 'execution'), str(body, 'error'), str(body, 'cause'));
    return { stopDate: seconds(e.stopDate) };
  },
  RedriveExecution(engine, body) {
    const e = engine.redriveExecution(arn(body, 'executionArn', 'execution'));
    return { redriveDate: seconds(e.redriveDate) };
  },
  DescribeStateMachine(engine, body) {
    return describeStateMachine(engine.stateMachine(arn(body, 'stateMachineArn', 'stateMachine')));
  },
  DescribeStateMachineForExecution(engine, body) {
    const e = engine.execution(arn(body, 'executionArn', 'execution'));
    return {
      stateMachineArn: e.stateMachineArn,
      name: e.stateMachineName,
      definition: e.definition,
      roleArn: e.roleArn,
      updateDate: seconds(e.startDate),
    };
  },
  ListStateMachines(engine, body) {
    const { items, nextToken } = page(body, engine.listStateMachines());
    return {
      stateMachines: items.map((sm) => ({
        stateMachineArn: sm.arn,
        name: sm.name,
        type: sm.type,
        creationDate: seconds(sm.creationDate),
      })),
      nextToken,
    };
  },
  SendTaskSuccess(engine, body) {
    engine.sendTaskSuccess(str(body, 'taskToken', true), str(body, 'output', true));
    return {};
  },
  SendTaskFailure(engine, body) {
    engine.sendTaskFailure(str(body, 'taskToken', true), str(body, 'error'), str(body, 'cause'));
    return {};
  },
  SendTaskHeartbeat(engine, body) {
    engine.sendTaskHeartbeat(str(body, 'taskToken', true));
    return {};
  },
};
