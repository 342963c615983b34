/** Top-down layout of a state graph with dagre (loaded with the graph view, not up front). */
import dagre from '@dagrejs/dagre';
import type { StateGraph } from './asl-graph';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 44;

export function layoutGraph(graph: StateGraph): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, edgesep: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes)
    g.setNode(node.id, { width: NODE_WIDTH, height: node.type === 'Start' || node.type === 'End' ? 32 : NODE_HEIGHT });
  for (const edge of graph.edges)
    g.setEdge(
      edge.source,
      edge.target,
      { label: edge.label, width: edge.label ? Math.min(220, edge.label.length * 6) : 0, height: edge.label ? 16 : 0 },
      edge.id,
    );
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const laid = g.node(node.id) as { x: number; y: number; width: number; height: number };
    positions.set(node.id, { x: laid.x - laid.width / 2, y: laid.y - laid.height / 2 });
  }
  return positions;
}
