/**
 * The service graph of a set of traces (GetServiceGraph over a time window, GetTraceGraph over
 * given traces): one node per service (name and type), an edge from a segment's service to each
 * service it called (a segment whose parent is inside it, or a downstream service inferred from
 * its `aws`/`remote` subsegments), with X-Ray's summary statistics and response-time histograms.
 */
import { descendants } from './segment-document';
import type { ServiceScope, TraceFacts } from './trace-facts';

interface Stats {
  ok: number;
  error: number;
  throttle: number;
  fault: number;
  total: number;
  responseTime: number;
  histogram: Map<number, number>;
}

interface GraphNode {
  readonly referenceId: number;
  readonly service: ServiceScope;
  root: boolean;
  start: number;
  end: number;
  readonly stats: Stats;
  readonly edges: Map<number, { start: number; end: number; stats: Stats }>;
}

const emptyStats = (): Stats => ({
  ok: 0,
  error: 0,
  throttle: 0,
  fault: 0,
  total: 0,
  responseTime: 0,
  histogram: new Map(),
});

function count(stats: Stats, scope: ServiceScope): void {
  stats.total += 1;
  if (scope.fault) stats.fault += 1;
  else if (scope.throttle) stats.throttle += 1;
  else if (scope.error) stats.error += 1;
  else stats.ok += 1;
  stats.responseTime += scope.responseTime;
  const bucket = Math.round(scope.responseTime * 1000) / 1000;
  stats.histogram.set(bucket, (stats.histogram.get(bucket) ?? 0) + 1);
}

function statisticsShape(stats: Stats) {
  return {
    OkCount: stats.ok,
    ErrorStatistics: {
      ThrottleCount: stats.throttle,
      OtherCount: stats.error,
      TotalCount: stats.error + stats.throttle,
    },
    FaultStatistics: { OtherCount: stats.fault, TotalCount: stats.fault },
    TotalCount: stats.total,
    TotalResponseTime: Math.round(stats.responseTime * 1000) / 1000,
  };
}

const histogramShape = (stats: Stats) =>
  [...stats.histogram].sort(([a], [b]) => a - b).map(([Value, Count]) => ({ Value, Count }));

/** Which services each service of a trace called: pairs of (caller, callee) scopes. */
function callsOf(facts: TraceFacts): [ServiceScope, ServiceScope][] {
  const calls: [ServiceScope, ServiceScope][] = [];
  const segments = facts.services.filter((service) => !service.inferred);
  for (const caller of segments) {
    const inside = new Set([caller.document.id, ...[...descendants(caller.document)].map((sub) => sub.id)]);
    for (const callee of facts.services) {
      if (callee === caller) continue;
      const parent = callee.inferred ? undefined : callee.document.parent_id;
      if ((parent !== undefined && inside.has(parent)) || (callee.inferred && inside.has(callee.document.id)))
        calls.push([caller, callee]);
    }
  }
  return calls;
}

/** The graph of the traces, as X-Ray's `Services` list. */
export function serviceGraphOf(traces: readonly TraceFacts[]): unknown[] {
  const nodes = new Map<string, GraphNode>();
  const nodeOf = (service: ServiceScope): GraphNode => {
    const key = `${service.name}\u0000${service.type ?? ''}`;
    let node = nodes.get(key);
    if (!node) {
      const start = service.document.start_time;
      node = {
        referenceId: nodes.size,
        service,
        root: false,
        start,
        end: start,
        stats: emptyStats(),
        edges: new Map(),
      };
      nodes.set(key, node);
    }
    node.start = Math.min(node.start, service.document.start_time);
    node.end = Math.max(node.end, service.document.end_time ?? service.document.start_time);
    return node;
  };
  for (const facts of traces) {
    for (const service of facts.services) count(nodeOf(service).stats, service);
    if (facts.root) nodeOf(facts.root).root = true;
    for (const [caller, callee] of callsOf(facts)) {
      const from = nodeOf(caller);
      const to = nodeOf(callee);
      const edge = from.edges.get(to.referenceId) ?? { start: to.start, end: to.end, stats: emptyStats() };
      edge.start = Math.min(edge.start, callee.document.start_time);
      edge.end = Math.max(edge.end, callee.document.end_time ?? callee.document.start_time);
      count(edge.stats, callee);
      from.edges.set(to.referenceId, edge);
    }
  }
  return [...nodes.values()].map((node) => ({
    ReferenceId: node.referenceId,
    Name: node.service.name,
    Names: [node.service.name],
    Root: node.root,
    AccountId: node.service.accountId,
    Type: node.service.type,
    State: 'active',
    StartTime: node.start,
    EndTime: node.end,
    Edges: [...node.edges].map(([referenceId, edge]) => ({
      ReferenceId: referenceId,
      StartTime: edge.start,
      EndTime: edge.end,
      SummaryStatistics: statisticsShape(edge.stats),
      ResponseTimeHistogram: histogramShape(edge.stats),
      Aliases: [],
    })),
    SummaryStatistics: statisticsShape(node.stats),
    DurationHistogram: histogramShape(node.stats),
    ResponseTimeHistogram: histogramShape(node.stats),
  }));
}
