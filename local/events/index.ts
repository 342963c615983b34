/**
 * The local EventBridge endpoint: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`) on
 * 127.0.0.1, for `@aws-sdk/client-eventbridge` and `aws events --endpoint-url`, over the
 * in-process {@link LocalEventBus}. Operations: PutEvents, CreateEventBus, ListEventBuses,
 * DescribeEventBus, ListRules, ListTargetsByRule.
 */
import { AwsRpcError, type RpcInput, startRpcServer } from '../aws-rpc';
import { DEFAULT_BUS, type LocalEventBus } from './event-bus';

export { DEFAULT_BUS, type EventEnvelope, LocalEventBus } from './event-bus';

/** A running EventBridge endpoint. */
export interface LocalEventBridge {
  readonly endpoint: string;
  close(): Promise<void>;
}

const validation = (message: string) => new AwsRpcError('ValidationException', message);

function busOf(bus: LocalEventBus, name: unknown) {
  const busName = typeof name === 'string' && name !== '' ? name : DEFAULT_BUS;
  const found = bus.bus(busName);
  if (!found) throw new AwsRpcError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
  return found;
}

/** Pages a list by a numeric offset token, as the list operations do. */
function page<T>(items: readonly T[], input: RpcInput): { items: T[]; NextToken?: string } {
  const limit = input.Limit === undefined ? 100 : Number(input.Limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validation('Limit must be between 1 and 100');
  const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
  if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is invalid');
  const end = start + limit;
  return { items: items.slice(start, end), NextToken: end < items.length ? String(end) : undefined };
}

/** Starts the endpoint over `bus`. */
export async function startLocalEventBridge(
  bus: LocalEventBus,
  opts: { port?: number } = {},
): Promise<LocalEventBridge> {
  const server = await startRpcServer({
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    port: opts.port,
    operations: {
      PutEvents(input) {
        const entries = input.Entries;
        if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10)
          throw validation(
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
          );
        return bus.putEvents(entries);
      },
      CreateEventBus(input) {
        if (typeof input.Name !== 'string' || !/^[\w.\-/]{1,256}$/.test(input.Name) || input.Name === DEFAULT_BUS)
          throw validation('Name must be a valid event bus name other than default');
        if (bus.bus(input.Name))
          throw new AwsRpcError('ResourceAlreadyExistsException', `Event bus ${input.Name} already exists.`);
        return { EventBusArn: bus.createBus(input.Name).Arn };
      },
      ListEventBuses(input) {
        const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
        const { items, NextToken } = page(
          bus.listBuses().filter((b) => b.Name.startsWith(prefix)),
          input,
        );
        return { EventBuses: items, NextToken };
      },
      DescribeEventBus(input) {
        return busOf(bus, input.Name);
      },
      ListRules(input) {
        const info = busOf(bus, input.EventBusName);
        const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
        const rules = (bus.rules(info.Name) ?? []).filter((rule) => rule.name.startsWith(prefix));
        const { items, NextToken } = page(rules, input);
        return {
          Rules: items.map((rule) => ({
            Name: rule.name,
            Arn: ruleArnOf(info.Arn, rule.name),
            EventPattern: JSON.stringify(rule.eventPattern),
            State: 'ENABLED',
            EventBusName: info.Name,
          })),
          NextToken,
        };
      },
      ListTargetsByRule(input) {
        const info = busOf(bus, input.EventBusName);
        const rule = (bus.rules(info.Name) ?? []).find((r) => r.name === input.Rule);
        if (!rule) throw new AwsRpcError('ResourceNotFoundException', `Rule ${String(input.Rule)} does not exist.`);
        return { Targets: rule.targets.map((arn, index) => ({ Id: `Target${index}`, Arn: arn })) };
      },
    },
  });
  return server;
}

/** The rule ARN EventBridge gives a rule: `rule/<name>` on the default bus, `rule/<bus>/<name>` on others. */
export function ruleArnOf(busArn: string, ruleName: string): string {
  const [prefix, busName] = busArn.split(':event-bus/') as [string, string];
  return busName === DEFAULT_BUS ? `${prefix}:rule/${ruleName}` : `${prefix}:rule/${busName}/${ruleName}`;
}
