/**
 * The filter actions of CloudWatch Logs: subscription filters (Lambda destinations only, at most
 * two per group as on AWS), metric filters, and the saved queries the templates deploy.
 */
import { AwsRpcError, type RpcInput, type RpcOperation } from '../aws-rpc';
import { int, invalid, type LogsApiContext, page, patternOf, str } from './api-input';
import type { MetricTransformation } from './catalog';

type Input = RpcInput;

const MAX_SUBSCRIPTIONS_PER_GROUP = 2;

function transformationsOf(input: Input): MetricTransformation[] {
  const transformations = input.metricTransformations;
  if (!Array.isArray(transformations) || transformations.length !== 1)
    throw invalid('metricTransformations must hold exactly one transformation.');
  return transformations.map((t: Input) => {
    if (
      typeof t?.metricName !== 'string' ||
      typeof t?.metricNamespace !== 'string' ||
      typeof t?.metricValue !== 'string'
    )
      throw invalid('A metric transformation needs metricName, metricNamespace and metricValue.');
    return {
      metricName: t.metricName,
      metricNamespace: t.metricNamespace,
      metricValue: t.metricValue,
      defaultValue: typeof t.defaultValue === 'number' ? t.defaultValue : undefined,
      dimensions: t.dimensions,
      unit: t.unit,
    };
  });
}

/** PutSubscriptionFilter, DescribeSubscriptionFilters, DeleteSubscriptionFilter, the metric filter trio, DescribeQueryDefinitions. */
export function filterOperations(ctx: LogsApiContext): Record<string, RpcOperation> {
  const { backend } = ctx;
  return {
    PutSubscriptionFilter(input) {
      const group = backend.group(str(input, 'logGroupName', true));
      const filterName = str(input, 'filterName', true);
      const filterPattern = str(input, 'filterPattern', true);
      const destinationArn = str(input, 'destinationArn', true);
      patternOf(filterPattern);
      if (!/^arn:[^:]+:lambda:/.test(destinationArn))
        throw invalid('Only Lambda function destinations are supported by the local CloudWatch Logs.');
      if (!ctx.hasFunction(destinationArn))
        throw invalid(
          'Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.',
        );
      if (!group.subscriptions.has(filterName) && group.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_GROUP)
        throw new AwsRpcError('LimitExceededException', 'Resource limit exceeded.');
      backend.putSubscription({
        filterName,
        logGroupName: group.name,
        filterPattern,
        destinationArn,
        roleArn: str(input, 'roleArn'),
        distribution: str(input, 'distribution') ?? 'ByLogStream',
        creationTime: group.subscriptions.get(filterName)?.creationTime ?? Date.now(),
      });
      return {};
    },
    DescribeSubscriptionFilters(input) {
      const group = backend.group(str(input, 'logGroupName', true));
      const prefix = str(input, 'filterNamePrefix') ?? '';
      const filters = [...group.subscriptions.values()].filter((f) => f.filterName.startsWith(prefix));
      const { items, nextToken } = page(input, filters, 50);
      return { subscriptionFilters: items, nextToken };
    },
    DeleteSubscriptionFilter(input) {
      backend.deleteSubscription(str(input, 'logGroupName', true), str(input, 'filterName', true));
      return {};
    },
    PutMetricFilter(input) {
      const group = backend.group(str(input, 'logGroupName', true));
      const filterName = str(input, 'filterName', true);
      const filterPattern = str(input, 'filterPattern', true);
      patternOf(filterPattern);
      backend.putMetricFilter({
        filterName,
        logGroupName: group.name,
        filterPattern,
        metricTransformations: transformationsOf(input),
        creationTime: group.metricFilters.get(filterName)?.creationTime ?? Date.now(),
      });
      return {};
    },
    DescribeMetricFilters(input) {
      const name = str(input, 'logGroupName');
      const groups = name === undefined ? [...backend.catalog.groups.values()] : [backend.group(name)];
      const prefix = str(input, 'filterNamePrefix') ?? '';
      const metricName = str(input, 'metricName');
      const namespace = str(input, 'metricNamespace');
      const filters = groups
        .flatMap((group) => [...group.metricFilters.values()])
        .filter((f) => f.filterName.startsWith(prefix))
        .filter((f) => metricName === undefined || f.metricTransformations.some((t) => t.metricName === metricName))
        .filter((f) => namespace === undefined || f.metricTransformations.some((t) => t.metricNamespace === namespace));
      const { items, nextToken } = page(input, filters, 50);
      return { metricFilters: items, nextToken };
    },
    DeleteMetricFilter(input) {
      backend.deleteMetricFilter(str(input, 'logGroupName', true), str(input, 'filterName', true));
      return {};
    },
    DescribeQueryDefinitions(input) {
      const prefix = str(input, 'queryDefinitionNamePrefix') ?? '';
      const definitions = [...ctx.queryDefinitions.values()].filter((d) => d.name.startsWith(prefix));
      const limit = int(input, 'maxResults', 1, 1000, 1000);
      const { items, nextToken } = page({ ...input, limit }, definitions, 1000);
      return { queryDefinitions: items, nextToken };
    },
    TestMetricFilter(input) {
      const pattern = patternOf(str(input, 'filterPattern', true));
      const messages = (input.logEventMessages ?? []) as string[];
      return {
        matches: messages
          .map((message, index) => ({ eventNumber: index + 1, eventMessage: message, extractedValues: {} }))
          .filter((match) => pattern.matches(match.eventMessage)),
      };
    },
  };
}
