/**
 * The state machine drawn as a graph (@xyflow/react, laid out by dagre). Loaded lazily: the
 * graph libraries are only fetched when an execution's detail page is opened.
 */
import '@xyflow/react/dist/style.css';
import { Background, Controls, type Edge, MarkerType, type Node, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { type GraphNode, type NodeStatus, STATUS_LABELS, type StateGraph } from './asl-graph';
import { layoutGraph, NODE_WIDTH } from './layout';

const COLOURS: Record<NodeStatus, { background: string; border: string; color: string }> = {
  'not-run': { background: '#ffffff', border: '#8c8c94', color: '#0f141a' },
  running: { background: '#f0fbff', border: '#006ce0', color: '#0f141a' },
  succeeded: { background: '#effff1', border: '#00802f', color: '#0f141a' },
  failed: { background: '#fff5f5', border: '#db0000', color: '#0f141a' },
  caught: { background: '#fff5f5', border: '#db0000', color: '#0f141a' },
  aborted: { background: '#f6f6f9', border: '#656871', color: '#0f141a' },
};

export interface StateGraphViewProps {
  readonly graph: StateGraph;
  readonly selected?: string;
  readonly onSelect?: (stateName: string) => void;
}

function nodeLabel(node: GraphNode): string {
  if (node.type === 'Start' || node.type === 'End') return node.label;
  return node.status === 'not-run' ? node.label : `${node.label} · ${STATUS_LABELS[node.status]}`;
}

export default function StateGraphView({ graph, selected, onSelect }: StateGraphViewProps) {
  const { nodes, edges } = useMemo(() => {
    const positions = layoutGraph(graph);
    const nodes: Node[] = graph.nodes.map((node) => {
      const colours = COLOURS[node.status];
      const terminal = node.type === 'Start' || node.type === 'End';
      return {
        id: node.id,
        position: positions.get(node.id) ?? { x: 0, y: 0 },
        data: { label: nodeLabel(node) },
        type: node.id === '__start__' ? 'input' : node.id === '__end__' ? 'output' : 'default',
        className: `tf-node tf-node-${node.status}`,
        ariaLabel: terminal ? node.label : `${node.label}, ${node.type} state, ${STATUS_LABELS[node.status]}`,
        draggable: false,
        selectable: !terminal,
        selected: node.id === selected,
        style: {
          width: terminal ? 96 : NODE_WIDTH,
          marginLeft: terminal ? (NODE_WIDTH - 96) / 2 : 0,
          background: terminal ? '#0f141a' : colours.background,
          color: terminal ? '#ffffff' : colours.color,
          border: `2px ${node.status === 'not-run' && !terminal ? 'dashed' : 'solid'} ${terminal ? '#0f141a' : colours.border}`,
          borderRadius: terminal ? 16 : 8,
          fontSize: 12,
          fontWeight: node.id === selected ? 700 : 400,
        },
        'data-testid': `state-${node.id}`,
      } as Node;
    });
    const edges: Edge[] = graph.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      label: edge.label,
      type: 'smoothstep',
      animated: false,
      markerEnd: { type: MarkerType.ArrowClosed },
      style: edge.kind === 'catch' ? { strokeDasharray: '6 4', stroke: '#db0000' } : undefined,
      labelStyle: { fontSize: 11 },
      labelBgStyle: { fill: '#ffffff' },
    }));
    return { nodes, edges };
  }, [graph, selected]);

  return (
    <section className="tf-graph" aria-label="State machine graph. Select a state to see its events.">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        onNodeClick={(_event, node) => onSelect?.(node.id)}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </section>
  );
}
