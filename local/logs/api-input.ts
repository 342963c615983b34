/**
 * Reading the inputs of the CloudWatch Logs actions as CloudWatch does: its validation
 * messages, group identifiers (a name or an ARN), paging tokens and filter patterns.
 */
import { AwsRpcError, type RpcInput } from '../aws-rpc';
import type { LogsBackend } from './backend';
import type { GroupState } from './catalog';
import { type FilterPattern, FilterPatternError, parseFilterPattern } from './filter-pattern';

/** What the actions need besides the state. */
export interface LogsApiContext {
  readonly backend: LogsBackend;
  readonly region: string;
  readonly accountId: string;
  /** Whether a Lambda function (ARN) exists, for subscription destinations. */
  readonly hasFunction: (functionArn: string) => boolean;
  /** Query definitions (deployed `AWS::Logs::QueryDefinition`), by id. */
  readonly queryDefinitions: ReadonlyMap<string, QueryDefinition>;
}

/** A saved Logs Insights query, as DescribeQueryDefinitions shows it. */
export interface QueryDefinition {
  readonly queryDefinitionId: string;
  readonly name: string;
  readonly queryString: string;
  readonly logGroupNames: readonly string[];
  readonly lastModified: number;
}

type Input = RpcInput;

/** A validation failure, as CloudWatch Logs reports it. */
export const invalid = (message: string) => new AwsRpcError('InvalidParameterException', message);

/** A string member; `required` makes its absence an error. */
export function str(input: Input, field: string, required: true): string;
export function str(input: Input, field: string, required?: false): string | undefined;
export function str(input: Input, field: string, required = false): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    if (required)
      throw invalid(
        `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`'${field}' must be a string`);
  return value;
}

/** An integer member within [min, max], or its default. */
export function int(input: Input, field: string, min: number, max: number, fallback: number): number {
  const value = input[field];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  return value;
}

/** The group of `logGroupName` or `logGroupIdentifier` (a name or an ARN); exactly one of them. */
export function groupOf(ctx: LogsApiContext, input: Input, nameField = 'logGroupName'): GroupState {
  const name = str(input, nameField);
  const identifier = str(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined)
    throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  const resolved = name ?? (identifier === undefined ? undefined : groupNameOfArn(identifier));
  if (resolved === undefined) throw invalid('Either logGroupName or logGroupIdentifier must be provided.');
  return ctx.backend.group(resolved);
}

/** The log group name in a log group ARN (`…:log-group:<name>` with or without `:*`), or the value itself. */
export function groupNameOfArn(value: string): string {
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(value);
  return match?.[1] ?? value;
}

/** A page of `items` by an opaque offset token. */
export function page<T>(input: Input, items: readonly T[], max: number): { items: T[]; nextToken?: string } {
  const limit = int(input, 'limit', 1, max, max);
  const token = str(input, 'nextToken');
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalid('The specified nextToken is invalid.');
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

/** A filter pattern, or CloudWatch's InvalidParameterException. */
export function patternOf(source: string | undefined): FilterPattern {
  try {
    return parseFilterPattern(source ?? '');
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalid(`Invalid filter pattern: ${error.message}`);
    throw error;
  }
}
